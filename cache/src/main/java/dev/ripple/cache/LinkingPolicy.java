package dev.ripple.cache;

import java.util.SplittableRandom;
import org.eclipse.collections.impl.list.mutable.primitive.LongArrayList;
import org.eclipse.collections.impl.map.mutable.primitive.IntObjectHashMap;
import org.eclipse.collections.impl.map.mutable.primitive.LongIntHashMap;

/**
 * Linking-aligned admission (Ripple, arXiv 2410.19274: "linking-aligned" in-memory caching) over an
 * ordinary eviction policy (S3-FIFO by default, as in Ripple's evaluation). Decisions are made on
 * the runs that one token's needed slots form in placement order, because a run is one read
 * operation and operations, not bytes, dominate flash cost:
 * <ul>
 *   <li>a slot that is a run of its own (isolated) costs a whole read: caching it saves one
 *       operation per future access for one bundle of DRAM, so it is admitted;</li>
 *   <li>a run of length 2..L-1 is admitted whole (as one group): cached whole it saves one operation
 *       for its length in bundles; cached in part it saves none;</li>
 *   <li>slots of runs of length >= L are not admitted (or with a small probability): that run is read
 *       in one operation anyway, and caching part of it saves bytes, not operations, or splits the
 *       read in two.</li>
 * </ul>
 * Groups stay whole: when the inner policy evicts one member of a run admitted together, the other
 * members leave too ({@link #pollExpired}), since a partly resident run saves no operation.
 */
final class LinkingPolicy extends AbstractPolicy {
    private final CachePolicy inner;
    private final int longRun;
    private final double longRunAdmitProbability;
    private final SplittableRandom random;
    private final LongIntHashMap groupOf = new LongIntHashMap();
    private final IntObjectHashMap<LongArrayList> members = new IntObjectHashMap<>();
    private final LongIntHashMap pendingGroup = new LongIntHashMap();
    private final LongArrayList expired = new LongArrayList();
    private int expiredRead;
    private int nextGroup;
    private int[] runLength = new int[0];

    LinkingPolicy(CachePolicy inner, int longRun, double longRunAdmitProbability, long seed) {
        this.inner = inner;
        this.longRun = longRun;
        this.longRunAdmitProbability = longRunAdmitProbability;
        this.random = new SplittableRandom(seed);
    }

    @Override public String name() { return "linking"; }

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

    @Override
    public void selectAdmissions(int layer, int[] needed, int neededCount, int[] offered, int offeredCount, boolean[] admit) {
        pendingGroup.clear();
        if (runLength.length < neededCount) {
            runLength = new int[Math.max(neededCount, runLength.length * 2)];
        }
        Runs.runLengths(needed, neededCount, runLength);
        int j = 0;
        int runGroupStart = -1;
        int runGroup = -1;
        for (int i = 0; i < offeredCount; i++) {
            int slot = offered[i];
            while (j < neededCount && needed[j] < slot) {
                j++;
            }
            // an offered slot outside the needed set (read through a collapsed gap) is a run of its own
            int len = (j < neededCount && needed[j] == slot) ? runLength[j] : 1;
            if (len == 1) {
                admit[i] = true;
            } else if (len < longRun) {
                admit[i] = true;
                int start = runStart(needed, j);
                if (start != runGroupStart) {
                    runGroupStart = start;
                    runGroup = nextGroup++;
                }
                pendingGroup.put(CachePolicy.key(layer, slot), runGroup);
            } else {
                admit[i] = longRunAdmitProbability > 0 && random.nextDouble() < longRunAdmitProbability;
            }
        }
    }

    private static int runStart(int[] needed, int j) {
        while (j > 0 && needed[j - 1] == needed[j] - 1) {
            j--;
        }
        return needed[j];
    }

    @Override
    public long evictFor(int layer, int slot) {
        long victim = inner.evictFor(layer, slot);
        if (victim != NO_KEY) {
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
        if (expiredRead < expired.size()) {
            return expired.get(expiredRead++);
        }
        if (expiredRead > 0) {
            expired.clear();
            expiredRead = 0;
        }
        long k = inner.pollExpired();
        if (k != NO_KEY) {
            dissolveGroupOf(k);
        }
        return k;
    }

    @Override
    public void invalidate(int layer, int slot) {
        long k = CachePolicy.key(layer, slot);
        inner.invalidate(layer, slot);
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
