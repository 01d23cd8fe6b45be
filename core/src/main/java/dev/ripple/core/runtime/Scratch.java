package dev.ripple.core.runtime;

import dev.ripple.core.ffn.BundleRefs;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import dev.ripple.io.Extent;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;

/**
 * Per-thread working memory of {@link FlashFfn}, grown on demand and reused, so a warm token
 * allocates almost nothing. Buffers come from an automatic arena: shared (the reader's worker
 * threads write into them), aligned for direct I/O, and freed by the GC with the thread.
 *
 * <p>One per thread for a whole model, shared by its layers: a thread runs one layer at a time and
 * nothing in here outlives a {@code forward} call. (Per layer, the off-heap working memory was
 * threads × layers × twice the largest read plan; with direct I/O and sparse reads, 4 KiB alignment
 * makes a plan several times the bundle bytes, which the native-memory check in
 * OffHeapMemoryTest measured at about 18 MiB per thread for a 4-layer model.)
 */
final class Scratch {
    final IntArrayList predicted = new IntArrayList();
    final BundleRefs refs = new BundleRefs();
    final List<Extent> extents = new ArrayList<>();
    int[] slots = new int[256];
    int[] missSlots = new int[256];
    boolean[] hit = new boolean[256];
    MemorySegment[] missSegments = new MemorySegment[256];
    int[] readIndex = new int[256];
    private boolean[] readFlags = new boolean[64];
    private MemorySegment hitBuffer = MemorySegment.NULL;
    private MemorySegment readBuffer = MemorySegment.NULL;

    void ensure(int n) {
        if (slots.length < n) {
            int c = Math.max(n, slots.length * 2);
            slots = new int[c];
            missSlots = new int[c];
            hit = new boolean[c];
            missSegments = new MemorySegment[c];
            readIndex = new int[c];
        }
    }

    /** A cleared flag per read of a plan. */
    boolean[] readFlags(int reads) {
        if (readFlags.length < reads) {
            readFlags = new boolean[Math.max(reads, readFlags.length * 2)];
        }
        java.util.Arrays.fill(readFlags, 0, reads, false);
        return readFlags;
    }

    MemorySegment hitBuffer(long bytes) {
        if (hitBuffer.byteSize() < bytes) {
            hitBuffer = Arena.ofAuto().allocate(Math.max(bytes, hitBuffer.byteSize() * 2), 4096);
        }
        return hitBuffer;
    }

    MemorySegment readBuffer(long bytes) {
        if (readBuffer.byteSize() < bytes) {
            readBuffer = Arena.ofAuto().allocate(Math.max(bytes, readBuffer.byteSize() * 2), 4096);
        }
        return readBuffer;
    }
}
