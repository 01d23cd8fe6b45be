package dev.ripple.placement.synthetic;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.roaringbitmap.RoaringBitmap;

/**
 * One token's active neurons as the trace generators draw them ({@link SyntheticWorkload} and
 * {@code eval.SyntheticTraces}): a neuron fires at most once per token, and the token's set becomes a
 * bitmap in id order. Each generator decides who may fire; the draws happen here in the order asked.
 */
public final class FiringSet {
    private final boolean[] fired;
    private final int[] ids;
    private int count;

    public FiringSet(int neurons) {
        fired = new boolean[neurons];
        ids = new int[neurons];
    }

    /** Fires each of {@code neurons} not fired yet with probability {@code p} (no draw for one already fired). */
    public void fireEach(int[] neurons, double p, SplittableRandom rnd) {
        for (int v : neurons) {
            if (!fired[v] && rnd.nextDouble() < p) {
                fired[v] = true;
                ids[count++] = v;
            }
        }
    }

    /**
     * Fires every neuron with probability {@code noise}, by geometric skips between the neurons hit:
     * O(noise × n) draws instead of n.
     */
    public void fireNoise(double noise, SplittableRandom rnd) {
        if (noise <= 0) {
            return;
        }
        double logMiss = Math.log1p(-noise);
        for (long v = skip(rnd, logMiss); v < fired.length; v += 1 + skip(rnd, logMiss)) {
            if (!fired[(int) v]) {
                fired[(int) v] = true;
                ids[count++] = (int) v;
            }
        }
    }

    /** The fired neurons as a bitmap; the set is empty again afterwards. */
    public RoaringBitmap take() {
        Arrays.sort(ids, 0, count);
        RoaringBitmap b = new RoaringBitmap();
        b.addN(ids, 0, count);
        for (int k = 0; k < count; k++) {
            fired[ids[k]] = false;
        }
        count = 0;
        b.runOptimize();
        return b;
    }

    private static long skip(SplittableRandom rnd, double logMiss) {
        return (long) Math.floor(Math.log(1 - rnd.nextDouble()) / logMiss);
    }
}
