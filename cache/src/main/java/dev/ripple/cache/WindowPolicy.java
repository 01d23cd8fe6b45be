package dev.ripple.cache;

import java.util.Arrays;

/**
 * Sliding window of LLM in a flash (Alizadeh et al., arXiv 2312.11514, "windowing"): per layer,
 * DRAM keeps the union of the slots active in the last k tokens, so each token loads only the
 * difference. After a layer's token t is recorded, the slots last active at token t - k leave the
 * window and are dropped even without pressure ({@link #pollExpired}). Under budget pressure the
 * least recently active resident goes first, as in {@link LruPolicy} (the window is budget-capped).
 */
final class WindowPolicy extends LruPolicy {
    private final int k;
    private final ExpiredKeys expired = new ExpiredKeys();
    private int[] tokens = new int[0];
    private int[][] lastSeen = new int[0][];
    private int[][][] ring = new int[0][][];
    private int[][] ringCounts = new int[0][];

    WindowPolicy(int k) {
        this.k = k;
    }

    @Override
    public String name() {
        return "window";
    }

    @Override
    protected void onInit() {
        int layers = bundleBytes.length;
        tokens = new int[layers];
        lastSeen = new int[layers][0];
        ring = new int[layers][k][0];
        ringCounts = new int[layers][k];
    }

    @Override
    public void recordAccess(int layer, int[] slots, int count) {
        int t = ++tokens[layer];
        int[] seen = lastSeen[layer];
        if (count > 0 && seen.length <= slots[count - 1]) {
            seen = Arrays.copyOf(seen, Math.max(slots[count - 1] + 1, seen.length * 2));
            lastSeen[layer] = seen;
        }
        for (int i = 0; i < count; i++) {
            seen[slots[i]] = t;
        }
        super.recordAccess(layer, slots, count);
        int r = t % k;
        int[] old = ring[layer][r];
        for (int i = 0, n = ringCounts[layer][r]; i < n; i++) {
            int s = old[i];
            if (seen[s] <= t - k) {
                long key = CachePolicy.key(layer, s);
                if (order.remove(key)) {
                    expired.add(key);
                }
            }
        }
        if (old.length < count) {
            old = new int[Math.max(count, old.length * 2)];
            ring[layer][r] = old;
        }
        System.arraycopy(slots, 0, old, 0, count);
        ringCounts[layer][r] = count;
    }

    @Override
    public long pollExpired() {
        return expired.poll();
    }
}
