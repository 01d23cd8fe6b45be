package dev.ripple.bench.harness;

import dev.ripple.core.Labels;
import dev.ripple.core.activity.PredictorKind;
import java.util.Locale;

/**
 * Which predictor the bench's forward passes run: one stored in the files ({@link PredictorKind}),
 * or the oracle, the true active sets of the profiled trace, which only a bench can have.
 */
public enum BenchPredictor {
    /** The low-rank predictor stored in each file (the default). */
    LOWRANK(PredictorKind.LOWRANK),
    /** A trained predictor, trained once on the calibration tokens and stored in each file (ONNX encoders). */
    TRAINED(PredictorKind.TRAINED),
    /** Every neuron (decoders: the dense forward from flash). */
    DENSE(PredictorKind.DENSE),
    /** The true active sets recorded by the profiler: what a perfect predictor would read. */
    ORACLE(PredictorKind.LOWRANK);

    private final PredictorKind stored;

    BenchPredictor(PredictorKind stored) {
        this.stored = stored;
    }

    /** The kind the runtime options name; the oracle runs over the low-rank options and overrides them. */
    public PredictorKind stored() {
        return stored;
    }

    /** The name on the command line and in reports: {@code lowrank}, {@code trained}, {@code dense}, {@code oracle}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a model of this kind can run it: trained only on ONNX encoders, dense only on decoders. */
    public boolean servesDecoders() {
        return this != TRAINED;
    }

    public boolean servesEncoders() {
        return this != DENSE;
    }

    public static BenchPredictor parse(String label) {
        return Labels.find(values(), BenchPredictor::label, label, "predictor");
    }
}
