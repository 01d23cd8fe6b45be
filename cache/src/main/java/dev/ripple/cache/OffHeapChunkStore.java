package dev.ripple.cache;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.eclipse.collections.impl.list.mutable.primitive.LongArrayList;

/**
 * Off-heap chunks in one shared arena. Layers with the same bundle size share a size class; each
 * class carves chunks of exactly its size from slabs allocated on demand and recycles freed chunks
 * through a free list, so there is no fragmentation: any free chunk fits any bundle of the class.
 * A class never holds more than budget / size chunks, so with one bundle size (the usual case: all
 * FFN layers alike) the off-heap memory never exceeds the budget. With several sizes each class is
 * bounded by the budget separately (free chunks of one class are not lent to another).
 * Handle = slab index << 32 | chunk index in slab.
 */
final class OffHeapChunkStore implements ChunkStore {
    private static final long SLAB_TARGET_BYTES = 4L << 20;
    private static final int SLAB_MAX_CHUNKS = 1024;

    private final Arena arena = Arena.ofShared();
    private final int[] classOfLayer;
    private final int[] classSize;
    private final long[] classMaxChunks;
    private final long[] classChunks;
    private final LongArrayList[] classFree;
    /** Published copy-on-write for readers that hold only a layer lock. */
    private volatile MemorySegment[] slabs = new MemorySegment[0];

    private int slabCount;
    private long allocated;

    OffHeapChunkStore(long budgetBytes, int[] bundleBytesPerLayer) {
        int[] sizes = Arrays.stream(bundleBytesPerLayer).distinct().toArray();
        classOfLayer = new int[bundleBytesPerLayer.length];
        for (int l = 0; l < bundleBytesPerLayer.length; l++) {
            for (int c = 0; c < sizes.length; c++) {
                if (sizes[c] == bundleBytesPerLayer[l]) {
                    classOfLayer[l] = c;
                }
            }
        }
        classSize = sizes;
        classMaxChunks = new long[sizes.length];
        classChunks = new long[sizes.length];
        classFree = new LongArrayList[sizes.length];
        for (int c = 0; c < sizes.length; c++) {
            classMaxChunks[c] = budgetBytes / sizes[c];
            classFree[c] = new LongArrayList();
        }
    }

    @Override
    public long allocate(int layer) {
        int c = classOfLayer[layer];
        LongArrayList free = classFree[c];
        if (free.isEmpty()) {
            long room = classMaxChunks[c] - classChunks[c];
            if (room <= 0) {
                throw new IllegalStateException("size class " + classSize[c] + " B exhausted: " + classChunks[c]
                        + " chunks allocated (budget accounting broken)");
            }
            int n = (int) Math.max(1, Math.min(room, Math.min(SLAB_MAX_CHUNKS, SLAB_TARGET_BYTES / classSize[c])));
            MemorySegment slab = arena.allocate((long) n * classSize[c], 64);
            MemorySegment[] grown = Arrays.copyOf(slabs, slabCount + 1);
            grown[slabCount] = slab;
            long slabIndex = slabCount++;
            slabs = grown;
            for (int i = n - 1; i >= 0; i--) {
                free.add(slabIndex << 32 | i);
            }
            classChunks[c] += n;
            allocated += (long) n * classSize[c];
        }
        return free.removeAtIndex(free.size() - 1);
    }

    @Override
    public void free(int layer, long handle) {
        classFree[classOfLayer[layer]].add(handle);
    }

    private MemorySegment chunk(int layer, long handle) {
        int size = classSize[classOfLayer[layer]];
        return slabs[(int) (handle >>> 32)].asSlice((long) (int) handle * size, size);
    }

    @Override
    public void write(int layer, long handle, MemorySegment src, long srcOffset) {
        MemorySegment dst = chunk(layer, handle);
        MemorySegment.copy(src, srcOffset, dst, 0, dst.byteSize());
    }

    @Override
    public void read(int layer, long handle, MemorySegment dst, long dstOffset) {
        MemorySegment src = chunk(layer, handle);
        MemorySegment.copy(src, 0, dst, dstOffset, src.byteSize());
    }

    @Override
    public long allocatedBytes() {
        return allocated;
    }

    @Override
    public void close() {
        arena.close();
    }
}
