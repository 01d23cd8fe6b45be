package dev.ripple.placement.algorithm;

import dev.ripple.placement.stats.LayerStats;
import dev.ripple.placement.stats.NeighbourLists;
import java.util.List;

/**
 * Concatenates greedy chains by affinity across the junction instead of by weight alone: after
 * the path built so far, append the chain (in the orientation) whose first {@code D} neurons
 * score highest with the path's last {@code D} neurons under the distance weights, so a collapse
 * gap spanning the junction still finds co-active neurons. Candidates are the chains holding a
 * strong partner of the tail; if none scores, the next chain in {@code ripple}'s order is taken.
 */
final class ChainLinker {
    private ChainLinker() {}

    static int[] link(List<int[]> chains, LayerStats stats, NeighbourLists partners, int[] weights) {
        int n = stats.neurons();
        int[] fallback = GreedyPathPlacement.concatenate(chains, stats); // ripple's order
        int[] chainOf = new int[n];
        for (int c = 0; c < chains.size(); c++) {
            for (int v : chains.get(c)) {
                chainOf[v] = c;
            }
        }
        boolean[] used = new boolean[chains.size()];
        int[] order = new int[n];
        int len = 0;
        int next = 0; // position in fallback
        int reach = weights.length;
        while (len < n) {
            int pick = -1;
            boolean pickReversed = false;
            long pickScore = 0;
            if (len > 0) {
                for (int t = Math.max(0, len - reach); t < len; t++) {
                    int tail = order[t];
                    for (int k = 0; k < partners.size(tail); k++) {
                        int c = chainOf[partners.id(tail, k)];
                        if (used[c]) {
                            continue;
                        }
                        for (int r = 0; r < 2; r++) {
                            long s = junctionScore(order, len, chains.get(c), r == 1, stats, weights);
                            if (s > pickScore || (s == pickScore && s > 0 && (c < pick || (c == pick && r == 0)))) {
                                pick = c;
                                pickReversed = r == 1;
                                pickScore = s;
                            }
                        }
                    }
                }
            }
            if (pick < 0) {
                while (used[chainOf[fallback[next]]]) {
                    next++;
                }
                pick = chainOf[fallback[next]];
                int[] ch = chains.get(pick);
                pickReversed = ch.length > 1 && ch[0] != fallback[next];
            }
            used[pick] = true;
            int[] ch = chains.get(pick);
            for (int k = 0; k < ch.length; k++) {
                order[len++] = pickReversed ? ch[ch.length - 1 - k] : ch[k];
            }
        }
        return order;
    }

    private static long junctionScore(
            int[] order, int len, int[] chain, boolean reversed, LayerStats stats, int[] weights) {
        long s = 0;
        int reach = weights.length;
        for (int t = Math.max(0, len - reach); t < len; t++) {
            for (int k = 0; k < Math.min(reach, chain.length); k++) {
                int d = len - t + k;
                if (d <= reach) {
                    int v = reversed ? chain[chain.length - 1 - k] : chain[k];
                    s += (long) weights[d - 1] * stats.joint(order[t], v);
                }
            }
        }
        return s;
    }
}
