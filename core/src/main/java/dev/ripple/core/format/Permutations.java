package dev.ripple.core.format;

import java.util.function.IntUnaryOperator;

/** Small helpers for slot ↔ neuron permutations. */
public final class Permutations {
    private Permutations() {}

    public static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }

    /** Inverse of a valid permutation: {@code inverse[p[k]] = k}. */
    public static int[] inverse(int[] p) {
        int[] inv = new int[p.length];
        for (int k = 0; k < p.length; k++) {
            inv[p[k]] = k;
        }
        return inv;
    }

    /** Index of the first value that breaks the permutation property, or -1 when it holds. */
    public static int firstInvalid(int[] p, int n) {
        if (p.length != n) {
            return Math.min(p.length, n);
        }
        boolean[] seen = new boolean[n];
        for (int k = 0; k < n; k++) {
            int v = p[k];
            if (v < 0 || v >= n || seen[v]) {
                return k;
            }
            seen[v] = true;
        }
        return -1;
    }

    /** @throws IllegalArgumentException naming {@code what} when p is not a permutation of 0..n-1 */
    public static void requireValid(int[] p, int n, String what) {
        int bad = firstInvalid(p, n);
        if (bad >= 0) {
            throw new IllegalArgumentException(what + ": not a permutation of 0.." + (n - 1) + " (length " + p.length
                    + ", first bad slot " + bad + ")");
        }
    }

    /**
     * A uniformly random permutation of {@code 0..n-1} (Fisher-Yates from the top), {@code nextInt}
     * giving a value below its bound: the draws come in a fixed order, so a seeded source gives the
     * same permutation.
     */
    public static int[] random(int n, IntUnaryOperator nextInt) {
        int[] order = identity(n);
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt.applyAsInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
