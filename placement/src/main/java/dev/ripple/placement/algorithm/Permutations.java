package dev.ripple.placement.algorithm;

/** Checks and inverts slot -> neuron permutations. */
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
}
