package dev.ripple.core.model.decoder;

import static dev.ripple.core.tensor.LittleEndian.F32;
import static dev.ripple.core.tensor.LittleEndian.I16;

import dev.ripple.core.tensor.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The keys and values of one session, off-heap, preallocated for its whole context so that
 * decoding never allocates or copies them. Per layer and key/value head the positions are
 * contiguous ({@code [layer][kvHead][position][headDim]}), so attention streams each head's keys
 * and values front to back. Stored as f32, or f16 to halve the memory (each value rounded once,
 * when written).
 *
 * <p>Not thread-safe (a session's own); closing frees the memory, after which the cache must not
 * be used.
 */
public final class KvCache implements AutoCloseable {

    private final Arena arena;
    private final MemorySegment keys;
    private final MemorySegment values;
    private final DType dtype;
    private final int layers;
    private final int kvHeads;
    private final int headDim;
    private final int context;

    KvCache(int layers, int kvHeads, int headDim, int context, DType dtype) {
        if (dtype != DType.F32 && dtype != DType.F16) {
            throw new IllegalArgumentException("the KV cache holds f32 or f16, not " + dtype.label());
        }
        if (context <= 0) {
            throw new IllegalArgumentException("context length must be positive, got " + context);
        }
        this.dtype = dtype;
        this.layers = layers;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.context = context;
        long bytes = bytes(layers, kvHeads, headDim, context, dtype) / 2;
        // Shared: attention heads run on the common pool's threads.
        this.arena = Arena.ofShared();
        try {
            this.keys = arena.allocate(bytes, 64);
            this.values = arena.allocate(bytes, 64);
        } catch (RuntimeException | OutOfMemoryError e) {
            arena.close();
            throw e;
        }
    }

    /** Bytes a cache of this shape takes (keys and values). */
    public static long bytes(int layers, int kvHeads, int headDim, int context, DType dtype) {
        return 2L * layers * kvHeads * context * headDim * dtype.size();
    }

    public DType dtype() {
        return dtype;
    }

    public int context() {
        return context;
    }

    /** Bytes held (keys and values). */
    public long bytes() {
        return keys.byteSize() + values.byteSize();
    }

    MemorySegment keys() {
        return keys;
    }

    MemorySegment values() {
        return values;
    }

    /** Byte offset of (layer, kvHead, position) in {@link #keys()} and {@link #values()}. */
    long offset(int layer, int kvHead, int position) {
        return (((long) layer * kvHeads + kvHead) * context + position) * headDim * dtype.size();
    }

    /** Stores one position's key and value of one head, {@code headDim} values each from {@code at}. */
    void put(int layer, int kvHead, int position, float[] key, float[] value, int at) {
        long o = offset(layer, kvHead, position);
        if (dtype == DType.F32) {
            MemorySegment.copy(key, at, keys, F32, o, headDim);
            MemorySegment.copy(value, at, values, F32, o, headDim);
        } else {
            for (int c = 0; c < headDim; c++) {
                keys.set(I16, o + 2L * c, Float.floatToFloat16(key[at + c]));
                values.set(I16, o + 2L * c, Float.floatToFloat16(value[at + c]));
            }
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
