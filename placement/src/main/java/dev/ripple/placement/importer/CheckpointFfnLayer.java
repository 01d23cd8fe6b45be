package dev.ripple.placement.importer;

import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.core.format.BundleSource;
import dev.ripple.core.format.FfnLayerSpec;
import dev.ripple.core.tensor.Tensor;

/**
 * One FFN layer of a mapped Hugging Face checkpoint, gathered into bundles as the writer asks for
 * them: up and gate rows are contiguous in the [out, in] weights and are read in place; the down
 * projection's columns come from {@link DownColumns}. Nothing of the layer is held on the heap.
 */
final class CheckpointFfnLayer implements BundleSource {
    private final FfnLayerSpec spec;
    private final Tensor up;
    private final Tensor gate;
    private final Tensor upBias;
    private final Tensor gateBias;
    private final Tensor downBias;
    private final DownColumns downColumns;

    /**
     * @param up       [dFfn, dModel]
     * @param gate     [dFfn, dModel] for gated layers, else null
     * @param down     [dModel, dFfn]
     * @param upBias   [dFfn] or null
     * @param gateBias [dFfn] or null
     * @param downBias [dModel] or null
     */
    CheckpointFfnLayer(
            FfnLayerSpec spec, Tensor up, Tensor gate, Tensor down, Tensor upBias, Tensor gateBias, Tensor downBias) {
        this.spec = spec;
        this.up = up;
        this.gate = gate;
        this.downColumns = new DownColumns(
                spec.dModel(),
                spec.dFfn(),
                (first, count, dst) -> down.copyTo((long) first * spec.dFfn(), dst, 0, count * spec.dFfn()));
        this.upBias = upBias;
        this.gateBias = gateBias;
        this.downBias = downBias;
    }

    @Override
    public FfnLayerSpec spec() {
        return spec;
    }

    @Override
    public void bundleOf(int neuron, float[] dst, int at) {
        int d = spec.dModel();
        up.copyTo((long) neuron * d, dst, at, d);
        if (spec.gated()) {
            gate.copyTo((long) neuron * d, dst, at + spec.gateOffset(), d);
        }
        downColumns.copyColumn(neuron, dst, at + spec.downOffset());
        dst[at + spec.upBiasOffset()] = upBias == null ? 0f : upBias.get(neuron);
        if (spec.gated()) {
            dst[at + spec.gateBiasOffset()] = gateBias == null ? 0f : gateBias.get(neuron);
        }
    }

    @Override
    public float[] downBias() {
        return downBias == null ? new float[spec.dModel()] : downBias.toFloatArray();
    }

    @Override
    public void release() {
        downColumns.release();
    }

    /** The layer on the heap as f32 (for fitting a predictor: one layer at a time). */
    FfnLayerWeights load() {
        int n = spec.dFfn();
        return new FfnLayerWeights(
                spec,
                up.toFloatArray(),
                spec.gated() ? gate.toFloatArray() : null,
                downColumns.toFloatArray(),
                upBias == null ? new float[n] : upBias.toFloatArray(),
                spec.gated() ? (gateBias == null ? new float[n] : gateBias.toFloatArray()) : null,
                downBias());
    }
}
