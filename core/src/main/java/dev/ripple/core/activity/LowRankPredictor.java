package dev.ripple.core.activity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ripple.core.format.FfnLayerSection;
import dev.ripple.core.format.FileFormatException.Problem;
import dev.ripple.core.format.ResidentTensor;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.RippleFormat;
import dev.ripple.core.format.RippleFormatException;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.Tensor;
import dev.ripple.core.tensor.kernels.KernelProvider;
import dev.ripple.core.tensor.kernels.Kernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.collections.api.list.primitive.MutableIntList;

/**
 * Predicts activity from a resident rank-r approximation of each layer's up projection (the gate
 * projection for gated layers): {@code ẑ = (x·A)·B + bias}, with A [dModel × r] and B [r × dFfn]
 * from a truncated SVD, computed offline. Costs {@code r·(dModel + dFfn)} multiply-adds per token
 * and layer instead of {@code dModel·dFfn}.
 *
 * <p>The error of ẑ_i is {@code res_i · x}, where res_i is row i of the residual of the
 * approximation. Each neuron stores a residual scale s_i such that the error's size is about
 * {@code s_i·‖x‖/√dModel}: for factors fitted to the weights alone (a plain truncated SVD) s_i is
 * {@code ‖res_i‖}, exact for inputs whose direction is unrelated to res_i; for factors fitted to
 * profiled inputs it is the neuron's measured RMS error over the calibration inputs divided by
 * their RMS coordinate, so the margin is in units of real errors. A neuron is predicted active
 * when the rule holds anywhere in {@code ẑ_i ± margin·s_i·‖x‖/√dModel}: the margin trades I/O
 * (false positives) for recall, neuron by neuron.
 *
 * <pre>{@code
 * LowRankPredictor p = new LowRankPredictor(factors, ActivityRule.parse("act > -0.05"), LowRankPredictor.DEFAULT_MARGIN);
 * MutableIntList active = new IntArrayList();
 * p.predict(layer, x, active);            // neuron indices, original order
 * }</pre>
 *
 * <p>The factors live in the {@code .ripple} file as resident tensors ({@link #tensors} writes them,
 * {@link #read} reads them back, side by side so the two cannot drift apart); the rule and the
 * margin are in the file's provenance. A file may also store a second set of the same shapes,
 * fitted to predict from the layer input before attention, for the runtime's read-ahead
 * ({@link #aheadTensors} writes it, {@link #readAhead} reads it, by the same code as the first).
 */
public final class LowRankPredictor implements ActivationPredictor {

    /**
     * The margin used unless the user picks one: with factors fitted to profiled inputs it is 1.5
     * RMS errors of each neuron's prediction, which on all-MiniLM-L6-v2 under {@code act > -0.05}
     * recalls 97.5% of the active neurons (docs/PERFORMANCE.md §8).
     */
    public static final float DEFAULT_MARGIN = 1.5f;

    /**
     * One layer's factors. {@code residualNorm[i] = ‖row i of (W − A·B)ᵀ‖}; {@code activation} and
     * {@code reluThreshold} are the layer's (the threshold of a FATReLU, else 0).
     */
    public record Factors(
            int dModel,
            int rank,
            int dFfn,
            float[] a,
            float[] b,
            float[] bias,
            float[] residualNorm,
            Activation activation,
            float reluThreshold) {
        public Factors {
            if (a.length != dModel * rank
                    || b.length != rank * dFfn
                    || bias.length != dFfn
                    || residualNorm.length != dFfn) {
                throw new IllegalArgumentException(
                        "low-rank factors: shapes do not match dModel " + dModel + ", rank " + rank + ", dFfn " + dFfn);
            }
        }
    }

    /** The name of one stored factor: {@link RippleFormat#lowRankTensor} or {@link RippleFormat#aheadTensor}. */
    @FunctionalInterface
    private interface PartName {
        String of(int layer, String part);
    }

    /**
     * One set of factors a file may store: where its tensors are, what it is called when one of
     * them is missing, and the {@link #name()} of the predictor read from it. The two sets are
     * written and read by the same code, so they cannot drift apart in how a rule, a margin or a
     * shape is checked.
     */
    private record StoredSet(PartName names, String stored, String predictorName) {}

    private static final StoredSet LOW_RANK =
            new StoredSet(RippleFormat::lowRankTensor, "layer 0 stores a low-rank predictor", "lowrank");
    private static final StoredSet AHEAD =
            new StoredSet(RippleFormat::aheadTensor, "the file stores read-ahead factors", "lowrank-ahead");
    private static final List<String> PARTS = List.of("a", "b", "bias", "residual");

    /** The resident tensors that store layer {@code layer}'s factors in a {@code .ripple} file. */
    public static List<ResidentTensor> tensors(int layer, Factors f) {
        return tensors(layer, f, LOW_RANK.names());
    }

    /**
     * The resident tensors that store layer {@code layer}'s read-ahead factors (fitted to the layer
     * input, {@link RippleFormat#aheadTensor}) in a {@code .ripple} file; {@link #readAhead} reads them.
     */
    public static List<ResidentTensor> aheadTensors(int layer, Factors f) {
        return tensors(layer, f, AHEAD.names());
    }

    private static List<ResidentTensor> tensors(int layer, Factors f, PartName name) {
        int d = f.dModel();
        int r = f.rank();
        int n = f.dFfn();
        return List.of(
                new ResidentTensor(name.of(layer, "a"), DType.F32, new long[] {d, r}, f.a()),
                new ResidentTensor(name.of(layer, "b"), DType.F32, new long[] {r, n}, f.b()),
                new ResidentTensor(name.of(layer, "bias"), DType.F32, new long[] {n}, f.bias()),
                new ResidentTensor(name.of(layer, "residual"), DType.F32, new long[] {n}, f.residualNorm()));
    }

    /** True when {@code file} stores low-rank factors and the activity rule they predict. */
    public static boolean isStoredIn(RippleFile file) {
        return !file.layers().isEmpty()
                && file.tensor(RippleFormat.lowRankTensor(0, "a")).isPresent()
                && file.provenance().path("activityRule").isObject();
    }

    /**
     * The predictor stored in {@code file}, under the file's activity rule. It computes on the
     * file's mapped f32 factors, so it is usable while {@code file} is open.
     *
     * @param margin the margin to use, or NaN for the one stored in the file's provenance
     * @throws MissingPredictorException naming the file when it holds no predictor, or one its
     *     activity rule cannot use (a rule other than a threshold, such as top-k)
     * @throws RippleFormatException when it holds a damaged one: a rule that cannot be read, a
     *     stored margin that is not a number ≥ 0, a layer whose factors are missing or do not fit it
     */
    public static LowRankPredictor read(RippleFile file, float margin) throws RippleFormatException {
        return read(file, margin, Arena.ofAuto());
    }

    /**
     * As {@link #read(RippleFile, float)}, factors that are not f32 widened into {@code arena}
     * (f32 factors stay where the file maps them): closing it frees them at once, where the other
     * form leaves them to the garbage collector. {@code RippleModel} reads its predictor this way
     * and closes the arena with the model.
     */
    public static LowRankPredictor read(RippleFile file, float margin, Arena arena) throws RippleFormatException {
        if (!isStoredIn(file)) {
            throw new MissingPredictorException(
                    file.path(),
                    PredictorKind.LOWRANK,
                    "write it with 'ripple place' (a rank above 0) or run with the dense predictor");
        }
        return read(file, margin, arena, LOW_RANK);
    }

    /**
     * True when {@code file} stores read-ahead factors ({@link RippleFormat#aheadTensor}): any of
     * them, for any layer, so that a partial set is not taken for none ({@link #readAhead} refuses it).
     */
    public static boolean isAheadStoredIn(RippleFile file) {
        for (FfnLayerSection l : file.layers()) {
            for (String part : PARTS) {
                if (file.tensor(AHEAD.names().of(l.spec().index(), part)).isPresent()) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The read-ahead predictor stored in {@code file}: factors fitted to predict each layer's FFN
     * neurons from the layer's input before attention ({@code LowRankFactorizer.factorAhead}),
     * under the file's activity rule and the same margin as {@link #read}, its residual scales in
     * units of that fit's errors. Its {@link #name()} is {@code lowrank-ahead}. The runtime's
     * read-ahead runs it in place of the low-rank predictor, whose factors fit the FFN input.
     *
     * @param margin the margin to use, or NaN for the one stored in the file's provenance
     * @return empty when the file stores no read-ahead factors (files written before them, or
     *     placed without)
     * @throws MissingPredictorException as {@link #read} does, when the file's activity rule is not
     *     a threshold rule
     * @throws RippleFormatException as {@link #read} does for a damaged rule or margin, and naming
     *     the tensor when a layer's read-ahead factors are missing (a partial set) or do not fit it
     */
    public static Optional<LowRankPredictor> readAhead(RippleFile file, float margin, Arena arena)
            throws RippleFormatException {
        if (!isAheadStoredIn(file)) {
            return Optional.empty();
        }
        return Optional.of(read(file, margin, arena, AHEAD));
    }

    /** The predictor of {@code set}, which {@code file} stores (at least in part). */
    private static LowRankPredictor read(RippleFile file, float margin, Arena arena, StoredSet set)
            throws RippleFormatException {
        JsonNode prov = file.provenance();
        ActivityRule stored;
        try {
            stored = ActivityRule.fromJson(prov.path("activityRule"));
        } catch (IllegalArgumentException e) {
            throw new RippleFormatException(
                    file.path(), "metadata", Problem.INCONSISTENT, "provenance.activityRule: " + e.getMessage(), e);
        }
        if (!(stored instanceof ThresholdRule rule)) {
            // a valid file ('ripple place' after 'ripple profile --rule "top 10%"'): the caller's choice of predictor
            throw new MissingPredictorException(
                    file.path(),
                    PredictorKind.LOWRANK,
                    "its activity rule (" + stored.describe() + ") is not a threshold rule, which the low-rank"
                            + " predictor needs; run with the dense or trained predictor");
        }
        float m = margin;
        if (Float.isNaN(margin)) {
            JsonNode storedMargin = prov.path("predictor").path("margin");
            m = storedMargin.isMissingNode()
                    ? DEFAULT_MARGIN
                    : storedMargin.isNumber() ? storedMargin.floatValue() : -1;
            if (!(m >= 0)) {
                throw new RippleFormatException(
                        file.path(),
                        "metadata",
                        Problem.INCONSISTENT,
                        "provenance.predictor.margin must be a number ≥ 0, got "
                                + prov.path("predictor").path("margin"));
            }
        }
        List<Layer> layers = new ArrayList<>();
        for (FfnLayerSection l : file.layers()) {
            int i = l.spec().index();
            int d = l.spec().dModel();
            int n = l.spec().dFfn();
            Tensor a = factor(file, set, i, "a");
            if (a.rank() != 2 || a.dim(0) != d) {
                throw StoredTensorShapes.misfit(file, a, "[" + d + ", rank]", i);
            }
            int r = (int) a.dim(1);
            layers.add(new Layer(
                    d,
                    r,
                    n,
                    inPlace(a, arena),
                    inPlace(StoredTensorShapes.shaped(file, factor(file, set, i, "b"), i, r, n), arena),
                    StoredTensorShapes.shaped(file, factor(file, set, i, "bias"), i, n)
                            .toFloatArray(),
                    StoredTensorShapes.shaped(file, factor(file, set, i, "residual"), i, n)
                            .toFloatArray(),
                    ActiveRegion.of(l.spec().activation(), l.spec().reluThreshold(), rule, i)));
        }
        return new LowRankPredictor(layers.toArray(Layer[]::new), m, set.predictorName());
    }

    private static Tensor factor(RippleFile file, StoredSet set, int layer, String part) throws RippleFormatException {
        String name = set.names().of(layer, part);
        return file.tensor(name)
                .orElseThrow(() -> new RippleFormatException(
                        file.path(), "tensor " + name, Problem.INCONSISTENT, "missing, though " + set.stored()));
    }

    /**
     * A factor as the kernels read it: f32 factors are used where the file maps them (copying them
     * would hold them twice, once in the mapped file's pages and once off-heap: 250 MB for a 7B
     * model's rank-128 predictor); other types are widened once.
     */
    private static MemorySegment inPlace(Tensor t, Arena arena) {
        if (t.dtype() == DType.F32 && t.data().byteSize() == 4 * t.elementCount()) {
            return t.data();
        }
        float[] values = t.toFloatArray();
        return arena.allocate(4L * values.length, 64).copyFrom(MemorySegment.ofArray(values));
    }

    /**
     * One layer as the predictor keeps it: A and B off-heap only (where the Vector API's loads are
     * intrinsified), so the factors are not held twice; bias and residual scales on heap.
     */
    private record Layer(
            int dModel,
            int rank,
            int dFfn,
            MemorySegment a,
            MemorySegment b,
            float[] bias,
            float[] residualNorm,
            ActiveRegion region) {}

    private final Layer[] layers;
    private final float margin;
    /** {@code lowrank}, or {@code lowrank-ahead} for the read-ahead factors ({@link #readAhead}). */
    private final String name;

    private final Kernels kernels = KernelProvider.best();

    public LowRankPredictor(List<Factors> layers, ActivityRule rule, float margin) {
        this(offHeap(layers, thresholdRule(rule)), margin, LOW_RANK.predictorName());
    }

    /**
     * The rule as this predictor needs it: one that judges each value alone, so that the
     * pre-activations it accepts form a few intervals ({@link ActiveRegion}).
     */
    private static ThresholdRule thresholdRule(ActivityRule rule) {
        if (rule instanceof ThresholdRule t) {
            return t;
        }
        throw new IllegalArgumentException("the low-rank predictor needs a threshold rule, not " + rule.describe());
    }

    private static Layer[] offHeap(List<Factors> factors, ThresholdRule rule) {
        Arena arena = Arena.ofAuto();
        Layer[] out = new Layer[factors.size()];
        for (int l = 0; l < out.length; l++) {
            Factors f = factors.get(l);
            MemorySegment a = arena.allocate(4L * f.a().length, 64).copyFrom(MemorySegment.ofArray(f.a()));
            MemorySegment b = arena.allocate(4L * f.b().length, 64).copyFrom(MemorySegment.ofArray(f.b()));
            out[l] = new Layer(
                    f.dModel(),
                    f.rank(),
                    f.dFfn(),
                    a,
                    b,
                    f.bias().clone(),
                    f.residualNorm().clone(),
                    ActiveRegion.of(f.activation(), f.reluThreshold(), rule, l));
        }
        return out;
    }

    private LowRankPredictor(Layer[] layers, float margin, String name) {
        if (!(margin >= 0)) {
            throw new IllegalArgumentException("margin must be ≥ 0, got " + margin);
        }
        this.margin = margin;
        this.layers = layers;
        this.name = name;
    }

    /** {@code lowrank}; {@code lowrank-ahead} when read from the file's read-ahead factors. */
    @Override
    public String name() {
        return name;
    }

    public float margin() {
        return margin;
    }

    /** Stateless: a prediction on the layer input may start its reads early. */
    @Override
    public boolean predictsAhead() {
        return true;
    }

    @Override
    public void predict(int layer, float[] x, MutableIntList out) {
        Layer f = layers[layer];
        int d = f.dModel();
        int r = f.rank();
        int n = f.dFfn();
        // t = x·A and z = bias + t·B, each as a sum of scaled rows (A is [d × r], B is [r × n]).
        MemorySegment a = f.a();
        MemorySegment b = f.b();
        float[] t = new float[r];
        double norm = 0;
        for (int k = 0; k < d; k++) {
            float xk = x[k];
            norm += (double) xk * xk;
            if (xk != 0f) {
                kernels.axpy(DType.F32, xk, a, 4L * k * r, t, r, null);
            }
        }
        float[] z = f.bias().clone();
        for (int j = 0; j < r; j++) {
            kernels.axpy(DType.F32, t[j], b, 4L * j * n, z, n, null);
        }
        float scale = (float) (margin * Math.sqrt(norm / d));
        ActiveRegion region = f.region();
        float[] residual = f.residualNorm();
        for (int i = 0; i < n; i++) {
            float half = scale * residual[i];
            if (region.intersects(z[i] - half, z[i] + half)) {
                out.add(i);
            }
        }
    }
}
