package dev.ripple.core.runtime;

import dev.ripple.io.ReadPlanBuffer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.concurrent.Future;

/**
 * One thread's speculative read of a layer's bundles, started before the layer's attention from
 * the neurons the predictor proposes for the layer input, and consumed by the layer's FFN call:
 * bundles it holds that the FFN input's own prediction needs are not read again. The set the FFN
 * computes on is the FFN input's prediction either way, so outputs never change; only which
 * bytes are read and when. Bundles read but not needed are counted as read (wasted).
 */
final class Prefetch {
    /** Layer of the pending read, or −1 when none. */
    int layer = -1;

    Future<Long> pending;
    int count;
    int[] slots = new int[256];
    long[] bundleOffsets = new long[256];
    MemorySegment[] segments = new MemorySegment[256];
    /** The read-ahead's plan, rewritten by each read-ahead (on its thread, before the read). */
    final ReadPlanBuffer plan = new ReadPlanBuffer();

    int readOps;
    long bytesRead;
    long planNanos;
    /** By slot: index into {@link #slots} + 1, or 0 (cleared after each use). */
    private int[] indexOfSlot = new int[0];

    private MemorySegment buffer = MemorySegment.NULL;
    private Arena arena;

    void ensure(int n, int dFfn) {
        if (slots.length < n) {
            slots = new int[Math.max(n, 2 * slots.length)];
            bundleOffsets = new long[slots.length];
            segments = new MemorySegment[slots.length];
        }
        if (indexOfSlot.length < dFfn) {
            indexOfSlot = new int[dFfn];
        }
    }

    MemorySegment buffer(long bytes) {
        if (buffer.byteSize() < bytes) {
            if (arena != null) {
                arena.close();
            }
            arena = Arena.ofShared(); // a read-ahead thread writes into it
            buffer = arena.allocate(Math.max(bytes, buffer.byteSize() + buffer.byteSize() / 4), 4096);
        }
        return buffer;
    }

    /** Records where slot {@code slots[k]}'s bundle landed. */
    void index() {
        for (int k = 0; k < count; k++) {
            indexOfSlot[slots[k]] = k + 1;
        }
    }

    /** The prefetched bundle of {@code slot}, or null. */
    MemorySegment bundle(int slot) {
        int k = slot < indexOfSlot.length ? indexOfSlot[slot] : 0;
        return k == 0 ? null : segments[k - 1];
    }

    /** Forgets the read (after it completed or failed). */
    void clear() {
        for (int k = 0; k < count; k++) {
            indexOfSlot[slots[k]] = 0;
        }
        Arrays.fill(segments, 0, count, null);
        count = 0;
        layer = -1;
        pending = null;
    }

    /** Waits for a pending read, then frees the buffer (the thread is done with the model). */
    void free() {
        discard();
        if (arena != null) {
            arena.close();
            arena = null;
        }
        buffer = MemorySegment.NULL;
    }

    /**
     * Waits for a pending read that nobody will use, so that its buffer can be reused: to its end
     * even when the thread is interrupted (its failure does not matter; the interrupt is kept), since
     * a read still writing into the buffer would corrupt the next one read there.
     */
    void discard() {
        if (pending != null) {
            FlashFfn.awaitEnd(pending);
        }
        clear();
    }
}
