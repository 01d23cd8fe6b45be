package dev.ripple.placement.profile;

import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.core.format.FfnLayerSection;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.tensor.kernels.KernelProvider;
import dev.ripple.core.tensor.kernels.Kernels;

/**
 * A layer's down projection as the profiler needs it to measure what an activity rule drops:
 * neuron by neuron. Held in DRAM for an imported ONNX model, read in place from the bundles of a
 * mapped {@code .ripple} file for a decoder (whose weights are never copied onto the heap).
 */
interface DownProjection {

    int dModel();

    /** The down bias (zeros when the model has none). */
    float[] bias();

    /** {@code acc += a · down[:, neuron]}. */
    void addColumn(int neuron, float a, float[] acc);

    static DownProjection of(FfnLayerWeights w) {
        return new DownProjection() {
            private final float[] bias = w.downBias();
            private final float[] down = w.downColumns();

            @Override
            public int dModel() {
                return w.spec().dModel();
            }

            @Override
            public float[] bias() {
                return bias;
            }

            @Override
            public void addColumn(int neuron, float a, float[] acc) {
                int d = acc.length;
                int from = neuron * d;
                for (int k = 0; k < d; k++) {
                    acc[k] += a * down[from + k];
                }
            }
        };
    }

    static DownProjection of(RippleFile file, FfnLayerSection layer) {
        Kernels kernels = KernelProvider.best();
        int[] slotOf = layer.neuronToSlot();
        float[] bias = file.vector(layer.downBiasTensor(), layer.spec().dModel());
        long downAt = layer.spec().downOffsetBytes();
        return new DownProjection() {
            @Override
            public int dModel() {
                return layer.spec().dModel();
            }

            @Override
            public float[] bias() {
                return bias;
            }

            @Override
            public void addColumn(int neuron, float a, float[] acc) {
                kernels.axpy(
                        layer.spec().dtype(),
                        a,
                        file.mapped(),
                        layer.bundleOffset(slotOf[neuron]) + downAt,
                        acc,
                        acc.length,
                        new float[acc.length]);
            }
        };
    }
}
