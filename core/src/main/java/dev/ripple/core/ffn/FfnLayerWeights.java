package dev.ripple.core.ffn;

import dev.ripple.core.format.BundleSource;
import dev.ripple.core.format.FfnLayerSpec;
import java.util.Objects;

/**
 * One FFN layer's weights in DRAM, neuron-major, in the model's original neuron order: what an
 * importer produces and the writer turns into bundles.
 *
 * @param spec        the layer's shape ({@code spec.dtype()} is the type to store on flash)
 * @param up          [dFfn × dModel], row i is neuron i's up projection
 * @param gate        [dFfn × dModel] for gated layers, else {@code null}
 * @param downColumns [dFfn × dModel], row i is neuron i's column of the down projection
 * @param upBias      [dFfn], zeros when the model has none
 * @param gateBias    [dFfn] for gated layers (zeros when the model has none), else {@code null}
 * @param downBias    [dModel], zeros when the model has none; resident at run time
 */
public record FfnLayerWeights(
        FfnLayerSpec spec,
        float[] up,
        float[] gate,
        float[] downColumns,
        float[] upBias,
        float[] gateBias,
        float[] downBias)
        implements BundleSource {

    public FfnLayerWeights {
        Objects.requireNonNull(spec, "spec");
        long matrix = (long) spec.dFfn() * spec.dModel();
        check(spec, "up", up, matrix);
        check(spec, "downColumns", downColumns, matrix);
        check(spec, "upBias", upBias, spec.dFfn());
        check(spec, "downBias", downBias, spec.dModel());
        if (spec.gated()) {
            check(spec, "gate", gate, matrix);
            check(spec, "gateBias", gateBias, spec.dFfn());
        } else if (gate != null || gateBias != null) {
            throw new IllegalArgumentException("layer " + spec.index() + ": gate weights given for a non-gated layer");
        }
    }

    private static void check(FfnLayerSpec spec, String name, float[] a, long expected) {
        if (a == null || a.length != expected) {
            throw new IllegalArgumentException("layer " + spec.index() + ": " + name + " must have " + expected
                    + " elements, got " + (a == null ? "none" : a.length));
        }
    }

    /** Writes neuron {@code neuron}'s bundle, as f32 values, into {@code dst} from {@code at}. */
    @Override
    public void bundleOf(int neuron, float[] dst, int at) {
        int d = spec.dModel();
        int src = neuron * d;
        System.arraycopy(up, src, dst, at, d);
        if (spec.gated()) {
            System.arraycopy(gate, src, dst, at + spec.gateOffset(), d);
        }
        System.arraycopy(downColumns, src, dst, at + spec.downOffset(), d);
        dst[at + spec.upBiasOffset()] = upBias[neuron];
        if (spec.gated()) {
            dst[at + spec.gateBiasOffset()] = gateBias[neuron];
        }
    }

    /** Dense reference forward: {@code out = FFN(x)} over all neurons, in double accumulation. */
    public void denseForward(float[] x, float[] out) {
        int d = spec.dModel();
        double[] acc = new double[d];
        for (int k = 0; k < d; k++) {
            acc[k] = downBias[k];
        }
        for (int i = 0; i < spec.dFfn(); i++) {
            float a = activationOf(i, x);
            if (a == 0f) {
                continue;
            }
            int row = i * d;
            for (int k = 0; k < d; k++) {
                acc[k] += (double) a * downColumns[row + k];
            }
        }
        for (int k = 0; k < d; k++) {
            out[k] = (float) acc[k];
        }
    }

    /** Neuron i's activation for input x (exact, double accumulation). */
    public float activationOf(int i, float[] x) {
        int d = spec.dModel();
        int row = i * d;
        double u = upBias[i];
        for (int k = 0; k < d; k++) {
            u += (double) x[k] * up[row + k];
        }
        if (!spec.gated()) {
            return spec.activate((float) u);
        }
        double g = gateBias[i];
        for (int k = 0; k < d; k++) {
            g += (double) x[k] * gate[row + k];
        }
        return spec.neuron((float) u, (float) g);
    }
}
