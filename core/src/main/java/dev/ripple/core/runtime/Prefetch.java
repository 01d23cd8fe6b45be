package dev.ripple.core.runtime;

import dev.ripple.io.ReadPlanBuffer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.Future;

/**
 * One thread's speculative read of a layer's bundles, started before the layer's attention from
 * the neurons the predictor proposes for the layer input, and consumed by the layer's FFN call:
 * bundles it holds that the FFN input's own prediction needs are not read again. The set the FFN
 * computes on is the FFN input's prediction either way, so outputs never change; only which
 * bytes are read and when. Bundles read but not needed are counted as read (wasted).
 *
 * <p>It holds every whole bundle inside its reads, not only the ones it asked for: where the planner
 * collapsed a gap, the bundles of the gap were read too, and the FFN call takes them from here
 * rather than reading them again (on co-activation placements, whose reads collapse long runs,
 * those are most of what the FFN call still needed; PERFORMANCE.md §17(b)).
 */
final class Prefetch {
    /** Layer of the pending read, or −1 when none. */
    int layer = -1;

    Future<Long> pending;
    /** How many bundles the read-ahead asked for: predicted and not in the cache. */
    int count;
    /** Where each bundle asked for starts in the file, for the planner. */
    long[] bundleOffsets = new long[256];
    /** The read-ahead's plan, rewritten by each read-ahead (on its thread, before the read). */
    final ReadPlanBuffer plan = new ReadPlanBuffer();

    int readOps;
    long bytesRead;
    long planNanos;
    /** By slot: where its bundle starts in {@link #buffer} + 1, or 0 (cleared after each use). */
    private long[] placeOfSlot = new long[0];
    /** The slots with a place, to clear them. */
    private int[] held = new int[0];

    private int heldCount;

    private MemorySegment buffer = MemorySegment.NULL;
    private Arena arena;

    void ensure(int n, int dFfn) {
        if (bundleOffsets.length < n) {
            bundleOffsets = new long[Math.max(n, 2 * bundleOffsets.length)];
        }
        if (placeOfSlot.length < dFfn) {
            placeOfSlot = new long[dFfn];
            held = new int[dFfn];
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

    /**
     * Records where each whole bundle of the layer's {@code dFfn} lies in the buffer after {@link
     * #plan}'s reads: the bundles asked for and those of the gaps read through. Slot s's bundle
     * starts at {@code first + s × bundleBytes} in the file.
     */
    void index(long first, int bundleBytes, int dFfn) {
        for (int r = 0; r < plan.operations(); r++) {
            long start = plan.readOffset(r);
            long end = start + plan.readLength(r);
            int from = (int) Math.max(0, Math.ceilDiv(start - first, bundleBytes));
            int to = (int) Math.min(dFfn, Math.floorDiv(end - first, bundleBytes)); // exclusive
            for (int slot = from; slot < to; slot++) {
                long bundleStart = first + (long) slot * bundleBytes;
                placeOfSlot[slot] = plan.readBufferOffset(r) + (bundleStart - start) + 1;
                held[heldCount++] = slot;
            }
        }
    }

    /** Whether slot {@code slot}'s bundle is in the buffer. */
    boolean holds(int slot) {
        return slot < placeOfSlot.length && placeOfSlot[slot] != 0;
    }

    /** Where slot {@code slot}'s bundle starts in {@link #data}; only for a slot it {@link #holds}. */
    long placeOf(int slot) {
        return placeOfSlot[slot] - 1;
    }

    /** The buffer the read-ahead read into. */
    MemorySegment data() {
        return buffer;
    }

    /** Forgets the read (after it completed or failed). */
    void clear() {
        for (int k = 0; k < heldCount; k++) {
            placeOfSlot[held[k]] = 0;
        }
        heldCount = 0;
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
