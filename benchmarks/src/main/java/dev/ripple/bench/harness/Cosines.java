package dev.ripple.bench.harness;

import java.util.Arrays;

/** Cosine similarity of embeddings and the summary the reports print: mean, 5th percentile, min. */
public record Cosines(double mean, double p5, double min, int count) {

    public static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(Math.max(na * nb, 1e-300));
    }

    public static Cosines of(double[] values) {
        if (values.length == 0) {
            return new Cosines(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double[] s = values.clone();
        Arrays.sort(s);
        double sum = 0;
        for (double v : s) {
            sum += v;
        }
        return new Cosines(sum / s.length, Percentiles.rank(s, 0.05), s[0], s.length);
    }
}
