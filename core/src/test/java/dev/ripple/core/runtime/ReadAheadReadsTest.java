package dev.ripple.core.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ripple.core.format.FfnLayerSection;
import dev.ripple.core.model.TokenStats;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.RandomModelFile;
import dev.ripple.core.testing.RandomModels;
import dev.ripple.io.Extent;
import dev.ripple.io.ReadPlanner;
import dev.ripple.io.reader.ReaderKind;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a decode step's FFN call reads after its read-ahead: nothing the read-ahead holds, whether
 * the read-ahead asked for a bundle or read it through a collapsed gap, and its own misses planned
 * alone rather than inside a planned read with the read-ahead's bundles. Before, both were read
 * again, which on co-activation placements (long collapsed runs) doubled the bytes per token
 * (PERFORMANCE.md §17(b)). The output is the same model's without read-ahead, bit for bit.
 */
class ReadAheadReadsTest {
    private static final int D = 32;
    private static final int N = 200;

    @RegisterExtension
    static final RandomModelFile MODEL = new RandomModelFile(2024, 1, D, N, Activation.GELU, true, DType.F32);

    /** Slots the read-ahead asks for: one read when gaps of up to four bundles collapse. */
    private static final int[] AHEAD = {10, 14, 18};

    /** Needed slots inside the read-ahead's read, two of them in its gaps: the call reads nothing. */
    @Test
    void bundlesReadThroughTheReadAheadsGapsAreNotReadAgain() throws Exception {
        Reads r = run(new int[] {12, 14, 16});
        assertEquals(List.of(List.of(r.bundles(10, 9))), r.requests, "the read-ahead's one read, nothing after");
        assertEquals(1, r.step.readOps());
        assertEquals(9L * r.bundleBytes(), r.step.bytesRead());
        assertEquals(3L * r.bundleBytes(), r.step.bytesNeeded());
    }

    /**
     * A miss next to bundles the read-ahead holds is read alone, not in a read with them, though the
     * plan over all needed bundles puts them in one read.
     */
    @Test
    void aMissBesideTheReadAheadsBundlesIsReadAlone() throws Exception {
        Reads r = run(new int[] {16, 18, 21});
        assertEquals(List.of(List.of(r.bundles(10, 9)), List.of(r.bundles(21, 1))), r.requests);
        assertEquals(2, r.step.readOps());
        assertEquals(10L * r.bundleBytes(), r.step.bytesRead());
    }

    /** Misses far apart and beside each other are planned among themselves: collapsed where near. */
    @Test
    void theMissesArePlannedAmongThemselves() throws Exception {
        Reads r = run(new int[] {18, 22, 25, 60});
        assertEquals(List.of(List.of(r.bundles(10, 9)), List.of(r.bundles(22, 4), r.bundles(60, 1))), r.requests);
        assertEquals(3, r.step.readOps());
    }

    /**
     * Random read-ahead and needed sets, slot 0 and the layer's last slot often among them, through
     * the positional reader and the direct one (whose reads are widened to 4 KiB blocks, so partial
     * bundles sit at their edges: this model's bundles do not divide 4 KiB), gaps of 0 to 30
     * bundles: the output is the model's without read-ahead, the step's operations and bytes are
     * those of its requests, and the FFN call's requests are exactly the run's planner's plan of
     * the needed bundles not whole inside the read-ahead's reads.
     */
    @ParameterizedTest(name = "{0}, gaps of {1} bundles")
    @CsvSource({"POSITIONAL, 0", "POSITIONAL, 4", "DIRECT, 4", "DIRECT, 30"})
    void theCallReadsThePlanOfWhatTheReadAheadDoesNotHold(ReaderKind reader, int gapBundles) throws Exception {
        int bundleBytes = MODEL.contents().layers().getFirst().weights().spec().bundleBytes();
        RuntimeOptions options =
                RippleModelTest.predictedOnly(reader, "none", 0).withMaxGapBytes((long) gapBundles * bundleBytes);
        SlotPredictor predictor = new SlotPredictor(slotToNeuron(), new int[0], new int[0]);
        List<RecordingReader> readers = Collections.synchronizedList(new ArrayList<>());
        Random rnd = new Random(gapBundles * 31L + reader.ordinal());
        try (RippleModel plain = RippleModel.open(MODEL.path(), options, predictor, null);
                RippleModel m = RippleModel.open(MODEL.path(), options, predictor, null, (p, qd) -> {
                    RecordingReader r = new RecordingReader(reader.open(p, qd));
                    readers.add(r);
                    return r;
                })) {
            FfnLayerSection section = m.ffn(0).section();
            ReadPlanner planner = RippleModel.plannerFor(options, Files.size(MODEL.path()));
            RecordingReader recorded = readers.getFirst();
            for (int t = 0; t < 60; t++) {
                predictor.ahead = SlotPredictor.randomSlots(rnd, N);
                predictor.needed = SlotPredictor.randomSlots(rnd, N);
                float[] x = RandomModels.randomFloats(rnd, D, 1f);
                x[0] = 0f;
                float[] layerInput = x.clone();
                layerInput[0] = 1f;
                float[] expected = new float[D];
                float[] out = new float[D];
                plain.ffn(0).forward(x, expected);
                recorded.requests.clear();
                m.prefetch(0, layerInput);
                TokenStats step = m.ffn(0).forward(x, out);
                String what = "token " + t + ": ahead " + Arrays.toString(predictor.ahead) + ", needed "
                        + Arrays.toString(predictor.needed);
                assertArrayEquals(expected, out, what);
                List<List<Extent>> requests = recorded.requestsOf(step, what);
                List<Extent> aheadReads = requests.getFirst();
                List<Extent> left = new ArrayList<>();
                for (int slot : predictor.needed) {
                    long at = section.bundleOffset(slot);
                    if (aheadReads.stream()
                            .noneMatch(e -> e.offset() <= at && at + bundleBytes <= e.offset() + e.length())) {
                        left.add(new Extent(at, bundleBytes));
                    }
                }
                List<List<Extent>> expectedRequests = new ArrayList<>(List.of(aheadReads));
                if (!left.isEmpty()) {
                    expectedRequests.add(planner.plan(left).reads());
                }
                assertEquals(expectedRequests, requests, what);
            }
        }
    }

    /**
     * A read-ahead whose own code fails (here its predictor) fails the FFN call that waited for it,
     * rather than being dropped as a failed read is (the call then reads as usual); the next token,
     * without a read-ahead, is exact.
     */
    @Test
    void aFaultInTheReadAheadIsNotHidden() throws Exception {
        SlotPredictor predictor = new SlotPredictor(slotToNeuron(), null, new int[] {3, 9}); // null: predict throws
        RuntimeOptions options = RippleModelTest.predictedOnly(ReaderKind.POSITIONAL, "none", 0);
        try (RippleModel m = RippleModel.open(MODEL.path(), options, predictor, null);
                RippleModel plain = RippleModel.open(MODEL.path(), options, predictor, null)) {
            float[] x = RandomModels.randomFloats(new Random(4), D, 1f);
            x[0] = 0f;
            float[] layerInput = x.clone();
            layerInput[0] = 1f;
            m.prefetch(0, layerInput);
            assertThrows(NullPointerException.class, () -> m.ffn(0).forward(x, new float[D]));
            float[] expected = new float[D];
            float[] out = new float[D];
            plain.ffn(0).forward(x, expected);
            m.ffn(0).forward(x, out);
            assertArrayEquals(expected, out);
        }
    }

    /**
     * The requests of one decode step (the read-ahead of {@link #AHEAD}, then the FFN call's), its
     * figures, and where its layer's bundles start.
     */
    private record Reads(List<List<Extent>> requests, TokenStats step, FfnLayerSection section) {
        /** {@code count} bundles from {@code slot} on, as one extent. */
        Extent bundles(int slot, int count) {
            return new Extent(
                    section.bundleOffset(slot), (long) count * section.spec().bundleBytes());
        }

        long bundleBytes() {
            return section.spec().bundleBytes();
        }
    }

    private static Reads run(int[] needed) throws Exception {
        Random rnd = new Random(3);
        float[] x = RandomModels.randomFloats(rnd, D, 1f);
        x[0] = 0f; // the FFN input: needed; the layer input below asks for AHEAD
        float[] layerInput = x.clone();
        layerInput[0] = 1f;
        List<RecordingReader> readers = Collections.synchronizedList(new ArrayList<>());
        FfnLayerSection section;
        float[] expected = new float[D];
        float[] out = new float[D];
        TokenStats step;
        RuntimeOptions options = RippleModelTest.predictedOnly(ReaderKind.POSITIONAL, "none", 0)
                .withMaxGapBytes(4L
                        * MODEL.contents().layers().getFirst().weights().spec().bundleBytes());
        SlotPredictor predictor = new SlotPredictor(slotToNeuron(), AHEAD, needed);
        try (RippleModel plain = RippleModel.open(MODEL.path(), options, predictor, null);
                RippleModel m = RippleModel.open(MODEL.path(), options, predictor, null, (p, qd) -> {
                    RecordingReader r = new RecordingReader(ReaderKind.POSITIONAL.open(p, qd));
                    readers.add(r);
                    return r;
                })) {
            section = m.ffn(0).section();
            plain.ffn(0).forward(x, expected);
            m.prefetch(0, layerInput);
            step = m.ffn(0).forward(x, out);
        }
        assertArrayEquals(expected, out, "the read-ahead changes which bytes are read, never the output");
        return new Reads(List.copyOf(readers.getFirst().requests), step, section);
    }

    private static int[] slotToNeuron() {
        return MODEL.contents().layers().getFirst().slotToNeuron();
    }
}
