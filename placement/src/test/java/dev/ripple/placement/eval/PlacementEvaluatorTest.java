package dev.ripple.placement.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ripple.placement.trace.ActivationTrace;
import dev.ripple.placement.trace.TraceInfo;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

class PlacementEvaluatorTest {

    /**
     * Layer 0, 6 neurons, order [5 0 1 2 3 4] (neuron 5 in slot 0, neuron k in slot k+1).
     * token A: neurons {0,1,3} -> slots {1,2,4}: 2 runs; gap 1 -> 1 read, 1 extra
     * token B: neurons {5,4}   -> slots {0,5}:   2 runs; gap 1 -> 2 reads, 0 extra; gap 4 -> 1 read, 4 extra
     * token C: {}              -> 0 reads
     * Layer 1, 3 neurons, identity; token {0,2}: 2 runs, gap 1 -> 1 read 1 extra; tokens {} and {1}.
     */
    @Test
    void figuresByHand() {
        ActivationTrace t = ActivationTrace.builder(new TraceInfo("m", "c", "r", 3), new int[] {6, 3})
                .add(0, RoaringBitmap.bitmapOf(0, 1, 3))
                .add(0, RoaringBitmap.bitmapOf(4, 5))
                .add(0, new RoaringBitmap())
                .add(1, RoaringBitmap.bitmapOf(0, 2))
                .add(1, new RoaringBitmap())
                .add(1, RoaringBitmap.bitmapOf(1))
                .build();
        PlacementEvaluation e =
                new PlacementEvaluator(0, 1, 4).evaluate(t, new int[][] {{5, 0, 1, 2, 3, 4}, {0, 1, 2}});

        LayerEvaluation l0 = e.layers().get(0);
        assertEquals(0, l0.layer());
        assertEquals(5 / 3.0, l0.activePerToken(), 1e-12);
        assertEquals(4 / 3.0, l0.readsPerToken(), 1e-12);
        assertEquals(new CollapseFigure(0, 4 / 3.0, 0), l0.collapsed().get(0));
        assertEquals(3 / 3.0, l0.collapsed().get(1).readsPerToken(), 1e-12);
        assertEquals(1 / 5.0, l0.collapsed().get(1).extraBytesFraction(), 1e-12);
        assertEquals(2 / 3.0, l0.collapsed().get(2).readsPerToken(), 1e-12);
        assertEquals((1 + 4) / 5.0, l0.collapsed().get(2).extraBytesFraction(), 1e-12);

        LayerEvaluation l1 = e.layers().get(1);
        assertEquals(1.0, l1.activePerToken(), 1e-12);
        assertEquals(1.0, l1.readsPerToken(), 1e-12);
        assertEquals(2 / 3.0, l1.collapsed().get(1).readsPerToken(), 1e-12);
        assertEquals(1 / 3.0, l1.collapsed().get(1).extraBytesFraction(), 1e-12);

        // overall: 6 token-layers, 8 active, 7 reads; gap 1: 5 reads, 2 extra; gap 4: 4 reads, 6 extra
        assertEquals(8 / 6.0, e.overall().activePerToken(), 1e-12);
        assertEquals(7 / 6.0, e.overall().readsPerToken(), 1e-12);
        assertEquals(5 / 6.0, e.overall().collapsed().get(1).readsPerToken(), 1e-12);
        assertEquals(2 / 8.0, e.overall().collapsed().get(1).extraBytesFraction(), 1e-12);
        assertEquals(4 / 6.0, e.overall().collapsed().get(2).readsPerToken(), 1e-12);
        assertEquals(6 / 8.0, e.overall().collapsed().get(2).extraBytesFraction(), 1e-12);
    }

    @Test
    void defaultGapsAre0_1_2_4_8() {
        ActivationTrace t = ActivationTrace.builder(new TraceInfo("m", "c", "r", 1), new int[] {4})
                .add(0, RoaringBitmap.bitmapOf(0, 3))
                .build();
        PlacementEvaluation e = new PlacementEvaluator().evaluate(t, new int[][] {{0, 1, 2, 3}});
        assertEquals(
                List.of(0, 1, 2, 4, 8),
                e.overall().collapsed().stream().map(CollapseFigure::gap).toList());
        assertEquals(2.0, e.overall().collapsed().get(1).readsPerToken());
        assertEquals(1.0, e.overall().collapsed().get(2).readsPerToken());
        assertEquals(1.0, e.overall().collapsed().get(2).extraBytesFraction()); // 2 extra / 2 needed
    }

    @Test
    void recordNamesAreTheJsonNames() {
        assertEquals(List.of("overall", "layers"), names(PlacementEvaluation.class));
        assertEquals(List.of("activePerToken", "readsPerToken", "collapsed"), names(OverallEvaluation.class));
        assertEquals(List.of("layer", "activePerToken", "readsPerToken", "collapsed"), names(LayerEvaluation.class));
        assertEquals(List.of("gap", "readsPerToken", "extraBytesFraction"), names(CollapseFigure.class));
    }

    @Test
    void rejectsAnOrderThatIsNotAPermutation() {
        ActivationTrace t = ActivationTrace.builder(new TraceInfo("m", "c", "r", 1), new int[] {3})
                .add(0, RoaringBitmap.bitmapOf(0))
                .build();
        assertThrows(
                IllegalArgumentException.class, () -> new PlacementEvaluator().evaluate(t, new int[][] {{0, 0, 2}}));
    }

    private static List<String> names(Class<?> record) {
        return Arrays.stream(record.getRecordComponents())
                .map(RecordComponent::getName)
                .toList();
    }
}
