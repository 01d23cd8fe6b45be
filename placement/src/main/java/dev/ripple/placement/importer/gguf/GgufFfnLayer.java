package dev.ripple.placement.importer.gguf;

import dev.ripple.core.format.BundleSource;
import dev.ripple.core.format.FfnLayerSpec;
import dev.ripple.core.tensor.DType;
import dev.ripple.placement.importer.DownColumns;
import java.lang.foreign.MemorySegment;

/**
 * One gated FFN layer of a mapped GGUF file, gathered into bundles as the writer asks for them.
 * {@code ffn_gate} and {@code ffn_up} (ggml dims {@code [dModel, dFfn]}) hold one neuron per row, so
 * a neuron's rows are decoded in place from their stored type (any readable {@link GgmlType}), and
 * handed over as stored ({@link #storedRow}) when the bundles are of the same block type.
 * {@code ffn_down} (dims {@code [dFfn, dModel]}) holds a neuron's column strided across all
 * {@code dModel} rows: {@link DownColumns} decodes and transposes it. Nothing of the layer stays on the heap.
 */
final class GgufFfnLayer implements BundleSource {
    private final FfnLayerSpec spec;
    private final GgufTensor gate;
    private final GgufTensor up;
    private final DownColumns downColumns;

    /**
     * @param gate ggml dims [dModel, dFfn]
     * @param up   ggml dims [dModel, dFfn]
     * @param down ggml dims [dFfn, dModel]
     */
    GgufFfnLayer(FfnLayerSpec spec, GgufTensor gate, GgufTensor up, GgufTensor down) {
        this.spec = spec;
        this.gate = gate;
        this.up = up;
        this.downColumns = new DownColumns(
                spec.dModel(), spec.dFfn(), (first, count, dst) -> down.dequantizeRows(first, count, dst, 0));
    }

    @Override
    public FfnLayerSpec spec() {
        return spec;
    }

    @Override
    public void bundleOf(int neuron, float[] dst, int at) {
        up.dequantizeRows(neuron, 1, dst, at);
        gate.dequantizeRows(neuron, 1, dst, at + spec.gateOffset());
        downColumns.copyColumn(neuron, dst, at + spec.downOffset());
        dst[at + spec.upBiasOffset()] = 0f;
        dst[at + spec.gateBiasOffset()] = 0f;
    }

    /**
     * The up or gate row as the file stores it, when that is {@code type}: Q8_0 and Q4_0 rows are
     * ggml blocks, which core's block types lay out bit for bit, so the writer copies them rather
     * than requantizing the values decoded from them (which for Q4_0 would move some of them).
     */
    @Override
    public MemorySegment storedRow(int neuron, boolean gate, DType type) {
        GgufTensor t = gate ? this.gate : up;
        if (t.type().runtimeType() != type) {
            return null;
        }
        return t.data().asSlice(neuron * t.rowBytes(), t.rowBytes());
    }

    @Override
    public float[] downBias() {
        return new float[spec.dModel()];
    }

    @Override
    public void release() {
        downColumns.release();
    }
}
