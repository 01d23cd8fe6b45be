package dev.ripple.cache;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bookkeeping shared by {@link BundleCache} and {@link CacheSimulator}, so both make the same
 * decisions with the same budget arithmetic. Locks: one admission lock guards the policy, the chunk
 * store and all changes of residency; each layer has a lock that guards its slot → chunk table and
 * the copies out of its chunks. Order: admission lock, then a layer lock, never the reverse.
 * Lookups take only their layer's lock for the copy, then the admission lock to record the access.
 * Resident bytes are reserved (under the admission lock, after evicting enough) before a bundle is
 * copied in, and released after its chunk is unpublished, so {@link #residentBytes} never exceeds
 * the budget.
 */
final class CacheEngine {
    private static final long ABSENT = -1L;

    private final long budget;
    private final int[] bundleBytes;
    private final CachePolicy policy;
    private final ChunkStore store;
    private final ReentrantLock admissionLock = new ReentrantLock();
    private final ReentrantLock[] layerLocks;
    private final long[][] handles;
    private final AtomicLong resident = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();
    private final LongAdder lookups = new LongAdder();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder hitBytes = new LongAdder();
    private final LongAdder missBytes = new LongAdder();
    private final LongAdder missRuns = new LongAdder();
    private final LongAdder readsIssued = new LongAdder();
    private final LongAdder admissions = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private volatile boolean closed;
    // admission's working arrays: used only under the admission lock
    private int[] offered = new int[64];
    private int[] offeredIndex = new int[64];
    private boolean[] admit = new boolean[64];

    CacheEngine(long budgetBytes, int[] bundleBytesPerLayer, CachePolicy policy, boolean offHeap) {
        if (bundleBytesPerLayer == null || bundleBytesPerLayer.length == 0) {
            throw new IllegalArgumentException("bundleBytesPerLayer must name at least one layer");
        }
        if (policy == null) {
            throw new IllegalArgumentException("policy is null; use CachePolicies.create(\"none\") for no cache");
        }
        int largest = 0;
        int largestLayer = 0;
        for (int l = 0; l < bundleBytesPerLayer.length; l++) {
            if (bundleBytesPerLayer[l] <= 0) {
                throw new IllegalArgumentException(
                        "bundle size of layer " + l + " must be > 0, was " + bundleBytesPerLayer[l]);
            }
            if (bundleBytesPerLayer[l] > largest) {
                largest = bundleBytesPerLayer[l];
                largestLayer = l;
            }
        }
        if (budgetBytes < largest) {
            throw new IllegalArgumentException("cache budget " + budgetBytes + " B is smaller than the largest bundle, "
                    + largest + " B (layer " + largestLayer + "): not even one bundle would fit");
        }
        this.budget = budgetBytes;
        this.bundleBytes = bundleBytesPerLayer.clone();
        this.policy = policy;
        policy.init(budgetBytes, this.bundleBytes);
        int layers = bundleBytes.length;
        this.layerLocks = new ReentrantLock[layers];
        this.handles = new long[layers][0];
        for (int l = 0; l < layers; l++) {
            layerLocks[l] = new ReentrantLock();
        }
        this.store = offHeap ? new OffHeapChunkStore(budgetBytes, this.bundleBytes) : ChunkStore.none();
    }

    int bundleBytes(int layer) {
        checkLayer(layer);
        return bundleBytes[layer];
    }

    int layers() {
        return bundleBytes.length;
    }

    long budgetBytes() {
        return budget;
    }

    long residentBytes() {
        return resident.get();
    }

    String policyName() {
        return policy.name();
    }

    CachePolicy policy() {
        return policy;
    }

    long allocatedBytes() {
        admissionLock.lock();
        try {
            return store.allocatedBytes();
        } finally {
            admissionLock.unlock();
        }
    }

    CacheStats stats() {
        return new CacheStats(
                lookups.sum(),
                hits.sum(),
                misses.sum(),
                hitBytes.sum(),
                missBytes.sum(),
                admissions.sum(),
                rejected.sum(),
                evictions.sum(),
                resident.get(),
                peak.get());
    }

    long missRuns() {
        return missRuns.sum();
    }

    long readsIssued() {
        return readsIssued.sum();
    }

    /** Resident slots of a layer, ascending (tests and diagnostics). */
    int[] residentSlots(int layer) {
        checkLayer(layer);
        ReentrantLock lock = layerLocks[layer];
        lock.lock();
        try {
            long[] table = handles[layer];
            int[] out = new int[table.length];
            int n = 0;
            for (int s = 0; s < table.length; s++) {
                if (table[s] != ABSENT) {
                    out[n++] = s;
                }
            }
            return Arrays.copyOf(out, n);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Copies resident bundles into {@code out} (may be null: residency only), records the access
     * with the policy and in {@code access} for the admission that follows. {@code readOf}
     * (nullable: contiguous runs) gives the planned read of each slot.
     */
    int lookup(CacheAccess access, int layer, int[] slots, int[] readOf, int count, MemorySegment out, boolean[] hit) {
        checkLookup(layer, slots, readOf, count, out, hit);
        int found = copyHits(layer, slots, count, out, hit);
        int[] reads = access.readsFor(count);
        if (readOf != null) {
            System.arraycopy(readOf, 0, reads, 0, count);
        } else {
            Runs.readGroups(slots, count, 0, reads);
        }
        access.record(layer, slots, count);
        countLookup(layer, slots, reads, count, hit, found);
        admissionLock.lock();
        try {
            ensureOpen();
            policy.recordReads(layer, slots, reads, count);
            drainExpired();
        } finally {
            admissionLock.unlock();
        }
        return found;
    }

    private void checkLookup(int layer, int[] slots, int[] readOf, int count, MemorySegment out, boolean[] hit) {
        checkLayer(layer);
        checkSlots("lookup", layer, slots, count);
        if (readOf != null) {
            checkReads(layer, readOf, count);
        }
        if (hit.length < count) {
            throw new IllegalArgumentException("hit has " + hit.length + " entries, count is " + count);
        }
        int bb = bundleBytes[layer];
        if (out != null && out.byteSize() < (long) count * bb) {
            throw new IllegalArgumentException("out holds " + out.byteSize() + " B, layer " + layer + " needs " + count
                    + " x " + bb + " = " + (long) count * bb + " B");
        }
    }

    /** Under the layer's lock: marks each slot hit or not and copies the hits' bytes out. */
    private int copyHits(int layer, int[] slots, int count, MemorySegment out, boolean[] hit) {
        int bb = bundleBytes[layer];
        int found = 0;
        ReentrantLock lock = layerLocks[layer];
        lock.lock();
        try {
            ensureOpen();
            long[] table = handles[layer];
            for (int i = 0; i < count; i++) {
                int s = slots[i];
                long h = s < table.length ? table[s] : ABSENT;
                hit[i] = h != ABSENT;
                if (hit[i]) {
                    if (out != null) {
                        store.read(layer, h, out, (long) i * bb);
                    }
                    found++;
                }
            }
        } finally {
            lock.unlock();
        }
        return found;
    }

    /** The lookup's counters: hits and misses, runs of misses, and planned reads that hold a miss. */
    private void countLookup(int layer, int[] slots, int[] reads, int count, boolean[] hit, int found) {
        int bb = bundleBytes[layer];
        int runs = 0;
        int issued = 0;
        for (int i = 0; i < count; i++) {
            if (!hit[i] && (i == 0 || hit[i - 1] || slots[i] != slots[i - 1] + 1)) {
                runs++;
            }
            // a planned read is issued when any of its slots misses
            if (!hit[i] && !readHasEarlierMiss(reads, hit, i)) {
                issued++;
            }
        }
        missRuns.add(runs);
        readsIssued.add(issued);
        lookups.increment();
        hits.add(found);
        misses.add(count - found);
        hitBytes.add((long) found * bb);
        missBytes.add((long) (count - found) * bb);
    }

    /** True when an earlier slot of the same planned read as slot {@code i} missed (reads are in slot order). */
    private static boolean readHasEarlierMiss(int[] reads, boolean[] hit, int i) {
        for (int j = i - 1; j >= 0 && reads[j] == reads[i]; j--) {
            if (!hit[j]) {
                return true;
            }
        }
        return false;
    }

    /**
     * Offers the bundles of missed slots of the layer {@code access} looked up, bundle i from
     * {@code offsets[i]} of {@code bundles[i]} ({@code offsets} null: from 0); {@code bundles} null
     * means "no bytes" (simulator).
     */
    void admit(CacheAccess access, int[] slots, int count, MemorySegment[] bundles, long[] offsets) {
        int layer = access.layer();
        if (layer < 0) {
            throw new IllegalStateException("admit before any lookup: pass the CacheAccess that lookup filled");
        }
        checkAdmit(layer, slots, count, bundles, offsets);
        admissionLock.lock();
        try {
            ensureOpen();
            int n = collectOffers(layer, slots, count, bundles);
            if (n == 0) {
                return;
            }
            policy.selectAdmissions(layer, access.needed(), access.count(), access.readOf(), offered, n, admit);
            for (int j = 0; j < n; j++) {
                if (!admit[j]) {
                    rejected.increment();
                } else if (!isResident(layer, offered[j])) {
                    int i = offeredIndex[j];
                    admitOne(layer, offered[j], bundles == null ? null : bundles[i], offsets == null ? 0 : offsets[i]);
                }
            }
            drainExpired();
        } finally {
            admissionLock.unlock();
        }
    }

    private void checkAdmit(int layer, int[] slots, int count, MemorySegment[] bundles, long[] offsets) {
        checkLayer(layer);
        checkSlots("admit", layer, slots, count);
        int bb = bundleBytes[layer];
        if (bundles == null) {
            return;
        }
        if (bundles.length < count) {
            throw new IllegalArgumentException("bundles has " + bundles.length + " entries, count is " + count);
        }
        if (offsets != null && offsets.length < count) {
            throw new IllegalArgumentException("offsets has " + offsets.length + " entries, count is " + count);
        }
        for (int i = 0; i < count; i++) {
            long offset = offsets == null ? 0 : offsets[i];
            if (bundles[i] != null && (offset < 0 || bundles[i].byteSize() - offset < bb)) {
                throw new IllegalArgumentException("bundle of layer " + layer + " slot " + slots[i] + " holds "
                        + (bundles[i].byteSize() - offset) + " B from offset " + offset + ", a complete bundle is "
                        + bb + " B; partial bundles are never cached");
            }
        }
    }

    /** Under the admission lock: the offered slots not resident yet and with bytes, into {@code offered}. */
    private int collectOffers(int layer, int[] slots, int count, MemorySegment[] bundles) {
        if (offered.length < count) {
            int cap = Math.max(count, offered.length * 2);
            offered = new int[cap];
            offeredIndex = new int[cap];
            admit = new boolean[cap];
        }
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (!isResident(layer, slots[i]) && (bundles == null || bundles[i] != null)) {
                offered[n] = slots[i];
                offeredIndex[n] = i;
                n++;
            }
        }
        return n;
    }

    /**
     * Under the admission lock: evicts until the bundle fits (or rejects it when the policy has no
     * victim), reserves its bytes, copies it into a chunk and publishes it. A failed copy returns the
     * chunk and the reservation and tells the policy nothing.
     */
    private void admitOne(int layer, int slot, MemorySegment bytes, long offset) {
        int bb = bundleBytes[layer];
        while (resident.get() + bb > budget) {
            long victim = policy.evictFor(layer, slot);
            if (victim == CachePolicy.NO_KEY) {
                rejected.increment();
                return;
            }
            drop(victim);
            drainExpired();
        }
        long now = resident.addAndGet(bb);
        if (now > budget) {
            throw new IllegalStateException("budget accounting broken: " + now + " > " + budget);
        }
        if (now > peak.get()) {
            peak.set(now);
        }
        long h = ABSENT;
        try {
            h = store.allocate(layer);
            if (bytes != null) {
                store.write(layer, h, bytes, offset);
            }
        } catch (RuntimeException | Error e) {
            if (h != ABSENT) {
                store.free(layer, h);
            }
            resident.addAndGet(-bb);
            throw e;
        }
        publish(layer, slot, h);
        policy.onAdmitted(layer, slot);
        admissions.increment();
        drainExpired();
    }

    /** Under the admission lock. */
    private boolean isResident(int layer, int slot) {
        long[] table = handles[layer];
        return slot < table.length && table[slot] != ABSENT;
    }

    private void publish(int layer, int slot, long h) {
        ReentrantLock lock = layerLocks[layer];
        lock.lock();
        try {
            long[] table = handles[layer];
            if (slot >= table.length) {
                int old = table.length;
                table = Arrays.copyOf(table, Math.max(slot + 1, old * 2));
                Arrays.fill(table, old, table.length, ABSENT);
                handles[layer] = table;
            }
            table[slot] = h;
        } finally {
            lock.unlock();
        }
    }

    private void drainExpired() {
        long k;
        while ((k = policy.pollExpired()) != CachePolicy.NO_KEY) {
            drop(k);
        }
    }

    /** Unpublishes and frees a key the policy has already forgotten. Under the admission lock. */
    private void drop(long key) {
        int layer = CachePolicy.layerOf(key);
        int slot = CachePolicy.slotOf(key);
        if (layer < 0 || layer >= bundleBytes.length) {
            throw new IllegalStateException("policy " + policy.name() + " returned a key of unknown layer " + layer);
        }
        long h;
        ReentrantLock lock = layerLocks[layer];
        lock.lock();
        try {
            long[] table = handles[layer];
            h = slot >= 0 && slot < table.length ? table[slot] : ABSENT;
            if (h == ABSENT) {
                throw new IllegalStateException("policy " + policy.name() + " evicted layer " + layer + " slot " + slot
                        + ", which is not resident");
            }
            table[slot] = ABSENT;
        } finally {
            lock.unlock();
        }
        store.free(layer, h);
        resident.addAndGet(-bundleBytes[layer]);
        evictions.increment();
    }

    void close() {
        admissionLock.lock();
        try {
            if (closed) {
                return;
            }
            for (ReentrantLock l : layerLocks) {
                l.lock();
            }
            try {
                closed = true;
                store.close();
            } finally {
                for (ReentrantLock l : layerLocks) {
                    l.unlock();
                }
            }
        } finally {
            admissionLock.unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("cache is closed");
        }
    }

    private void checkLayer(int layer) {
        if (layer < 0 || layer >= bundleBytes.length) {
            throw new IllegalArgumentException("layer " + layer + " outside 0.." + (bundleBytes.length - 1));
        }
    }

    private static void checkReads(int layer, int[] readOf, int count) {
        if (readOf.length < count) {
            throw new IllegalArgumentException("readOf has " + readOf.length + " entries, count is " + count);
        }
        int prev = 0;
        for (int i = 0; i < count; i++) {
            int r = readOf[i];
            if (r < prev || (i == 0 && r != 0) || r > prev + 1) {
                throw new IllegalArgumentException("readOf of layer " + layer
                        + " must number reads 0, 1, ... in slot order; readOf[" + i + "] = " + r + " after " + prev);
            }
            prev = r;
        }
    }

    private static void checkSlots(String what, int layer, int[] slots, int count) {
        if (count < 0 || count > slots.length) {
            throw new IllegalArgumentException(what + ": count " + count + " outside 0.." + slots.length);
        }
        int prev = -1;
        for (int i = 0; i < count; i++) {
            if (slots[i] <= prev) {
                throw new IllegalArgumentException(what + ": slots of layer " + layer
                        + " must be ascending and >= 0; slots[" + i + "] = " + slots[i] + " after " + prev);
            }
            prev = slots[i];
        }
    }
}
