package dev.ripple.placement.stats;

import java.util.function.IntPredicate;

/**
 * Exact co-activation counts of one layer: every pair in a packed upper triangle of ints
 * ({@code n(n-1)/2 x 4} bytes: 512 MiB for 16,384 neurons). Built by {@link CoActivationCounter}.
 */
public final class DenseLayerStats extends LayerStats {
    private final int n;
    private final int[] triangle;
    private final int maxJoint;

    DenseLayerStats(long tokens, int[] counts, int[] triangle) {
        super(tokens, counts);
        n = counts.length;
        if (triangle.length != TriangleIndex.pairs(n)) {
            throw new IllegalArgumentException("triangle of " + triangle.length + " counts for " + n
                    + " neurons, expected " + TriangleIndex.pairs(n));
        }
        this.triangle = triangle;
        int max = 0;
        for (int c : triangle) {
            max = Math.max(max, c);
        }
        this.maxJoint = max;
    }

    @Override
    int pairJoint(int i, int j) {
        return i < j ? triangle[(int) TriangleIndex.index(n, i, j)] : triangle[(int) TriangleIndex.index(n, j, i)];
    }

    @Override
    public boolean exact() {
        return true;
    }

    @Override
    public int maxJoint() {
        return maxJoint;
    }

    @Override
    public void forEachPair(IntPredicate rowFilter, PairVisitor visitor) {
        for (int i = 0; i < n - 1; i++) {
            if (!rowFilter.test(i)) {
                continue;
            }
            int base = (int) TriangleIndex.rowBase(n, i);
            for (int j = i + 1; j < n; j++) {
                int w = triangle[base + j];
                if (w > 0) {
                    visitor.visit(i, j, w);
                }
            }
        }
    }

    @Override
    public NeighbourLists neighbours(int m) {
        // One sequential pass over the triangle offering each pair to both rows: column access
        // (j < i) would otherwise be a cache miss per element.
        TopSelector[] top = new TopSelector[n];
        for (int i = 0; i < n; i++) {
            top[i] = new TopSelector(m);
        }
        for (int i = 0; i < n - 1; i++) {
            if ((i & 1023) == 0) {
                Interrupts.stopIfInterrupted("placement");
            }
            int base = (int) TriangleIndex.rowBase(n, i);
            TopSelector row = top[i];
            int ci = count(i);
            for (int j = i + 1; j < n; j++) {
                int w = triangle[base + j];
                if (w > 0) {
                    long score = TopSelector.excess(w, tokens(), ci, count(j));
                    if (score > 0) {
                        row.offer(j, w, score);
                        top[j].offer(i, w, score);
                    }
                }
            }
        }
        int[][] ids = new int[n][];
        int[][] joints = new int[n][];
        for (int i = 0; i < n; i++) {
            int[][] s = top[i].sorted();
            ids[i] = s[0];
            joints[i] = s[1];
        }
        return NeighbourLists.of(ids, joints);
    }
}
