package dev.ripple.cache;

/**
 * Options of the policies made by {@link CachePolicies#create}. Each policy reads the fields it
 * needs and ignores the others.
 *
 * @param slotFrequencies per layer, per slot profiled activation frequencies (counts or rates) that
 *                        seed "lfu"; nullable (then every slot starts cold)
 * @param windowTokens    k of "window": the union of the last k tokens' active slots is kept, k >= 1
 * @param seed            seed of every random choice a policy makes
 * @param linkingInner    the eviction policy under "linking" ("s3fifo", "lru" or "lfu")
 * @param linkingLongRun  L of "linking": a planned read with L or more missed slots is not admitted (>= 2)
 * @param linkingLongRunAdmitProbability probability of admitting a slot of a long run anyway (Ripple's
 *                        "lower probability"), 0..1
 * @param s3fifoSmallRatio share of the budget in S3-FIFO's small queue, in (0, 1)
 *
 * <p>"linking" has no collapse setting of its own: it judges by the reads the caller planned, which
 * the caller passes with each lookup ({@link BundleCache#lookup(int, int[], int[], int,
 * java.lang.foreign.MemorySegment, boolean[])}), so it cannot disagree with the read planner.
 */
public record PolicyOptions(double[][] slotFrequencies, int windowTokens, long seed, String linkingInner,
                            int linkingLongRun, double linkingLongRunAdmitProbability, double s3fifoSmallRatio) {

    public PolicyOptions {
        if (windowTokens < 1) {
            throw new IllegalArgumentException("windowTokens must be >= 1, was " + windowTokens);
        }
        if (linkingInner == null || linkingInner.equals("linking") || linkingInner.equals("none")) {
            throw new IllegalArgumentException("linkingInner must name an eviction policy (s3fifo, lru, lfu, window), was " + linkingInner);
        }
        if (linkingLongRun < 2) {
            throw new IllegalArgumentException("linkingLongRun must be >= 2, was " + linkingLongRun);
        }
        if (!(linkingLongRunAdmitProbability >= 0 && linkingLongRunAdmitProbability <= 1)) {
            throw new IllegalArgumentException("linkingLongRunAdmitProbability must be in [0, 1], was " + linkingLongRunAdmitProbability);
        }
        if (!(s3fifoSmallRatio > 0 && s3fifoSmallRatio < 1)) {
            throw new IllegalArgumentException("s3fifoSmallRatio must be in (0, 1), was " + s3fifoSmallRatio);
        }
    }

    /** The given frequencies, window and seed; the other fields as in {@link #defaults()}. */
    public PolicyOptions(double[][] slotFrequencies, int windowTokens, long seed) {
        this(slotFrequencies, windowTokens, seed, "s3fifo", 3, 0.0, 0.1);
    }

    /** No frequencies, window 4, seed 42, linking over s3fifo with L = 3 and probability 0, small queue 10%. */
    public static PolicyOptions defaults() {
        return new PolicyOptions(null, 4, 42L, "s3fifo", 3, 0.0, 0.1);
    }

    public PolicyOptions withSlotFrequencies(double[][] frequencies) {
        return new PolicyOptions(frequencies, windowTokens, seed, linkingInner, linkingLongRun, linkingLongRunAdmitProbability, s3fifoSmallRatio);
    }

    /** Profiled counts per layer and slot, converted to doubles. */
    public PolicyOptions withSlotFrequencies(long[][] counts) {
        double[][] f = null;
        if (counts != null) {
            f = new double[counts.length][];
            for (int l = 0; l < counts.length; l++) {
                if (counts[l] != null) {
                    f[l] = new double[counts[l].length];
                    for (int s = 0; s < counts[l].length; s++) {
                        f[l][s] = counts[l][s];
                    }
                }
            }
        }
        return withSlotFrequencies(f);
    }

    public PolicyOptions withWindowTokens(int k) {
        return new PolicyOptions(slotFrequencies, k, seed, linkingInner, linkingLongRun, linkingLongRunAdmitProbability, s3fifoSmallRatio);
    }

    public PolicyOptions withSeed(long s) {
        return new PolicyOptions(slotFrequencies, windowTokens, s, linkingInner, linkingLongRun, linkingLongRunAdmitProbability, s3fifoSmallRatio);
    }

    public PolicyOptions withLinking(String inner, int longRun, double longRunAdmitProbability) {
        return new PolicyOptions(slotFrequencies, windowTokens, seed, inner, longRun, longRunAdmitProbability, s3fifoSmallRatio);
    }

    public PolicyOptions withS3fifoSmallRatio(double ratio) {
        return new PolicyOptions(slotFrequencies, windowTokens, seed, linkingInner, linkingLongRun, linkingLongRunAdmitProbability, ratio);
    }
}
