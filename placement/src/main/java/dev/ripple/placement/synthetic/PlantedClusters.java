package dev.ripple.placement.synthetic;

import dev.ripple.placement.algorithm.Permutations;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Neurons of one layer dealt into clusters that fire together: the co-activation structure both
 * synthetic generators plant. Neuron ids are shuffled first, so a cluster is not a run of
 * neighbouring ids and a placement has to find it; a share of neurons also joins a second,
 * random cluster, so clusters overlap as real ones do.
 *
 * @param shuffle the random permutation of neuron ids the clusters were dealt from
 * @param members per cluster, its neuron ids (no id twice in one cluster)
 */
public record PlantedClusters(int[] shuffle, int[][] members) {

    /**
     * Deals {@code neurons} ids into {@code neurons / clusterSize} clusters (at least one); each
     * neuron joins a second random cluster with probability {@code overlap}. Draws from {@code rnd}
     * in a fixed order, so a seed gives the same clusters.
     */
    public static PlantedClusters deal(SplittableRandom rnd, int neurons, int clusterSize, double overlap) {
        int[] shuffle = Permutations.random(neurons, rnd::nextInt);
        int clusters = Math.max(1, neurons / clusterSize);
        int[] fill = new int[clusters];
        int[] second = new int[neurons];
        for (int k = 0; k < neurons; k++) {
            fill[home(k, clusterSize, clusters)]++;
            second[k] = rnd.nextDouble() < overlap ? rnd.nextInt(clusters) : -1;
            if (second[k] >= 0) {
                fill[second[k]]++;
            }
        }
        int[][] members = new int[clusters][];
        for (int c = 0; c < clusters; c++) {
            members[c] = new int[fill[c]];
            fill[c] = 0;
        }
        for (int k = 0; k < neurons; k++) {
            int c = home(k, clusterSize, clusters);
            members[c][fill[c]++] = shuffle[k];
            if (second[k] >= 0 && second[k] != c) {
                members[second[k]][fill[second[k]]++] = shuffle[k];
            }
        }
        for (int c = 0; c < clusters; c++) {
            members[c] = Arrays.copyOf(members[c], fill[c]);
        }
        return new PlantedClusters(shuffle, members);
    }

    public int clusters() {
        return members.length;
    }

    /** Neuron k of the shuffled order belongs first to cluster k / clusterSize (the last takes the rest). */
    private static int home(int k, int clusterSize, int clusters) {
        return Math.min(clusters - 1, k / clusterSize);
    }
}
