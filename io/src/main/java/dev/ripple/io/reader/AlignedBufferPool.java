package dev.ripple.io.reader;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reusable off-heap bounce buffers aligned for direct I/O, kept per power-of-two size class so a
 * request never waits for, or frees, a buffer of another size on the hot path.
 *
 * <p>Each buffer has its own shared arena, closed when the buffer is dropped (the pool over its
 * byte budget, or {@link #clear}). Leaving dropped buffers to the garbage collector, as automatic
 * arenas do, kept them alive until a collection came: with a small heap that collects rarely, a 7B
 * decoder's process held hundreds of MB of dead bounce buffers beyond its DRAM budget. A close
 * costs a thread handshake, paid only on a drop. Pooled memory is bounded by
 * {@code maxPooledBytes}; buffers in use are bounded by the number of reads in flight.
 */
final class AlignedBufferPool {

    private static final int MIN_SHIFT = 16; // 64 KiB
    private static final int CLASSES = 63 - MIN_SHIFT;

    private final long alignment;
    private final long maxPooledBytes;
    private final AtomicLong pooledBytes = new AtomicLong();
    private final ConcurrentLinkedDeque<MemorySegment>[] free;
    /** The arena of every live buffer, by address. */
    private final ConcurrentHashMap<Long, Arena> arenas = new ConcurrentHashMap<>();

    private final AtomicLong liveBytes = new AtomicLong();

    @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array: Java has no other way to make one
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
        Arena arena = Arena.ofShared();
        MemorySegment fresh = arena.allocate(1L << (c + MIN_SHIFT), alignment);
        arenas.put(fresh.address(), arena);
        liveBytes.addAndGet(fresh.byteSize());
        return fresh;
    }

    /** Returns a buffer obtained from {@link #take}; dropped if the pool is over budget. */
    void give(MemorySegment b) {
        if (pooledBytes.addAndGet(b.byteSize()) > maxPooledBytes) {
            pooledBytes.addAndGet(-b.byteSize());
            release(b);
            return;
        }
        free[sizeClass(b.byteSize())].offerFirst(b);
    }

    /** Frees every pooled buffer. */
    void clear() {
        for (ConcurrentLinkedDeque<MemorySegment> deque : free) {
            MemorySegment b;
            while ((b = deque.pollFirst()) != null) {
                release(b);
            }
        }
        pooledBytes.set(0);
    }

    /** Bytes of buffers allocated and not freed, pooled or in use. */
    long liveBytes() {
        return liveBytes.get();
    }

    private void release(MemorySegment b) {
        Arena arena = arenas.remove(b.address());
        if (arena != null) {
            liveBytes.addAndGet(-b.byteSize());
            arena.close();
        }
    }
}
