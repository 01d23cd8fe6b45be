package dev.ripple.placement.algorithm;

import java.util.function.IntUnaryOperator;

/**
 * Makes, checks and inverts slot -> neuron permutations: the placement algorithms' view of core's
 * {@link dev.ripple.core.format.Permutations}, with the error a placement that breaks one raises.
 */
public final class Permutations {
    private Permutations() {}

    /** Whether {@code order} holds each of {@code 0..n-1} exactly once. */
    public static boolean isPermutation(int[] order, int n) {
        return dev.ripple.core.format.Permutations.firstInvalid(order, n) < 0;
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
        return dev.ripple.core.format.Permutations.inverse(order);
    }

    /** A uniformly random permutation of {@code 0..n-1}; see core's {@code Permutations.random}. */
    public static int[] random(int n, IntUnaryOperator nextInt) {
        return dev.ripple.core.format.Permutations.random(n, nextInt);
    }
}
