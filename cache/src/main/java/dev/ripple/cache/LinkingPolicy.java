package dev.ripple.cache;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.eclipse.collections.impl.list.mutable.primitive.LongArrayList;
import org.eclipse.collections.impl.map.mutable.primitive.IntObjectHashMap;
import org.eclipse.collections.impl.map.mutable.primitive.LongIntHashMap;

/**
 * Linking-aligned admission (Ripple, arXiv 2410.19274: "linking-aligned" in-memory caching) over an
 * ordinary eviction policy (S3-FIFO by default, as in Ripple's evaluation). Decisions are made on
 * runs in placement order, because a run is one read operation and operations, not bytes, dominate
 * flash cost. The unit is a read this token costs, as the caller's read planner made it over the
 * whole needed set (collapse included) and passed to the cache with the lookup: such a read costs an
 * operation when any of its slots misses. Caching removes that read only if every missed slot of it
 * becomes resident, so the value of admitting is one operation per c bundles (a resident part of a
 * read saves its bytes only when the flash runtime, reading the misses alone by a device's cost
 * model, skips it as a gap longer than the break-even one: docs/CACHE.md):
 * <ul>
 *   <li>c == 1 (an isolated needed slot, or the one missing piece of an otherwise cached run): one
 *       operation saved per bundle, the best ratio: admitted;</li>
 *   <li>2 <= c < L: admitted whole, as one group;</li>
 *   <li>c >= L: not admitted (or with a small probability, Ripple's "lower probability"): it is read
 *       in one operation anyway; caching part of it saves bytes, not operations, and caching a slot
 *       inside it splits the read in two.</li>
 * </ul>
 * Groups stay whole: when the inner policy evicts one member of a group, the other members leave too
 * ({@link #pollExpired}), since a partly resident run saves no operation.
 *
 * <p>The rules ration DRAM, so they apply only once there is something to ration: until the budget is
 * first reached (the first {@link #evictFor}), a long read whose c bundles fit in the free room is
 * admitted too, as a group. Without this, a cache larger than the reads it is offered stayed empty
 * whenever the planner collapses a layer's needed set into a few long reads (tiny models, fast
 * devices): idle DRAM that could remove every read saved none. See docs/CACHE.md.
 */
final class LinkingPolicy extends AbstractPolicy {
    private final CachePolicy inner;
    private final int longRun;
    private final double longRunAdmitProbability;
    private final SplittableRandom random;
    private final LongIntHashMap groupOf = new LongIntHashMap();
    private final IntObjectHashMap<LongArrayList> members = new IntObjectHashMap<>();
    private final LongIntHashMap pendingGroup = new LongIntHashMap();
    private final ExpiredKeys expired = new ExpiredKeys();
    private int nextGroup;
    /** Bytes resident as far as this policy knows: admitted, less evicted and expired. */
    private long residentBytes;
    /** Set by the first eviction request: from then on DRAM is rationed and long reads are refused. */
    private boolean budgetReached;

    private int[] readOfOffered = new int[0];
    private double[] credit = new double[0];

    LinkingPolicy(CachePolicy inner, int longRun, double longRunAdmitProbability, long seed) {
        this.inner = inner;
        this.longRun = longRun;
        this.longRunAdmitProbability = longRunAdmitProbability;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public String name() {
        return "linking";
    }

    /** The eviction policy underneath. */
    String innerName() {
        return inner.name();
    }

    @Override
    protected void onInit() {
        inner.init(budgetBytes, bundleBytes);
    }

    @Override
    public void recordAccess(int layer, int[] slots, int count) {
        inner.recordAccess(layer, slots, count);
    }

    /**
     * Over LFU, an access counts as the share of a read the slot stands for: 1/n for each of the n
     * needed slots of its planned read. Keeping a slot removes its read only together with the other
     * n − 1, so an isolated slot earns a whole operation per access and a slot of a long read a
     * fraction: eviction then keeps the slots that remove the most reads per bundle, not the most
     * active ones. Other inner policies see a plain access.
     */
    @Override
    public void recordReads(int layer, int[] slots, int[] readOf, int count) {
        if (!(inner instanceof LfuPolicy lfu)) {
            inner.recordAccess(layer, slots, count);
            return;
        }
        if (credit.length < count) {
            credit = new double[Math.max(count, credit.length * 2)];
        }
        int i = 0;
        while (i < count) {
            int end = i + 1;
            while (end < count && readOf[end] == readOf[i]) {
                end++;
            }
            Arrays.fill(credit, i, end, 1.0 / (end - i));
            i = end;
        }
        lfu.recordCredits(layer, slots, credit, count);
    }

    /**
     * Works on the reads this token actually costs: the caller's planned reads over the whole needed
     * set ({@code readOf}), of which those holding a miss cost an operation. A read with c missed
     * bundles is removed only if all c become resident, so:
     * c == 1 admit; 2 <= c < L admit the c together as a group; c >= L admit none (each with the small
     * long-run probability). A mostly cached read therefore gets completed.
     */
    @Override
    public void selectAdmissions(
            int layer, int[] needed, int neededCount, int[] readOf, int[] offered, int offeredCount, boolean[] admit) {
        pendingGroup.clear();
        if (readOfOffered.length < offeredCount) {
            readOfOffered = new int[Math.max(offeredCount, readOfOffered.length * 2)];
        }
        // offered and needed are both ascending: one merge walk finds each offered slot's read;
        // a slot offered without being needed (admit from another thread) is a read of its own
        int j = 0;
        int lone = -1;
        for (int i = 0; i < offeredCount; i++) {
            while (j < neededCount && needed[j] < offered[i]) {
                j++;
            }
            readOfOffered[i] = j < neededCount && needed[j] == offered[i] ? readOf[j] : lone--;
        }
        long pendingBytes = 0;
        int i = 0;
        while (i < offeredCount) {
            int end = i + 1;
            while (end < offeredCount && readOfOffered[end] == readOfOffered[i]) {
                end++;
            }
            int c = end - i;
            boolean whole = c < longRun || fitsInIdleRoom(layer, c, pendingBytes);
            if (whole) {
                pendingBytes += (long) c * bundleBytes[layer];
            }
            int group = c > 1 && whole ? nextGroup++ : -1;
            for (int k = i; k < end; k++) {
                if (whole) {
                    admit[k] = true;
                    if (group >= 0) {
                        pendingGroup.put(CachePolicy.key(layer, offered[k]), group);
                    }
                } else {
                    admit[k] = longRunAdmitProbability > 0 && random.nextDouble() < longRunAdmitProbability;
                    if (admit[k]) { // counted too, so that a later group of rule 0 still fits whole
                        pendingBytes += bundleBytes[layer];
                    }
                }
            }
            i = end;
        }
    }

    /**
     * A long read of c missed bundles is worth admitting only while DRAM is idle: the budget has never
     * been reached and the c bundles fit beside what is resident and what this token already chose.
     */
    private boolean fitsInIdleRoom(int layer, int c, long pendingBytes) {
        return !budgetReached && residentBytes + pendingBytes + (long) c * bundleBytes[layer] <= budgetBytes;
    }

    @Override
    public long evictFor(int layer, int slot) {
        budgetReached = true;
        long victim = inner.evictFor(layer, slot);
        if (victim != NO_KEY) {
            residentBytes -= bundleBytes[CachePolicy.layerOf(victim)];
            dissolveGroupOf(victim);
        }
        return victim;
    }

    private void dissolveGroupOf(long key) {
        int g = groupOf.getIfAbsent(key, -1);
        if (g < 0) {
            return;
        }
        groupOf.remove(key);
        LongArrayList m = members.remove(g);
        if (m == null) {
            return;
        }
        for (int i = 0; i < m.size(); i++) {
            long other = m.get(i);
            if (other != key && groupOf.getIfAbsent(other, -1) == g) {
                groupOf.remove(other);
                inner.invalidate(CachePolicy.layerOf(other), CachePolicy.slotOf(other));
                expired.add(other);
            }
        }
    }

    @Override
    public void onAdmitted(int layer, int slot) {
        inner.onAdmitted(layer, slot);
        residentBytes += bundleBytes[layer];
        long k = CachePolicy.key(layer, slot);
        int g = pendingGroup.getIfAbsent(k, -1);
        if (g >= 0) {
            groupOf.put(k, g);
            LongArrayList m = members.get(g);
            if (m == null) {
                m = new LongArrayList(4);
                members.put(g, m);
            }
            m.add(k);
        }
    }

    @Override
    public long pollExpired() {
        long k = expired.poll();
        if (k != NO_KEY) {
            residentBytes -= bundleBytes[CachePolicy.layerOf(k)];
            return k;
        }
        k = inner.pollExpired();
        if (k != NO_KEY) {
            residentBytes -= bundleBytes[CachePolicy.layerOf(k)];
            dissolveGroupOf(k);
        }
        return k;
    }

    @Override
    public void invalidate(int layer, int slot) {
        long k = CachePolicy.key(layer, slot);
        inner.invalidate(layer, slot);
        residentBytes -= bundleBytes[layer];
        int g = groupOf.getIfAbsent(k, -1);
        if (g >= 0) {
            groupOf.remove(k);
            LongArrayList m = members.get(g);
            if (m != null) {
                m.remove(k);
                if (m.isEmpty()) {
                    members.remove(g);
                }
            }
        }
    }

    @Override
    public int residentCount() {
        return inner.residentCount();
    }
}
