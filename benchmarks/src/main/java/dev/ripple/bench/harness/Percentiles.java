package dev.ripple.bench.harness;

import java.util.Arrays;

/**
 * Mean and nearest-rank percentiles of a sample: how the harness reports every per-token figure
 * (MELT's lesson: distributions, not single means).
 */
public record Percentiles(double mean, double p50, double p90, double p99) {

    public static final Percentiles EMPTY = new Percentiles(Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    public static Percentiles of(double[] values) {
        if (values.length == 0) {
            return EMPTY;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        double sum = 0;
        for (double v : s) {
            sum += v;
        }
        return new Percentiles(sum / s.length, rank(s, 0.50), rank(s, 0.90), rank(s, 0.99));
    }

    /**
     * The median as the mean of the two middle values for an even count (not {@link #p50}'s nearest
     * rank): for a handful of rounds or repeats, where the rank would pick one of the two.
     */
    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** Nearest-rank percentile: the smallest value with at least q of the sample at or below it. */
    static double rank(double[] sorted, double q) {
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
