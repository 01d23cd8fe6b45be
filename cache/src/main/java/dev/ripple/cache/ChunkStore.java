package dev.ripple.cache;

import java.lang.foreign.MemorySegment;

/** Fixed-size chunks, one bundle each; handles are opaque longs. Called under the cache's admission lock except {@link #read}. */
interface ChunkStore extends AutoCloseable {
    long allocate(int layer);

    void free(int layer, long handle);

    /** Copies a chunk's bytes from {@code src} at {@code srcOffset}. */
    void write(int layer, long handle, MemorySegment src, long srcOffset);

    void read(int layer, long handle, MemorySegment dst, long dstOffset);

    /** Off-heap bytes currently allocated (resident or free chunks). */
    long allocatedBytes();

    @Override
    void close();

    /** The simulator's store: no bytes at all. */
    static ChunkStore none() {
        return new ChunkStore() {
            private long next;

            @Override
            public long allocate(int layer) {
                return next++;
            }

            @Override
            public void free(int layer, long handle) {}

            @Override
            public void write(int layer, long handle, MemorySegment src, long srcOffset) {}

            @Override
            public void read(int layer, long handle, MemorySegment dst, long dstOffset) {}

            @Override
            public long allocatedBytes() {
                return 0;
            }

            @Override
            public void close() {}
        };
    }
}
