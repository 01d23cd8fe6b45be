package dev.ripple.placement.importer.gguf;

import dev.ripple.core.format.BundleSource;
import dev.ripple.core.format.FfnLayerSpec;
import dev.ripple.core.tensor.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One gated FFN layer of a mapped GGUF file, gathered into bundles as the writer asks for them.
 * {@code ffn_gate} and {@code ffn_up} (ggml dims {@code [dModel, dFfn]}) hold one neuron per row, so
 * a neuron's rows are decoded in place from their stored type (any readable {@link GgmlType}), and
 * handed over as stored ({@link #storedRow}) when the bundles are of the same block type.
 * {@code ffn_down} (dims {@code [dFfn, dModel]}) holds a neuron's column strided across all
 * {@code dModel} rows, so on the first request the layer's down projection is decoded block of rows by
 * block of rows and transposed once into an off-heap f32 buffer ({@code dFfn × dModel × 4} bytes),
 * freed by {@link #release()} when the layer is written. Nothing of the layer stays on the heap.
 */
final class GgufFfnLayer implements BundleSource {
    /** Rows of the down matrix decoded per block while transposing. */
    private static final int BLOCK_ROWS = 64;

    private final FfnLayerSpec spec;
    private final GgufTensor gate;
    private final GgufTensor up;
    private final GgufTensor down;
    private Arena arena;
    private MemorySegment downByNeuron;

    /**
     * @param gate ggml dims [dModel, dFfn]
     * @param up   ggml dims [dModel, dFfn]
     * @param down ggml dims [dFfn, dModel]
     */
    GgufFfnLayer(FfnLayerSpec spec, GgufTensor gate, GgufTensor up, GgufTensor down) {
        this.spec = spec;
        this.gate = gate;
        this.up = up;
        this.down = down;
    }

    @Override
    public FfnLayerSpec spec() {
        return spec;
    }

    @Override
    public void bundleOf(int neuron, float[] dst, int at) {
        int d = spec.dModel();
        up.dequantizeRows(neuron, 1, dst, at);
        gate.dequantizeRows(neuron, 1, dst, at + spec.gateOffset());
        MemorySegment.copy(
                downColumns(), ValueLayout.JAVA_FLOAT, (long) neuron * d * Float.BYTES, dst, at + spec.downOffset(), d);
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
    public synchronized void release() {
        if (arena != null) {
            arena.close();
            arena = null;
            downByNeuron = null;
        }
    }

    /** The down projection neuron by neuron ([dFfn][dModel] f32), decoded and transposed on first use. */
    private synchronized MemorySegment downColumns() {
        if (downByNeuron == null) {
            int d = spec.dModel();
            int n = spec.dFfn();
            Arena a = Arena.ofShared();
            MemorySegment t = a.allocate((long) n * d * Float.BYTES, 64);
            float[] rows = new float[BLOCK_ROWS * n];
            for (int k0 = 0; k0 < d; k0 += BLOCK_ROWS) {
                int count = Math.min(BLOCK_ROWS, d - k0);
                down.dequantizeRows(k0, count, rows, 0);
                for (int i = 0; i < n; i++) {
                    long base = ((long) i * d + k0) * Float.BYTES;
                    for (int r = 0; r < count; r++) {
                        t.set(ValueLayout.JAVA_FLOAT, base + (long) r * Float.BYTES, rows[r * n + i]);
                    }
                }
            }
            arena = a;
            downByNeuron = t;
        }
        return downByNeuron;
    }
}
