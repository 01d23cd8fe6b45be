package dev.ripple.placement.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.placement.algorithm.Permutations;
import dev.ripple.placement.algorithm.PlacementAlgorithms;
import dev.ripple.placement.stats.CoActivationCounter;
import dev.ripple.placement.trace.ActivationTrace;
import dev.ripple.placement.trace.TraceInfo;
import org.junit.jupiter.api.Test;

class TraceSplitAndSyntheticTest {

    @Test
    void splitIsDisjointAndKeepsTokenOrder() {
        ActivationTrace t = SyntheticTraces.generate(
                SyntheticTraces.Spec.realistic(256, 101, 3).withLayers(2));
        TraceSplit s = TraceSplit.of(t, 0.5);
        for (int l = 0; l < 2; l++) {
            assertEquals(51, s.calibration().tokens(l));
            assertEquals(50, s.heldOut().tokens(l));
            assertSame(t.active(l, 0), s.calibration().active(l, 0));
            assertSame(t.active(l, 51), s.heldOut().active(l, 0));
        }
        assertEquals(51, s.calibration().info().tokens());
        assertTrue(s.heldOut().info().corpus().contains("held-out tokens 51..100"));
        assertThrows(IllegalArgumentException.class, () -> TraceSplit.of(t, 1.0));

        TraceInfo ofCheckpoint = new TraceInfo("m", "c", "act > 0", 101, "/models/opt");
        TraceSplit parts = TraceSplit.of(t.withInfo(ofCheckpoint), 0.5);
        assertEquals("/models/opt", parts.calibration().info().checkpoint(), "both parts keep the checkpoint");
        assertEquals("/models/opt", parts.heldOut().info().checkpoint());
    }

    @Test
    void syntheticTracesAreDeterministicWithAboutFivePercentActivity() {
        ActivationTrace a = SyntheticTraces.generate(SyntheticTraces.Spec.realistic(2048, 500, 9));
        ActivationTrace b = SyntheticTraces.generate(SyntheticTraces.Spec.realistic(2048, 500, 9));
        long active = 0;
        for (int t = 0; t < 500; t++) {
            assertEquals(a.active(0, t), b.active(0, t));
            active += a.active(0, t).getCardinality();
        }
        double activity = active / 500.0 / 2048;
        assertTrue(activity > 0.03 && activity < 0.08, "activity " + activity);
    }

    @Test
    void placeAllAndEvaluateEveryLayer() {
        ActivationTrace t = SyntheticTraces.generate(
                SyntheticTraces.Spec.realistic(300, 400, 4).withLayers(3));
        TraceSplit s = TraceSplit.of(t, 0.5);
        int[][] orders = PlacementAlgorithms.placeAll(
                s.calibration(), PlacementAlgorithms.byName("ripple"), new CoActivationCounter());
        assertEquals(3, orders.length);
        for (int[] o : orders) {
            assertTrue(Permutations.isPermutation(o, 300));
        }
        PlacementEvaluation e = new PlacementEvaluator().evaluate(s.heldOut(), orders);
        assertEquals(3, e.layers().size());
        double meanReads = e.layers().stream()
                .mapToDouble(LayerEvaluation::readsPerToken)
                .average()
                .orElseThrow();
        assertEquals(meanReads, e.overall().readsPerToken(), 1e-9); // equal token counts per layer
        assertEquals(2, e.layers().get(2).layer());
    }
}
