package dev.ripple.placement.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.placement.predictor.AheadMoments;
import dev.ripple.placement.predictor.InputMoments;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.ImmutableBitmapDataProvider;
import org.roaringbitmap.RoaringBitmap;

/**
 * A finished trace is shared by placements, evaluation and the writer, so nothing its builder was
 * given and nothing it hands out may change it afterwards.
 */
class ActivationTraceTest {
    private static final TraceInfo INFO = new TraceInfo("m", "c", "act > 0", 2);

    private static ActivationTrace.Builder twoTokens(RoaringBitmap first) {
        return ActivationTrace.builder(INFO, new int[] {8, 4})
                .addPassageStart(0)
                .add(0, first)
                .add(0, RoaringBitmap.bitmapOf(2, 7))
                .add(1, RoaringBitmap.bitmapOf(3))
                .add(1, new RoaringBitmap());
    }

    @Test
    void changingABitmapAfterAddingItLeavesTheTraceAlone() {
        RoaringBitmap recorderScratch = RoaringBitmap.bitmapOf(1, 5);
        ActivationTrace t = twoTokens(recorderScratch).build();
        recorderScratch.add(6);
        recorderScratch.remove(1);
        assertEquals(RoaringBitmap.bitmapOf(1, 5), t.active(0, 0));
    }

    /** A window's union is a new set: the caller may change it, the trace stays as it was. */
    @Test
    void aUnionOfTokensIsTheCallersOwnSet() {
        ActivationTrace t = twoTokens(RoaringBitmap.bitmapOf(1, 5)).build();
        RoaringBitmap both = t.union(0, 0, 2);
        assertEquals(RoaringBitmap.bitmapOf(1, 2, 5, 7), both);
        both.add(0);
        assertEquals(RoaringBitmap.bitmapOf(1, 5), t.active(0, 0));
        assertEquals(new RoaringBitmap(), t.union(1, 1, 1), "an empty window");
        assertThrows(IndexOutOfBoundsException.class, () -> t.union(0, 1, 3));
    }

    @Test
    void theListsItHandsOutCannotBeChanged() {
        ActivationTrace t = twoTokens(RoaringBitmap.bitmapOf(1)).build();
        List<ImmutableBitmapDataProvider> layer = t.layer(0);
        assertThrows(UnsupportedOperationException.class, () -> layer.add(RoaringBitmap.bitmapOf(0)));
        assertThrows(UnsupportedOperationException.class, () -> layer.set(0, RoaringBitmap.bitmapOf(0)));
        assertThrows(UnsupportedOperationException.class, () -> layer.remove(1));
        assertThrows(UnsupportedOperationException.class, layer::clear);
        assertThrows(UnsupportedOperationException.class, () -> t.inputMoments().add(null));
        assertEquals(2, t.tokens(0));
        assertEquals(RoaringBitmap.bitmapOf(1), t.active(0, 0));
    }

    /** Views, not copies: the counting and evaluation loops read every set without allocating. */
    @Test
    void setsAreHandedOutAsReadOnlyViewsWithoutCopying() throws Exception {
        ActivationTrace t = twoTokens(RoaringBitmap.bitmapOf(1)).build();
        assertSame(t.active(0, 1), t.active(0, 1));
        assertSame(t.active(0, 1), t.layer(0).get(1));
        assertSame(t.layer(1), t.layer(1));
        assertEquals(
                ImmutableBitmapDataProvider.class,
                ActivationTrace.class.getMethod("active", int.class, int.class).getReturnType(),
                "the type callers get has no mutators");
    }

    @Test
    void arraysItReturnsAreCopies() {
        float[][] means = {new float[8], new float[4]};
        means[0][2] = 0.5f;
        ActivationTrace t =
                twoTokens(RoaringBitmap.bitmapOf(1)).meanInactive(means).build();
        means[0][2] = 9f; // the builder copied them
        float[][] read = t.meanInactive();
        read[0][2] = 7f;
        read[1] = new float[0];
        assertEquals(0.5f, t.meanInactive()[0][2]);
        assertEquals(4, t.meanInactive()[1].length);

        int[] starts = t.passageStarts();
        starts[0] = 1;
        assertArrayEquals(new int[] {0}, t.passageStarts());
    }

    @Test
    void aBuilderBuildsOneTraceAndCannotAppendToItAfterwards() {
        ActivationTrace.Builder b = twoTokens(RoaringBitmap.bitmapOf(1));
        ActivationTrace t = b.build();
        assertThrows(IllegalStateException.class, () -> b.add(0, RoaringBitmap.bitmapOf(3)));
        assertThrows(IllegalStateException.class, () -> b.addPassageStart(1));
        assertThrows(IllegalStateException.class, b::build);
        assertEquals(2, t.tokens(0));
        assertEquals(1, t.passageStarts().length);
    }

    @Test
    void copiesShareTheSetsAndLeaveTheOriginalAsItWas() {
        ActivationTrace t = twoTokens(RoaringBitmap.bitmapOf(1)).build();
        TraceInfo other = new TraceInfo("m", "c", "|act| > 0.1", 2);
        ActivationTrace renamed = t.withInfo(other);
        assertEquals(other, renamed.info());
        assertEquals(INFO, t.info());
        assertSame(t.active(1, 0), renamed.active(1, 0));

        double[] second = {1, 0, 0, 1};
        List<InputMoments> moments =
                List.of(new InputMoments(2, 1, new double[2], second), new InputMoments(2, 1, new double[2], second));
        ActivationTrace fitted = t.withInputMoments(moments);
        assertEquals(moments, fitted.inputMoments());
        assertTrue(t.inputMoments().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> t.withInputMoments(moments.subList(0, 1)));
    }

    @Test
    void aheadMomentsGoWithTheInputMomentsTheyWereRecordedWith() {
        ActivationTrace t = twoTokens(RoaringBitmap.bitmapOf(1)).build();
        List<AheadMoments> ahead = List.of(TraceFilesTest.ahead(2, 1), TraceFilesTest.ahead(2, 2));
        List<InputMoments> ffn = ahead.stream().map(AheadMoments::ffn).toList();
        assertThrows(IllegalArgumentException.class, () -> t.withAheadMoments(ahead), "no input moments");
        ActivationTrace both = t.withInputMoments(ffn).withAheadMoments(ahead);
        assertEquals(ahead, both.aheadMoments());
        assertEquals(ahead, both.withInfo(new TraceInfo("m", "c", "act > 0", 2)).aheadMoments());
        assertThrows(
                IllegalArgumentException.class,
                () -> t.withInputMoments(List.of(ffn.get(1), ffn.get(0))).withAheadMoments(ahead),
                "FFN sides that are another layer's");
        assertTrue(both.withInputMoments(ffn).aheadMoments().isEmpty(), "new input moments drop them");
        assertTrue(both.withAheadMoments(List.of()).aheadMoments().isEmpty());
        ActivationTrace.Builder b = twoTokens(RoaringBitmap.bitmapOf(1)).aheadMoments(ahead);
        assertThrows(IllegalArgumentException.class, b::build, "built without their input moments");
        assertEquals(ahead, b.inputMoments(ffn).build().aheadMoments(), "the builder is still usable");
    }

    @Test
    void aSplitSharesTheSourceSetsThroughItsBuilders() {
        ActivationTrace t = twoTokens(RoaringBitmap.bitmapOf(1)).build();
        ActivationTrace second = ActivationTrace.builder(INFO, new int[] {8, 4})
                .add(0, t, 1)
                .add(1, t, 1)
                .build();
        assertSame(t.active(0, 1), second.active(0, 0));
        assertEquals(1, second.tokens(1));
    }

    @Test
    void refusesIdsOutsideTheLayerAndPassageStartsThatDoNotIncrease() {
        ActivationTrace.Builder b = ActivationTrace.builder(INFO, new int[] {8});
        assertThrows(IllegalArgumentException.class, () -> b.add(0, RoaringBitmap.bitmapOf(8)));
        assertThrows(IllegalArgumentException.class, () -> b.add(0, RoaringBitmap.bitmapOf(-1)), "id 2^32 - 1");
        b.addPassageStart(3);
        assertThrows(IllegalArgumentException.class, () -> b.addPassageStart(3));
        assertThrows(IllegalArgumentException.class, () -> b.meanInactive(new float[][] {new float[7]}));
        assertEquals(0, b.build().tokens(0));
    }
}
