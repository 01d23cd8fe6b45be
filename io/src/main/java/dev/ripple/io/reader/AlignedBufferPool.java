package dev.ripple.io.reader;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Reusable off-heap bounce buffers aligned for direct I/O. Each buffer owns a shared arena, so a
 * buffer that turns out too small can be freed at once instead of living until the reader closes.
 * At most one buffer per thread in flight is held, so memory stays bounded by the queue depth
 * times the largest aligned read.
 */
final class AlignedBufferPool {

    /** A buffer and the arena that frees it. */
    record Buffer(Arena arena, MemorySegment segment) {
    }

    private static final long MIN_BYTES = 64 * 1024;

    private final long alignment;
    private final ConcurrentLinkedDeque<Buffer> free = new ConcurrentLinkedDeque<>();

    AlignedBufferPool(long alignment) {
        this.alignment = alignment;
    }

    /** A buffer of at least {@code bytes}, aligned to the pool's alignment. */
    Buffer take(long bytes) {
        Buffer b = free.pollFirst();
        if (b != null && b.segment().byteSize() >= bytes) {
            return b;
        }
        if (b != null) {
            b.arena().close();
        }
        long size = Math.max(MIN_BYTES, Long.highestOneBit(bytes - 1) << 1);
        Arena arena = Arena.ofShared();
        try {
            return new Buffer(arena, arena.allocate(size, alignment));
        } catch (RuntimeException | OutOfMemoryError e) {
            arena.close();
            throw e;
        }
    }

    void give(Buffer b) {
        free.offerFirst(b);
    }

    void closeAll() {
        for (Buffer b; (b = free.pollFirst()) != null; ) {
            b.arena().close();
        }
    }
}
