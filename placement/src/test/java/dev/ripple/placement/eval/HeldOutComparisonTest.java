package dev.ripple.placement.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.placement.algorithm.PlacementAlgorithm;
import dev.ripple.placement.algorithm.PlacementAlgorithms;
import dev.ripple.placement.stats.CoActivationCounter;
import dev.ripple.placement.stats.LayerStats;
import dev.ripple.placement.trace.ActivationTrace;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ripple+ <= ripple < frequency, identity in held-out reads per token, on synthetic traces with
 * clusters, overlaps, hot neurons and noise; placement sees only the calibration half.
 */
class HeldOutComparisonTest {

    @Test
    void refinedBeatsGreedyBeatsBaselinesOnHeldOutTokens() {
        for (long seed : new long[] {1, 2}) {
            ActivationTrace trace = SyntheticTraces.generate(SyntheticTraces.Spec.realistic(1024, 6000, seed));
            TraceSplit split = TraceSplit.of(trace, 0.5);
            LayerStats stats = new CoActivationCounter().count(split.calibration(), 0);
            Map<String, LayerEvaluation> byName = new LinkedHashMap<>();
            for (String name : PlacementAlgorithms.names()) {
                PlacementAlgorithm a = PlacementAlgorithms.byName(name);
                byName.put(
                        name,
                        new PlacementEvaluator()
                                .evaluateLayer(0, split.heldOut().layer(0), 1024, a.order(stats)));
            }
            StringBuilder report = new StringBuilder("seed " + seed + ":");
            byName.forEach((k, v) -> report.append(String.format(
                    " %s %.2f (g2 %.2f)",
                    k, v.readsPerToken(), v.collapsed().get(2).readsPerToken())));
            System.out.println(report);
            double plus = byName.get("ripple+").readsPerToken();
            double ripple = byName.get("ripple").readsPerToken();
            assertTrue(plus <= ripple, report.toString());
            assertTrue(ripple < byName.get("frequency").readsPerToken(), report.toString());
            assertTrue(ripple < byName.get("identity").readsPerToken(), report.toString());
        }
    }
}
