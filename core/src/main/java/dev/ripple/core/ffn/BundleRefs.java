package dev.ripple.core.ffn;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Where the bundles of one token's active neurons are in memory right now: cache slots, read
 * buffers or the mapped file. Reused from token to token, so adding does not allocate once warm.
 * Not thread-safe: one instance per token in flight.
 */
public final class BundleRefs {
    private MemorySegment[] segments = new MemorySegment[64];
    private long[] offsets = new long[64];
    private int[] slots = new int[64];
    private int count;

    /** Adds the bundle of {@code slot} found at {@code byteOffset} in {@code segment}. */
    public void add(int slot, MemorySegment segment, long byteOffset) {
        if (count == segments.length) {
            int n = count * 2;
            segments = Arrays.copyOf(segments, n);
            offsets = Arrays.copyOf(offsets, n);
            slots = Arrays.copyOf(slots, n);
        }
        segments[count] = segment;
        offsets[count] = byteOffset;
        slots[count] = slot;
        count++;
    }

    public void clear() {
        Arrays.fill(segments, 0, count, null);
        count = 0;
    }

    public int size() {
        return count;
    }

    public int slot(int i) {
        return slots[i];
    }

    public MemorySegment segment(int i) {
        return segments[i];
    }

    public long offset(int i) {
        return offsets[i];
    }
}
