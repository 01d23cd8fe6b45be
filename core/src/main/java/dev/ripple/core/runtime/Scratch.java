package dev.ripple.core.runtime;

import dev.ripple.cache.CacheAccess;
import dev.ripple.core.ffn.BundleRefs;
import dev.ripple.io.ReadPlanBuffer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;

/**
 * Per-thread working memory of {@link FlashFfn}, grown on demand and reused, so a warm token
 * allocates almost nothing. Buffers come from shared arenas (the reader's worker threads write into
 * them), aligned for direct I/O, each closed when outgrown; the rest are freed by {@link #free}, which
 * the model's per-thread holder calls at close or, once the owner thread has ended, when another
 * thread makes its first scratch (the GC would free nothing: the holder keeps every scratch).
 *
 * <p>One call works in three steps: each token's predicted slots ({@link #tokenSet}), their
 * ascending union in {@link #slots} ({@link #union}), where each union bundle now is
 * ({@link #located}), and finally one token's {@link BundleRefs} ({@link #refsOf}).
 *
 * <p>One per thread for a whole model, shared by its layers: a thread runs one layer at a time and
 * nothing in here outlives a {@code forward} call. (Per layer, the off-heap working memory was
 * threads × layers × twice the largest read plan; with direct I/O and sparse reads, 4 KiB alignment
 * makes a plan several times the bundle bytes, which the native-memory check in
 * OffHeapMemoryTest measured at about 18 MiB per thread for a 4-layer model.)
 */
final class Scratch {
    final BundleRefs refs = new BundleRefs();
    /** The figures of this thread's current FlashFfn call. */
    final LayerCall call = new LayerCall();
    /** This thread's record of its last cache lookup, for the admission that follows it. */
    final CacheAccess cacheAccess = new CacheAccess();
    /** The current call's plan over every needed bundle, rewritten per call ({@code ReadPlanner.planInto}). */
    final ReadPlanBuffer plan = new ReadPlanBuffer();
    /** The plan of what the call reads when that is not every needed bundle (FlashFfn.readsToIssue). */
    final ReadPlanBuffer issued = new ReadPlanBuffer();
    /** This thread's read-ahead of the next layer's bundles. */
    final Prefetch prefetch = new Prefetch();
    /** By union index: served from {@link #prefetch} (not a cache hit; marked a hit too). */
    boolean[] fromAhead = new boolean[256];
    /** By union index: read by this call (a miss, or with a fixed gap a hit inside a read with a miss). */
    boolean[] inRead = new boolean[256];
    /** The bundles at hand while a token's reads are in flight (union index i of each in {@link #earlyIndex}). */
    final BundleRefs early = new BundleRefs();

    int[] earlyIndex = new int[256];
    float[] earlyActivations = new float[256];
    /** By union index: whether its activation was computed early, and its value. */
    boolean[] known = new boolean[256];

    float[] precomputed = new float[256];
    int[] slots = new int[256];
    /** By union index: where its bundle starts in the file, as the planner takes them. */
    long[] bundleOffsets = new long[256];

    int[] missSlots = new int[256];
    /** By union index: at hand without this call's reads, a cache hit or a read-ahead's bundle. */
    boolean[] hit = new boolean[256];

    MemorySegment[] missSegments = new MemorySegment[256];
    /** Where each offered bundle starts in its {@link #missSegments} entry (a read buffer holds many). */
    long[] missOffsets = new long[256];

    int[] readIndex = new int[256];
    int[] readOf = new int[256];
    int[] usersStart = new int[257];
    int[] users = new int[256];
    private IntArrayList[] tokenSets = {new IntArrayList()};
    private MemorySegment[] where = new MemorySegment[256];
    private long[] whereOffset = new long[256];
    /** Slot → its index in {@link #slots}; valid only for slots of the current union. */
    private int[] unionIndex = new int[0];

    private boolean[] inUnion = new boolean[0];
    private boolean[] readFlags = new boolean[64];
    private MemorySegment hitBuffer = MemorySegment.NULL;
    private MemorySegment readBuffer = MemorySegment.NULL;
    private Arena hitArena;
    private Arena readArena;

    /** Token t's set, cleared, for the predictor to fill (then rewritten as ascending slots). */
    IntArrayList tokenSet(int t) {
        if (t >= tokenSets.length) {
            int old = tokenSets.length;
            tokenSets = Arrays.copyOf(tokenSets, Math.max(t + 1, old * 2));
            for (int i = old; i < tokenSets.length; i++) {
                tokenSets[i] = new IntArrayList();
            }
        }
        tokenSets[t].clear();
        return tokenSets[t];
    }

    /** Writes the ascending union of the first {@code tokens} sets to {@link #slots}; returns its size. */
    int union(int tokens, int dFfn) {
        if (tokens == 1) {
            IntArrayList only = tokenSets[0];
            int n = only.size();
            ensure(n);
            for (int i = 0; i < n; i++) {
                slots[i] = only.get(i);
            }
            indexSlots(n, dFfn);
            return n;
        }
        if (inUnion.length < dFfn) {
            inUnion = new boolean[dFfn];
        }
        int n = 0;
        for (int t = 0; t < tokens; t++) {
            IntArrayList set = tokenSets[t];
            for (int i = 0; i < set.size(); i++) {
                int slot = set.get(i);
                if (!inUnion[slot]) {
                    inUnion[slot] = true;
                    n++;
                }
            }
        }
        ensure(n);
        int k = 0;
        for (int slot = 0; k < n; slot++) {
            if (inUnion[slot]) {
                inUnion[slot] = false;
                slots[k++] = slot;
            }
        }
        indexSlots(n, dFfn);
        return n;
    }

    private void indexSlots(int n, int dFfn) {
        if (unionIndex.length < dFfn) {
            unionIndex = new int[dFfn];
        }
        for (int i = 0; i < n; i++) {
            unionIndex[slots[i]] = i;
        }
    }

    /** Union bundle i is at {@code offset} in {@code segment}. */
    void located(int i, MemorySegment segment, long offset) {
        where[i] = segment;
        whereOffset[i] = offset;
    }

    /** Fills {@link #refs} with token t's bundles, in ascending slot order. */
    void refsOf(int t) {
        refs.clear();
        IntArrayList set = tokenSets[t];
        for (int i = 0; i < set.size(); i++) {
            int slot = set.get(i);
            int u = unionIndex[slot];
            refs.add(slot, where[u], whereOffset[u]);
        }
    }

    /** Sizes the early-compute arrays for a union of {@code n} bundles and clears {@link #known}. */
    void earlyCapacity(int n) {
        if (known.length < n) {
            int c = Math.max(n, known.length * 2);
            earlyIndex = new int[c];
            earlyActivations = new float[c];
            known = new boolean[c];
            precomputed = new float[c];
        }
        Arrays.fill(known, 0, n, false);
        early.clear();
    }

    /** Union bundle i, once located: its segment and offset. */
    MemorySegment where(int i) {
        return where[i];
    }

    long whereOffset(int i) {
        return whereOffset[i];
    }

    /** Fills {@link #refs} with the whole union, in ascending slot order. */
    void unionRefs(int n) {
        refs.clear();
        for (int i = 0; i < n; i++) {
            refs.add(slots[i], where[i], whereOffset[i]);
        }
    }

    /**
     * Which tokens use each union bundle: bundle i's users are {@code users[usersStart[i] ..
     * usersStart[i + 1])}, ascending.
     */
    void users(int tokens, int n) {
        if (usersStart.length < n + 1) {
            usersStart = new int[Math.max(n + 1, usersStart.length * 2)];
        }
        Arrays.fill(usersStart, 0, n + 1, 0);
        int total = 0;
        for (int t = 0; t < tokens; t++) {
            IntArrayList set = tokenSets[t];
            total += set.size();
            for (int i = 0; i < set.size(); i++) {
                usersStart[unionIndex[set.get(i)] + 1]++;
            }
        }
        for (int i = 0; i < n; i++) {
            usersStart[i + 1] += usersStart[i];
        }
        if (users.length < total) {
            users = new int[Math.max(total, users.length * 2)];
        }
        int[] next = readIndex; // free once the reads are done; at least n long
        System.arraycopy(usersStart, 0, next, 0, n);
        for (int t = 0; t < tokens; t++) {
            IntArrayList set = tokenSets[t];
            for (int i = 0; i < set.size(); i++) {
                users[next[unionIndex[set.get(i)]]++] = t;
            }
        }
    }

    /** Drops references to this call's buffers and cache copies. */
    void release(int misses) {
        refs.clear();
        Arrays.fill(missSegments, 0, misses, null);
    }

    void ensure(int n) {
        if (slots.length < n) {
            int c = Math.max(n, slots.length * 2);
            slots = new int[c];
            bundleOffsets = new long[c];
            missSlots = new int[c];
            hit = new boolean[c];
            fromAhead = new boolean[c];
            inRead = new boolean[c];
            missSegments = new MemorySegment[c];
            missOffsets = new long[c];
            readIndex = new int[c];
            readOf = new int[c];
            where = new MemorySegment[c];
            whereOffset = new long[c];
        }
    }

    /** A cleared flag per read of a plan. */
    boolean[] readFlags(int reads) {
        if (readFlags.length < reads) {
            readFlags = new boolean[Math.max(reads, readFlags.length * 2)];
        }
        Arrays.fill(readFlags, 0, reads, false);
        return readFlags;
    }

    MemorySegment hitBuffer(long bytes) {
        if (hitBuffer.byteSize() < bytes) {
            hitArena = grown(hitArena);
            hitBuffer = hitArena.allocate(roomFor(bytes, hitBuffer), 4096);
        }
        return hitBuffer;
    }

    MemorySegment readBuffer(long bytes) {
        if (readBuffer.byteSize() < bytes) {
            readArena = grown(readArena);
            readBuffer = readArena.allocate(roomFor(bytes, readBuffer), 4096);
        }
        return readBuffer;
    }

    /**
     * Frees a buffer's memory at once when it is outgrown (its step is over: a scratch serves one
     * thread one step at a time) rather than when a collection finds it; the buffers are working
     * memory outside the DRAM budget, and a prefill's can be tens of MB per layer.
     */
    private static Arena grown(Arena old) {
        if (old != null) {
            old.close();
        }
        return Arena.ofShared(); // reader threads write into it
    }

    /** A quarter more than asked, whole MiB, so that growing by a little does not reallocate each step. */
    private static long roomFor(long bytes, MemorySegment old) {
        long want = Math.max(bytes, old.byteSize() + old.byteSize() / 4);
        return (want + (1 << 20) - 1) & -(1L << 20);
    }

    /**
     * Frees the buffers (the scratch's thread is done with the model), the read-ahead's once any
     * read still writing into it has ended.
     */
    void free() {
        prefetch.free();
        for (Arena a : new Arena[] {hitArena, readArena}) {
            if (a != null) {
                a.close();
            }
        }
        hitArena = null;
        readArena = null;
        hitBuffer = MemorySegment.NULL;
        readBuffer = MemorySegment.NULL;
    }
}
