package dev.ripple.placement.algorithm;

import java.util.function.IntUnaryOperator;

/** Makes, checks and inverts slot -> neuron permutations. */
public final class Permutations {
    private Permutations() {}

    /** Whether {@code order} holds each of {@code 0..n-1} exactly once. */
    public static boolean isPermutation(int[] order, int n) {
        if (order.length != n) {
            return false;
        }
        boolean[] seen = new boolean[n];
        for (int v : order) {
            if (v < 0 || v >= n || seen[v]) {
                return false;
            }
            seen[v] = true;
        }
        return true;
    }

    /** Throws unless {@code order} is a permutation of {@code 0..n-1}, naming the algorithm. */
    public static int[] requirePermutation(String algorithm, int[] order, int n) {
        if (!isPermutation(order, n)) {
            throw new IllegalStateException("placement '" + algorithm + "' produced an order of " + order.length
                    + " slots that is not a permutation of 0.." + (n - 1));
        }
        return order;
    }

    /** {@code slotOf[neuron]} for {@code order[slot] = neuron}. */
    public static int[] inverse(int[] order) {
        int[] inv = new int[order.length];
        for (int s = 0; s < order.length; s++) {
            inv[order[s]] = s;
        }
        return inv;
    }

    /**
     * A uniformly random permutation of {@code 0..n-1} (Fisher-Yates from the top), {@code nextInt}
     * giving a value below its bound: the draws come in a fixed order, so a seeded source gives the
     * same permutation.
     */
    public static int[] random(int n, IntUnaryOperator nextInt) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt.applyAsInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
