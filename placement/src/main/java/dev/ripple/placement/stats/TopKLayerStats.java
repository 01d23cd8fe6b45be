package dev.ripple.placement.stats;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * Approximate co-activation statistics for layers too large for the exact triangle: activation
 * counts are exact, and each neuron keeps its K partners of highest excess co-activation (see
 * {@link NeighbourLists}) with their exact joint counts.
 * A pair is stored if it is in the list of either neuron; any other pair reads as 0, in
 * particular pairs that co-fire only by chance (hot neurons with everyone). Greedy placement only
 * ever joins strong pairs, so the weak tail it loses barely matters (Ripple's paper makes the
 * same observation for its 32-43k neuron layers); unjoined hot neurons end up together among the
 * isolated neurons, which are appended hottest first.
 */
public final class TopKLayerStats extends LayerStats {
    private final NeighbourLists lists;
    /** Per neuron, its partners sorted by id, for {@link #joint} by binary search. */
    private final int[][] byId;

    private final int[][] byIdJoint;
    private final int maxJoint;

    TopKLayerStats(long tokens, int[] counts, NeighbourLists lists) {
        super(tokens, counts);
        this.lists = lists;
        int n = neurons();
        byId = new int[n][];
        byIdJoint = new int[n][];
        int max = 0;
        for (int i = 0; i < n; i++) {
            int size = lists.size(i);
            long[] packed = new long[size];
            for (int k = 0; k < size; k++) {
                packed[k] = ((long) lists.id(i, k) << 32) | lists.joint(i, k);
                max = Math.max(max, lists.joint(i, k));
            }
            Arrays.sort(packed);
            byId[i] = new int[size];
            byIdJoint[i] = new int[size];
            for (int k = 0; k < size; k++) {
                byId[i][k] = (int) (packed[k] >>> 32);
                byIdJoint[i][k] = (int) packed[k];
            }
        }
        maxJoint = max;
        reverseIndex = buildReverse();
    }

    @Override
    int pairJoint(int i, int j) {
        int k = Arrays.binarySearch(byId[i], j);
        if (k >= 0) {
            return byIdJoint[i][k];
        }
        k = Arrays.binarySearch(byId[j], i);
        return k >= 0 ? byIdJoint[j][k] : 0;
    }

    /** The K the lists were built with (the longest list). */
    public int k() {
        int k = 0;
        for (int i = 0; i < neurons(); i++) {
            k = Math.max(k, lists.size(i));
        }
        return k;
    }

    @Override
    public boolean exact() {
        return false;
    }

    @Override
    public int maxJoint() {
        return maxJoint;
    }

    @Override
    public void forEachPair(IntPredicate rowFilter, PairVisitor visitor) {
        // Pair (i, j), i < j, is visited from row i. It is stored in i's list, in j's list, or
        // both; j's list is consulted for pairs missing from i's, so each pair comes once.
        int n = neurons();
        int[] mergedIds = new int[0];
        int[] mergedJoints = new int[0];
        for (int i = 0; i < n; i++) {
            if (!rowFilter.test(i)) {
                continue;
            }
            // Candidates from i's own list (j > i) are already sorted by id in byId[i].
            int[] own = byId[i];
            int[] ownJ = byIdJoint[i];
            int len = 0;
            if (mergedIds.length < own.length) {
                mergedIds = new int[own.length];
                mergedJoints = new int[own.length];
            }
            for (int k = 0; k < own.length; k++) {
                if (own[k] > i) {
                    mergedIds[len] = own[k];
                    mergedJoints[len] = ownJ[k];
                    len++;
                }
            }
            // Pairs where only j lists i are visited through reverse; collected lazily below.
            int[] rev = reverse(i);
            int a = 0;
            int b = 0;
            while (a < len || b < rev.length) {
                if (b >= rev.length || (a < len && mergedIds[a] < rev[b])) {
                    visitor.visit(i, mergedIds[a], mergedJoints[a]);
                    a++;
                } else if (a >= len || rev[b] < mergedIds[a]) {
                    int j = rev[b];
                    visitor.visit(i, j, joint(j, i));
                    b++;
                } else { // in both lists
                    visitor.visit(i, mergedIds[a], mergedJoints[a]);
                    a++;
                    b++;
                }
            }
        }
    }

    /** Per neuron x, the neurons j > x whose list contains x, ascending. */
    private final int[][] reverseIndex;

    private int[] reverse(int i) {
        return reverseIndex[i];
    }

    private int[][] buildReverse() {
        {
            int n = neurons();
            int[] deg = new int[n];
            for (int j = 0; j < n; j++) {
                for (int x : byId[j]) {
                    if (x < j) {
                        deg[x]++;
                    }
                }
            }
            int[][] rev = new int[n][];
            for (int x = 0; x < n; x++) {
                rev[x] = new int[deg[x]];
                deg[x] = 0;
            }
            for (int j = 0; j < n; j++) { // ascending j, so each rev[x] comes out sorted
                for (int x : byId[j]) {
                    if (x < j) {
                        rev[x][deg[x]++] = j;
                    }
                }
            }
            return rev;
        }
    }

    @Override
    public NeighbourLists neighbours(int m) {
        return lists.truncate(m);
    }
}
