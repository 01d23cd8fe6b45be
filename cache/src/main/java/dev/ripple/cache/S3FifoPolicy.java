package dev.ripple.cache;

/**
 * S3-FIFO (Yang, Zhang, Qiu, Yue, Rashmi: "FIFO queues are all you need for cache eviction",
 * SOSP'23). Three FIFO queues: a small queue S holding ~10% of the bytes, where every new key enters;
 * a main queue M; and a ghost queue G of recently evicted keys (no bytes). Each resident key has a
 * 2-bit access frequency (0..3), incremented on a hit. Eviction from S: a key accessed while in S
 * moves to M, a key never accessed (a one-hit wonder) leaves the cache and its key goes to G.
 * Eviction from M: a key with frequency > 0 is reinserted at M's head with frequency - 1 (lazy
 * promotion, like CLOCK), otherwise evicted. A missed key found in G is admitted straight into M.
 * Sizes are in bytes because bundles of different layers may differ; G keeps as many keys as M holds
 * bundles of the smallest size (90% of the budget).
 */
final class S3FifoPolicy extends AbstractPolicy {
    private static final int MAX_FREQ = 3;
    /** A key moves from S to M if it was hit at least this often while in S (libCacheSim's move-to-main-threshold=1). */
    private static final int MOVE_TO_MAIN = 1;

    private final double smallRatio;
    private final KeyList small = new KeyList();
    private final KeyList main = new KeyList();
    private final KeyList ghost = new KeyList();
    private long smallTarget;
    private long ghostCapacity;

    S3FifoPolicy(double smallRatio) {
        this.smallRatio = smallRatio;
    }

    @Override
    public String name() {
        return "s3fifo";
    }

    @Override
    protected void onInit() {
        int minBundle = Integer.MAX_VALUE;
        for (int b : bundleBytes) {
            minBundle = Math.min(minBundle, b);
        }
        smallTarget = Math.max(1, (long) (budgetBytes * smallRatio));
        // G holds as many keys as M holds objects (paper; libCacheSim ghost-size-ratio = 0.9)
        ghostCapacity = Math.max(1, (long) ((budgetBytes / Math.max(1, minBundle)) * (1 - smallRatio)));
    }

    @Override
    public void recordAccess(int layer, int[] slots, int count) {
        for (int i = 0; i < count; i++) {
            long k = CachePolicy.key(layer, slots[i]);
            if (small.contains(k)) {
                small.setTag(k, Math.min(MAX_FREQ, small.tag(k) + 1));
            } else if (main.contains(k)) {
                main.setTag(k, Math.min(MAX_FREQ, main.tag(k) + 1));
            }
        }
    }

    @Override
    public long evictFor(int layer, int slot) {
        while (small.size() + main.size() > 0) {
            long victim = (small.weight() >= smallTarget || main.size() == 0) ? evictSmall() : evictMain();
            if (victim != NO_KEY) {
                return victim;
            }
        }
        return NO_KEY;
    }

    /** Moves S's oldest key to M if it was accessed, else evicts it (key to G). */
    private long evictSmall() {
        long k = small.first();
        int freq = small.tag(k);
        long w = small.weightOf(k);
        small.remove(k);
        if (freq >= MOVE_TO_MAIN) {
            main.addLast(k, w, 0);
            return NO_KEY;
        }
        addGhost(k);
        return k;
    }

    private long evictMain() {
        long k = main.first();
        int freq = main.tag(k);
        if (freq > 0) {
            main.setTag(k, freq - 1);
            main.moveToLast(k);
            return NO_KEY;
        }
        main.remove(k);
        return k;
    }

    private void addGhost(long k) {
        ghost.remove(k);
        ghost.addLast(k, 0, 0);
        while (ghost.size() > ghostCapacity) {
            ghost.pollFirst();
        }
    }

    @Override
    public void onAdmitted(int layer, int slot) {
        long k = CachePolicy.key(layer, slot);
        if (ghost.remove(k)) {
            main.addLast(k, bundleBytes[layer], 0);
        } else {
            small.addLast(k, bundleBytes[layer], 0);
        }
    }

    @Override
    public void invalidate(int layer, int slot) {
        long k = CachePolicy.key(layer, slot);
        if (!small.remove(k)) {
            main.remove(k);
        }
    }

    @Override
    public int residentCount() {
        return small.size() + main.size();
    }

    boolean inSmall(int layer, int slot) {
        return small.contains(CachePolicy.key(layer, slot));
    }

    boolean inMain(int layer, int slot) {
        return main.contains(CachePolicy.key(layer, slot));
    }

    boolean inGhost(int layer, int slot) {
        return ghost.contains(CachePolicy.key(layer, slot));
    }
}
