package dev.ripple.placement.importer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A layer's down projection [dModel, dFfn] neuron by neuron, for the importers' bundle sources: the
 * stored matrix holds a neuron's column strided across every row, so on the first request it is read
 * a block of rows at a time and transposed once into an off-heap f32 buffer ({@code dFfn × dModel × 4}
 * bytes, 180 MB for a 7B layer), freed by {@link #release()} when the layer is written. Nothing of it
 * is held on the heap, which is what lets a 7B model import with a 2 GiB heap.
 */
public final class DownColumns {
    /** Rows transposed per block: a block of rows stays in the CPU cache while scattered. */
    private static final int BLOCK_ROWS = 64;

    /** Reads the stored rows of the down matrix, as f32, in the format at hand. */
    @FunctionalInterface
    public interface Rows {
        /** Writes rows {@code first .. first + count - 1} ({@code count × dFfn} values) to {@code dst} from 0. */
        void read(int first, int count, float[] dst);
    }

    private final int dModel;
    private final int dFfn;
    private final Rows rows;
    private Arena arena;
    private MemorySegment byNeuron;

    public DownColumns(int dModel, int dFfn, Rows rows) {
        this.dModel = dModel;
        this.dFfn = dFfn;
        this.rows = rows;
    }

    /** Copies the {@code dModel} weights of {@code neuron}'s column to {@code dst} at {@code at}. */
    public void copyColumn(int neuron, float[] dst, int at) {
        MemorySegment.copy(columns(), ValueLayout.JAVA_FLOAT, (long) neuron * dModel * Float.BYTES, dst, at, dModel);
    }

    /** The whole projection neuron by neuron ([dFfn][dModel] f32) on the heap; releases the buffer. */
    public float[] toFloatArray() {
        float[] out = new float[Math.multiplyExact(dFfn, dModel)];
        MemorySegment.copy(columns(), ValueLayout.JAVA_FLOAT, 0, out, 0, out.length);
        release();
        return out;
    }

    public synchronized void release() {
        if (arena != null) {
            arena.close();
            arena = null;
            byNeuron = null;
        }
    }

    private synchronized MemorySegment columns() {
        if (byNeuron == null) {
            Arena a = Arena.ofShared();
            try {
                MemorySegment t = a.allocate((long) dFfn * dModel * Float.BYTES, 64);
                float[] block = new float[BLOCK_ROWS * dFfn];
                for (int k0 = 0; k0 < dModel; k0 += BLOCK_ROWS) {
                    int count = Math.min(BLOCK_ROWS, dModel - k0);
                    rows.read(k0, count, block);
                    for (int i = 0; i < dFfn; i++) {
                        long base = ((long) i * dModel + k0) * Float.BYTES;
                        for (int r = 0; r < count; r++) {
                            t.set(ValueLayout.JAVA_FLOAT, base + (long) r * Float.BYTES, block[r * dFfn + i]);
                        }
                    }
                }
                byNeuron = t;
                arena = a;
            } catch (RuntimeException | Error e) {
                a.close();
                throw e;
            }
        }
        return byNeuron;
    }
}
