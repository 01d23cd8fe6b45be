package dev.ripple.placement.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.placement.algorithm.PlacementAlgorithms;
import dev.ripple.placement.profile.ProfileResult;
import dev.ripple.placement.trace.ActivationTrace;
import dev.ripple.placement.trace.TraceInfo;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

/** Records holding arrays print a summary (counts, first ids), not {@code [I@...} nor every neuron. */
class ResultSummariesTest {
    @Test
    void aPlacementShowsItsAlgorithmLayersAndTheStartOfAnOrder() {
        Placement p = new Placement("ripple+", new int[][] {{4, 0, 3, 1, 2, 5, 6}, {0, 1}}, null);
        assertEquals(
                "Placement[algorithm=ripple+, layers=2, layer 0 order=7 [4, 0, 3, 1, 2, ...], heldOut=none]",
                p.toString());
    }

    @Test
    void aProfileResultShowsItsCountsAndRule() {
        ActivationTrace trace = ActivationTrace.builder(new TraceInfo("m", "t", "act > 0", 0), new int[] {4, 4})
                .build();
        ProfileResult r = new ProfileResult(
                trace,
                new double[] {0.25, 0.75},
                new double[0],
                new float[2][4],
                new float[2][4],
                List.of(),
                12,
                3,
                ProfileResult.Cut.NONE);
        assertEquals(
                "ProfileResult[tokens=12, passages=3, layers=2, rule=act > 0, meanActiveFraction=0.5000,"
                        + " inputMoments=0 layers]",
                r.toString());
    }

    /**
     * A request prints what it holds: its trace as a summary and its algorithms by name, where it
     * printed {@code ActivationTrace@726386ed} and {@code RefinedPathPlacement@649f2009}.
     */
    @Test
    void aRequestShowsItsTraceAndAlgorithmsByName() {
        ActivationTrace.Builder b =
                ActivationTrace.builder(new TraceInfo("m.ripple", "my text", "act > 0", 0), new int[] {4, 4});
        b.addPassageStart(0);
        for (int t = 0; t < 3; t++) {
            b.add(0, RoaringBitmap.bitmapOf(t));
            b.add(1, RoaringBitmap.bitmapOf(t + 1));
        }
        ActivationTrace trace = b.build();
        assertEquals(
                "ActivationTrace[model=m.ripple, corpus=my text, rule=act > 0, layers=2, neurons=4, tokens=3,"
                        + " passages=1]",
                trace.toString());
        String request = PlacementRequest.of(Path.of("m"), trace, Path.of("out.ripple"))
                .withAlgorithms(PlacementAlgorithms.all())
                .toString();
        assertTrue(request.contains("calibration=" + trace), request);
        assertTrue(request.contains("algorithms=[identity, frequency, ripple, ripple+ RefinedPathOptions["), request);
    }
}
