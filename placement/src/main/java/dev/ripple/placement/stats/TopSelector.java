package dev.ripple.placement.stats;

import java.util.Arrays;

/**
 * Keeps the {@code m} best partners offered for one neuron, ranked by excess co-activation
 * {@code f(i,j)·T − f(i)·f(j)} (how much more often than independence predicts they fire
 * together; an exact long), ties by smaller id. Ranking by the raw count would fill every list
 * with the hot neurons, which co-fire with everything because they fire often, not because they
 * belong together. Offers are O(1) when rejected (the common case), O(m) when accepted.
 */
final class TopSelector {
    private final int[] ids;
    private final int[] joints;
    private final long[] scores;
    private int size;
    private int worst; // index of the weakest kept entry when full

    TopSelector(int m) {
        ids = new int[m];
        joints = new int[m];
        scores = new long[m];
    }

    /** The ranking score of a pair: joint count times tokens minus the product of the counts. */
    static long excess(int joint, long tokens, int countI, int countJ) {
        return joint * tokens - (long) countI * countJ;
    }

    /** Offers partner {@code id}; pairs that never co-fired or co-fire no more than chance are ignored. */
    void offer(int id, int joint, long score) {
        if (joint <= 0 || score <= 0 || ids.length == 0) {
            return;
        }
        if (size < ids.length) {
            ids[size] = id;
            joints[size] = joint;
            scores[size] = score;
            size++;
            if (size == ids.length) {
                findWorst();
            }
            return;
        }
        if (score > scores[worst] || (score == scores[worst] && id < ids[worst])) {
            ids[worst] = id;
            joints[worst] = joint;
            scores[worst] = score;
            findWorst();
        }
    }

    private boolean better(int a, int b) {
        return scores[a] > scores[b] || (scores[a] == scores[b] && ids[a] < ids[b]);
    }

    private void findWorst() {
        int w = 0;
        for (int k = 1; k < size; k++) {
            if (better(w, k)) {
                w = k;
            }
        }
        worst = w;
    }

    /** The kept entries, best first: {@code [0]} ids, {@code [1]} joints. */
    int[][] sorted() {
        Integer[] idx = new Integer[size];
        for (int k = 0; k < size; k++) {
            idx[k] = k;
        }
        Arrays.sort(idx, (a, b) -> better(a, b) ? -1 : better(b, a) ? 1 : 0);
        int[] outIds = new int[size];
        int[] outJoints = new int[size];
        for (int k = 0; k < size; k++) {
            outIds[k] = ids[idx[k]];
            outJoints[k] = joints[idx[k]];
        }
        return new int[][] {outIds, outJoints};
    }
}
