package dev.ripple.placement.stats;

import java.util.Arrays;

/**
 * Keeps the {@code m} best (joint, id) candidates offered for one neuron: higher joint first, ties
 * by smaller id. Offers are O(1) when rejected (the common case: most candidates are weaker than
 * the current minimum), O(m) when accepted; m is small (8-64).
 */
final class TopSelector {
    private final int[] ids;
    private final int[] joints;
    private int size;
    private int worst; // index of the weakest kept entry when full

    TopSelector(int m) {
        ids = new int[m];
        joints = new int[m];
    }

    void offer(int id, int joint) {
        if (joint <= 0 || ids.length == 0) {
            return;
        }
        if (size < ids.length) {
            ids[size] = id;
            joints[size] = joint;
            size++;
            if (size == ids.length) {
                findWorst();
            }
            return;
        }
        if (better(id, joint, ids[worst], joints[worst])) {
            ids[worst] = id;
            joints[worst] = joint;
            findWorst();
        }
    }

    private static boolean better(int id, int joint, int otherId, int otherJoint) {
        return joint > otherJoint || (joint == otherJoint && id < otherId);
    }

    private void findWorst() {
        int w = 0;
        for (int k = 1; k < size; k++) {
            if (better(ids[w], joints[w], ids[k], joints[k])) {
                w = k;
            }
        }
        worst = w;
    }

    /** The kept entries, strongest first: {@code [0]} ids, {@code [1]} joints. */
    int[][] sorted() {
        Integer[] idx = new Integer[size];
        for (int k = 0; k < size; k++) {
            idx[k] = k;
        }
        Arrays.sort(idx, (a, b) -> better(ids[a], joints[a], ids[b], joints[b]) ? -1
                : better(ids[b], joints[b], ids[a], joints[a]) ? 1 : 0);
        int[] outIds = new int[size];
        int[] outJoints = new int[size];
        for (int k = 0; k < size; k++) {
            outIds[k] = ids[idx[k]];
            outJoints[k] = joints[idx[k]];
        }
        return new int[][] {outIds, outJoints};
    }
}
