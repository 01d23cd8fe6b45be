package dev.ripple.placement.importer;

import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.core.format.BundleSource;
import dev.ripple.core.format.FfnLayerSpec;
import dev.ripple.core.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One FFN layer of a mapped Hugging Face checkpoint, gathered into bundles as the writer asks for
 * them: up and gate rows are contiguous in the [out, in] weights and are read in place; the down
 * projection [dModel, dFfn] holds a neuron's column strided across every row, so on the first
 * request the layer's down matrix is transposed once into an off-heap f32 buffer
 * ({@code dFfn × dModel × 4} bytes, 180 MB for a 7B layer), freed by {@link #release()} when the
 * layer is written. Nothing of the layer is held on the heap, which is what lets a 7B model import
 * with a 2 GiB heap.
 */
final class CheckpointFfnLayer implements BundleSource {
    /** Rows of the down matrix transposed per block: a block of rows stays in the CPU cache while scattered. */
    private static final int BLOCK_ROWS = 64;

    private final FfnLayerSpec spec;
    private final Tensor up;
    private final Tensor gate;
    private final Tensor down;
    private final Tensor upBias;
    private final Tensor gateBias;
    private final Tensor downBias;
    private Arena arena;
    private MemorySegment downByNeuron;

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
        this.down = down;
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
        MemorySegment.copy(
                downColumns(), ValueLayout.JAVA_FLOAT, (long) neuron * d * Float.BYTES, dst, at + spec.downOffset(), d);
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
    public synchronized void release() {
        if (arena != null) {
            arena.close();
            arena = null;
            downByNeuron = null;
        }
    }

    /** The layer on the heap as f32 (for fitting a predictor: one layer at a time). */
    FfnLayerWeights load() {
        int d = spec.dModel();
        int n = spec.dFfn();
        float[] downColumns = new float[Math.multiplyExact(n, d)];
        MemorySegment.copy(downColumns(), ValueLayout.JAVA_FLOAT, 0, downColumns, 0, downColumns.length);
        release();
        return new FfnLayerWeights(
                spec,
                up.toFloatArray(),
                spec.gated() ? gate.toFloatArray() : null,
                downColumns,
                upBias == null ? new float[n] : upBias.toFloatArray(),
                spec.gated() ? (gateBias == null ? new float[n] : gateBias.toFloatArray()) : null,
                downBias());
    }

    /** The down projection neuron by neuron ([dFfn][dModel] f32), transposed on first use. */
    private synchronized MemorySegment downColumns() {
        if (downByNeuron == null) {
            int d = spec.dModel();
            int n = spec.dFfn();
            arena = Arena.ofShared();
            downByNeuron = arena.allocate((long) n * d * Float.BYTES, 64);
            float[] rows = new float[BLOCK_ROWS * n];
            for (int k0 = 0; k0 < d; k0 += BLOCK_ROWS) {
                int count = Math.min(BLOCK_ROWS, d - k0);
                down.copyTo((long) k0 * n, rows, 0, count * n);
                for (int i = 0; i < n; i++) {
                    long base = ((long) i * d + k0) * Float.BYTES;
                    for (int r = 0; r < count; r++) {
                        downByNeuron.set(ValueLayout.JAVA_FLOAT, base + (long) r * Float.BYTES, rows[r * n + i]);
                    }
                }
            }
        }
        return downByNeuron;
    }
}
