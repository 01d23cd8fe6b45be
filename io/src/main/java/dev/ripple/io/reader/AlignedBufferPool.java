package dev.ripple.io.reader;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reusable off-heap bounce buffers aligned for direct I/O, kept per power-of-two size class so a
 * request never waits for, or frees, a buffer of another size on the hot path.
 *
 * <p>Buffers come from automatic arenas: dropping one (when the pool is over its byte budget, or
 * at close) leaves it to the garbage collector, which avoids the thread handshake that closing a
 * shared arena costs. Pooled memory is bounded by {@code maxPooledBytes}; buffers in use are
 * bounded by the number of reads in flight.
 */
final class AlignedBufferPool {

    private static final int MIN_SHIFT = 16; // 64 KiB
    private static final int CLASSES = 63 - MIN_SHIFT;

    private final long alignment;
    private final long maxPooledBytes;
    private final AtomicLong pooledBytes = new AtomicLong();
    private final ConcurrentLinkedDeque<MemorySegment>[] free;

    @SuppressWarnings("unchecked")
    AlignedBufferPool(long alignment, long maxPooledBytes) {
        this.alignment = alignment;
        this.maxPooledBytes = maxPooledBytes;
        this.free = new ConcurrentLinkedDeque[CLASSES];
        for (int i = 0; i < CLASSES; i++) {
            free[i] = new ConcurrentLinkedDeque<>();
        }
    }

    private static int sizeClass(long bytes) {
        int shift = 64 - Long.numberOfLeadingZeros(Math.max(bytes, 2) - 1); // ceil(log2(bytes))
        return Math.max(shift, MIN_SHIFT) - MIN_SHIFT;
    }

    /** A buffer of at least {@code bytes}, aligned to the pool's alignment. */
    MemorySegment take(long bytes) {
        int c = sizeClass(bytes);
        MemorySegment b = free[c].pollFirst();
        if (b != null) {
            pooledBytes.addAndGet(-b.byteSize());
            return b;
        }
        return Arena.ofAuto().allocate(1L << (c + MIN_SHIFT), alignment);
    }

    /** Returns a buffer obtained from {@link #take}; dropped if the pool is over budget. */
    void give(MemorySegment b) {
        if (pooledBytes.addAndGet(b.byteSize()) > maxPooledBytes) {
            pooledBytes.addAndGet(-b.byteSize());
            return; // left to the garbage collector
        }
        free[sizeClass(b.byteSize())].offerFirst(b);
    }

    /** Drops every pooled buffer. */
    void clear() {
        for (ConcurrentLinkedDeque<MemorySegment> deque : free) {
            deque.clear();
        }
        pooledBytes.set(0);
    }
}
