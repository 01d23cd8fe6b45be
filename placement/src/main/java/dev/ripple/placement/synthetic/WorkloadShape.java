package dev.ripple.placement.synthetic;

import dev.ripple.placement.algorithm.PlacementAlgorithms;
import dev.ripple.placement.eval.PlacementEvaluator;
import dev.ripple.placement.stats.CoActivationCounter;
import dev.ripple.placement.trace.ActivationTrace;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.roaringbitmap.ImmutableBitmapDataProvider;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * What a synthetic workload's activity looks like, next to the figures the papers report for ReLU
 * models, so a workload can be checked against them before any I/O is measured:
 * the share of neurons active per token (Ripple: 3-10% for OPT), the mean read length in bundles
 * under each placement without collapse (Ripple v3 on OPT-6.7B: 1.06 in the original order, 1.34
 * by frequency, 3.12 on the co-activation path), the share of a token's active neurons that were
 * active in one of the previous five tokens (the sliding window of LLM in a flash, which loads 2.4%
 * of OPT-6.7B's neurons per token where about 10% are predicted active), and the share of all
 * activations carried by the hottest 10% of neurons (PowerInfer's power law).
 *
 * @param activeFraction     active neurons per token and layer over neurons, on the held-out stream
 * @param meanReadLength     placement name → active bundles per contiguous read, held-out, placed on
 *                           the calibration stream
 * @param windowReuse        share of a token's active neurons active in one of the previous 5 tokens
 * @param hottestTenthShare  share of activations carried by the hottest 10% of neurons (calibration)
 */
public record WorkloadShape(
        double activeFraction, Map<String, Double> meanReadLength, double windowReuse, double hottestTenthShare) {

    /** Window of LLM in a flash for OPT (k = 5 tokens). */
    public static final int WINDOW = 5;

    /** Measures a workload's traces; placement with every algorithm on the calibration stream. */
    public static WorkloadShape of(ActivationTrace calibration, ActivationTrace heldOut) {
        CoActivationCounter counter = new CoActivationCounter();
        PlacementEvaluator evaluator = new PlacementEvaluator(0);
        Map<String, Double> lengths = new LinkedHashMap<>();
        double active = 0;
        for (String name : PlacementAlgorithms.names()) {
            int[][] orders = PlacementAlgorithms.placeAll(calibration, PlacementAlgorithms.byName(name), counter);
            var overall = evaluator.evaluate(heldOut, orders).overall();
            lengths.put(name, overall.activePerToken() / overall.readsPerToken());
            active = overall.activePerToken();
        }
        int neurons = 0;
        for (int l = 0; l < heldOut.layers(); l++) {
            neurons += heldOut.neurons(l);
        }
        return new WorkloadShape(
                active * heldOut.layers() / neurons, lengths, windowReuse(heldOut), hottestTenth(calibration));
    }

    /** Generates both streams of {@code spec} and measures them. */
    public static WorkloadShape of(SyntheticWorkload.Spec spec) {
        return of(
                SyntheticWorkload.trace(spec, 0, spec.calibrationTokens()),
                SyntheticWorkload.trace(spec, 1, spec.heldOutTokens()));
    }

    private static double windowReuse(ActivationTrace t) {
        long reused = 0;
        long total = 0;
        for (int l = 0; l < t.layers(); l++) {
            List<ImmutableBitmapDataProvider> tokens = t.layer(l);
            for (int i = WINDOW; i < tokens.size(); i++) {
                RoaringBitmap window = t.union(l, i - WINDOW, i);
                for (IntIterator it = tokens.get(i).getIntIterator(); it.hasNext(); ) {
                    reused += window.contains(it.next()) ? 1 : 0;
                }
                total += tokens.get(i).getCardinality();
            }
        }
        return total == 0 ? 0 : (double) reused / total;
    }

    private static double hottestTenth(ActivationTrace t) {
        double share = 0;
        for (int l = 0; l < t.layers(); l++) {
            long[] counts = new long[t.neurons(l)];
            long sum = 0;
            for (ImmutableBitmapDataProvider b : t.layer(l)) {
                b.forEach((int v) -> counts[v]++);
                sum += b.getCardinality();
            }
            Arrays.sort(counts);
            long top = 0;
            for (int i = counts.length - counts.length / 10; i < counts.length; i++) {
                top += counts[i];
            }
            share += sum == 0 ? 0 : (double) top / sum;
        }
        return share / t.layers();
    }

    /** The figures beside the papers' ones, one line each. */
    public String describe() {
        StringBuilder s = new StringBuilder();
        s.append(String.format("active per token: %.1f%% of neurons (Ripple: 3-10%% for OPT)%n", 100 * activeFraction));
        s.append("mean read length, bundles (Ripple v3, OPT-6.7B: identity 1.06, frequency 1.34, ripple 3.12):");
        meanReadLength.forEach((k, v) -> s.append(String.format(" %s %.2f", k, v)));
        s.append(String.format(
                "%nactive in one of the previous %d tokens: %.0f%% of a token's active neurons (LLM in a flash, "
                        + "OPT-6.7B: window k = 5 loads 2.4%% of neurons where ~10%% are predicted active)%n",
                WINDOW, 100 * windowReuse));
        s.append(String.format(
                "hottest 10%% of neurons: %.0f%% of activations (PowerInfer: a power law, hot neurons carry most)",
                100 * hottestTenthShare));
        return s.toString();
    }
}
