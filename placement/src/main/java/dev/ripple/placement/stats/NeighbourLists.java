package dev.ripple.placement.stats;

import java.util.Arrays;

/**
 * Per neuron, a short list of partners with their exact joint counts, ranked by excess
 * co-activation {@code f(i,j)·T − f(i)·f(j)} (ties by smaller id); partners that co-fire no more
 * than chance are left out. The excess, not the raw count, because hot neurons co-fire with
 * everyone and would otherwise fill every list. Stored compressed-row style so that 16,384 neurons x 64 partners cost 8 MiB, not 16,384
 * objects.
 */
public final class NeighbourLists {
    private final int[] offsets;
    private final int[] ids;
    private final int[] joints;

    NeighbourLists(int[] offsets, int[] ids, int[] joints) {
        this.offsets = offsets;
        this.ids = ids;
        this.joints = joints;
    }

    /** Builds lists from per-neuron arrays already ranked. */
    static NeighbourLists of(int[][] idsPerNeuron, int[][] jointsPerNeuron) {
        int n = idsPerNeuron.length;
        int[] offsets = new int[n + 1];
        for (int i = 0; i < n; i++) {
            offsets[i + 1] = offsets[i] + idsPerNeuron[i].length;
        }
        int[] ids = new int[offsets[n]];
        int[] joints = new int[offsets[n]];
        for (int i = 0; i < n; i++) {
            System.arraycopy(idsPerNeuron[i], 0, ids, offsets[i], idsPerNeuron[i].length);
            System.arraycopy(jointsPerNeuron[i], 0, joints, offsets[i], jointsPerNeuron[i].length);
        }
        return new NeighbourLists(offsets, ids, joints);
    }

    public int neurons() {
        return offsets.length - 1;
    }

    /** Number of partners listed for neuron {@code i}. */
    public int size(int i) {
        return offsets[i + 1] - offsets[i];
    }

    /** The {@code k}-th partner of {@code i} in rank order. */
    public int id(int i, int k) {
        return ids[offsets[i] + k];
    }

    /** The joint count {@code f(i, id(i,k))}. */
    public int joint(int i, int k) {
        return joints[offsets[i] + k];
    }

    /** The partners of {@code i} in rank order (a copy). */
    public int[] ids(int i) {
        return Arrays.copyOfRange(ids, offsets[i], offsets[i + 1]);
    }

    /** Keeps the first {@code m} partners per neuron. */
    public NeighbourLists truncate(int m) {
        int n = neurons();
        int[][] id = new int[n][];
        int[][] jt = new int[n][];
        for (int i = 0; i < n; i++) {
            int len = Math.min(m, size(i));
            id[i] = Arrays.copyOfRange(ids, offsets[i], offsets[i] + len);
            jt[i] = Arrays.copyOfRange(joints, offsets[i], offsets[i] + len);
        }
        return of(id, jt);
    }
}
