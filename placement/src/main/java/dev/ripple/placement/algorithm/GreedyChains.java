package dev.ripple.placement.algorithm;

import dev.ripple.placement.stats.Interrupts;
import dev.ripple.placement.stats.LayerStats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Ripple's greedy step: every neuron starts as its own chain; pairs are taken by descending
 * {@code f(i,j)} (ties by ascending {@code (i, j)}) and joined when both are chain ends (degree
 * below 2) and in different chains (union-find), so the result is a set of disjoint paths, never
 * a cycle. Pairs with {@code f(i,j) = 0} are never joined.
 *
 * <p>Sorting all pairs of a 16,384-neuron layer would take 1 GiB of keys. Instead pairs are taken
 * in weight bands: a histogram of the pairs whose both ends are still open picks the band of the
 * heaviest ones that fits a budget, those are counting-sorted and joined, and the next band is
 * taken below it. Pairs with a closed end are rejected by the greedy anyway, so filtering them out
 * before a band is exact, and each band shrinks the open set quickly. A single weight shared by
 * more pairs than the budget (most pairs tied, e.g. neurons active on every token) is taken in
 * slices of the budget in ascending {@code (i, j)}, the tie order, so the bound holds there too.
 */
final class GreedyChains {
    private final int n;
    private final int[] left;
    private final int[] right;
    private final byte[] degree;
    private final UnionFind sets;

    private GreedyChains(int n) {
        this.n = n;
        left = new int[n];
        right = new int[n];
        Arrays.fill(left, -1);
        Arrays.fill(right, -1);
        degree = new byte[n];
        sets = new UnionFind(n);
    }

    /** The chains of the greedy join, each walked from its smaller-id end; singletons included. */
    static List<int[]> build(LayerStats stats) {
        return build(stats, bandBudget(stats.neurons()));
    }

    /** As {@link #build(LayerStats)} sorting at most {@code budget} pairs at once (tests: a small one). */
    static List<int[]> build(LayerStats stats, int budget) {
        GreedyChains g = new GreedyChains(stats.neurons());
        g.join(stats, budget);
        return g.chains();
    }

    /**
     * The most pairs one weight band sorts at once: {@code 2^20} (8 MiB of keys), more for layers
     * of over 262,144 neurons so that a band can still join every neuron.
     */
    private static int bandBudget(int n) {
        return Math.max(1 << 20, 4 * n);
    }

    /**
     * Peak heap bytes of {@link #build} for {@code n} neurons over {@code tokens} tokens: the band's
     * pair keys (a long per pair, up to {@link #bandBudget}), the histogram and write positions (an
     * int per weight; joint counts are at most {@code tokens}), and per neuron the chain links,
     * degrees, union-find, the chains returned (an array each at worst) and the walk's buffer,
     * bounded by 64 bytes. A weight tied by more pairs than the budget is taken in slices of it.
     */
    static long scratchBytes(int n, int tokens) {
        long keys = (long) bandBudget(n) * Long.BYTES;
        long perWeight = 2L * ((long) tokens + 2) * Integer.BYTES;
        return keys + perWeight + 64L * n;
    }

    private void join(LayerStats stats, int budget) {
        int joins = 0;
        int hi = stats.maxJoint() + 1;
        while (hi > 1 && joins < n - 1) {
            Interrupts.stopIfInterrupted("placement");
            final int top = hi;
            int[] hist = new int[top];
            stats.forEachPair(i -> degree[i] < 2, (i, j, w) -> {
                if (w < top && degree[j] < 2) {
                    hist[w]++;
                }
            });
            int lo = top - 1;
            long taken = hist[lo];
            while (lo > 1 && taken + hist[lo - 1] <= budget) {
                lo--;
                taken += hist[lo];
            }
            if (taken == 0 && lo <= 1) {
                break;
            }
            if (taken > budget) { // one weight tied by more pairs than a band may sort
                joins = joinTied(stats, top - 1, budget, joins);
                hi = top - 1;
                continue;
            }
            final int bottom = lo;
            long[] pairs = new long[(int) taken];
            int[] next = new int[top - bottom]; // write position per weight, heaviest first
            for (int w = top - 2, acc = hist[top - 1]; w >= bottom; w--) {
                next[top - 1 - w] = acc;
                acc += hist[w];
            }
            stats.forEachPair(i -> degree[i] < 2, (i, j, w) -> {
                if (w >= bottom && w < top && degree[j] < 2) {
                    pairs[next[top - 1 - w]++] = ((long) i << 32) | j;
                }
            });
            joins = joinInOrder(pairs, pairs.length, joins);
            hi = bottom;
        }
    }

    /**
     * The pairs of weight {@code w} in slices of at most {@code budget}, each the next pairs in
     * ascending {@code (i, j)} (the tie order) after the last one taken, among those whose ends are
     * still open then: a pair with a closed end would be rejected anyway, so this joins exactly what
     * one sort of them all would.
     */
    private int joinTied(LayerStats stats, int w, int budget, int joins) {
        long[] slice = new long[budget];
        long after = -1; // the key of the last pair taken
        while (joins < n - 1) {
            Interrupts.stopIfInterrupted("placement");
            final long from = after;
            final int fromRow = from < 0 ? 0 : (int) (from >>> 32);
            int[] count = {0};
            // rows after the one that filled the slice are skipped, so a slice costs about what it
            // takes, not a pass over every row left: all pairs tied would otherwise cost n^4 / budget
            stats.forEachPair(i -> count[0] < budget && i >= fromRow && degree[i] < 2, (i, j, weight) -> {
                if (weight == w && count[0] < budget && degree[j] < 2) {
                    long key = ((long) i << 32) | j;
                    if (key > from) {
                        slice[count[0]++] = key;
                    }
                }
            });
            joins = joinInOrder(slice, count[0], joins);
            if (count[0] < budget) {
                break;
            }
            after = slice[count[0] - 1];
        }
        return joins;
    }

    /** Joins the first {@code count} of {@code pairs}, in order, where both ends are open and apart. */
    private int joinInOrder(long[] pairs, int count, int joins) {
        for (int k = 0; k < count; k++) {
            int i = (int) (pairs[k] >>> 32);
            int j = (int) pairs[k];
            if (degree[i] < 2 && degree[j] < 2 && sets.union(i, j)) {
                link(i, j);
                link(j, i);
                joins++;
            }
        }
        return joins;
    }

    private void link(int a, int b) {
        if (left[a] < 0) {
            left[a] = b;
        } else {
            right[a] = b;
        }
        degree[a]++;
    }

    private List<int[]> chains() {
        boolean[] done = new boolean[n];
        List<int[]> out = new ArrayList<>();
        int[] buf = new int[n];
        for (int start = 0; start < n; start++) {
            if (done[start] || degree[start] > 1) {
                continue;
            }
            int len = 0;
            int prev = -1;
            int cur = start;
            while (cur >= 0) {
                buf[len++] = cur;
                done[cur] = true;
                int nxt = left[cur] != prev ? left[cur] : right[cur];
                prev = cur;
                cur = nxt;
            }
            out.add(Arrays.copyOf(buf, len));
        }
        return out;
    }
}
