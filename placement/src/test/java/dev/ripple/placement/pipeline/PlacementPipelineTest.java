package dev.ripple.placement.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.format.RippleFile;
import dev.ripple.core.tensor.DType;
import dev.ripple.placement.algorithm.PlacementAlgorithm;
import dev.ripple.placement.algorithm.PlacementAlgorithms;
import dev.ripple.placement.algorithm.RefinedPathOptions;
import dev.ripple.placement.algorithm.RefinedPathPlacement;
import dev.ripple.placement.importer.ImportedModel;
import dev.ripple.placement.predictor.InputMoments;
import dev.ripple.placement.profile.DecoderProfiler;
import dev.ripple.placement.profile.ProfileOptions;
import dev.ripple.placement.profile.ProfileProgress;
import dev.ripple.placement.stats.CoActivationCounter;
import dev.ripple.placement.stats.CountingOptions;
import dev.ripple.placement.stats.LayerStats;
import dev.ripple.placement.synthetic.SyntheticDecoder;
import dev.ripple.placement.synthetic.SyntheticDecoderWriter;
import dev.ripple.placement.trace.ActivationTrace;
import dev.ripple.placement.trace.TraceInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

/**
 * The pipeline's steps on a generated decoder checkpoint: the import's default bundle type, the
 * placements equal each algorithm run alone (co-activations counted once for all), the file written
 * holds the placement and its predictor, progress reaches every step's end, the steps as one call
 * ({@code placeModel}) give the same, and mismatched input is refused with a message naming it.
 */
class PlacementPipelineTest {
    @TempDir
    Path dir;

    /**
     * Layers are placed at once only while their whole counting working sets fit the dense budget
     * together, so the peak never exceeds what one layer alone was allowed; one always runs.
     */
    @Test
    void layersAtOnceKeepTheirWorkingSetsWithinTheBudget() {
        long budget = 512L << 20;
        long[] miniLm = new long[6];
        Arrays.fill(miniLm, 40L << 20);
        assertEquals(2, PlacementPipeline.layersAtOnce(miniLm, budget, 2), "small layers: one per core");
        assertEquals(6, PlacementPipeline.layersAtOnce(miniLm, budget, 64), "no more than the layers");
        assertEquals(
                12,
                PlacementPipeline.layersAtOnce(
                        new long[] {
                            40L << 20, 3L << 20, 3L << 20, 3L << 20, 3L << 20, 3L << 20, 3L << 20, 3L << 20, 3L << 20,
                            3L << 20, 3L << 20, 3L << 20
                        },
                        budget,
                        64));
        assertEquals(
                5,
                PlacementPipeline.layersAtOnce(new long[] {1, 100L << 20, 1, 1, 1, 1, 1, 1}, budget, 8),
                "the widest layer sets the count");
        // 11,008 neurons at 40%: a 242 MB triangle fits the budget twice, the whole working set does not
        long triangle = 11_008L * 11_007 / 2 * 4;
        long blockCopy = 8_192L * 4_403 * 4;
        assertEquals(2, PlacementPipeline.layersAtOnce(new long[] {triangle, triangle}, budget, 2));
        assertEquals(
                1, PlacementPipeline.layersAtOnce(new long[] {triangle + blockCopy, triangle + blockCopy}, budget, 2));
        assertEquals(1, PlacementPipeline.layersAtOnce(new long[] {1, Long.MAX_VALUE}, budget, 2), "top-K layer");
        assertEquals(1, PlacementPipeline.layersAtOnce(new long[] {budget + 1}, budget, 2), "one layer always runs");
        assertEquals(1, PlacementPipeline.layersAtOnce(new long[0], budget, 2));
        for (long each = 1; each < budget * 2; each = each * 3 + 7) {
            for (int cores = 1; cores <= 16; cores++) {
                long[] layers = new long[10];
                Arrays.fill(layers, each);
                int atOnce = PlacementPipeline.layersAtOnce(layers, budget, cores);
                assertTrue(atOnce >= 1 && atOnce <= cores, each + " bytes, " + cores + " cores: " + atOnce);
                assertTrue(atOnce == 1 || atOnce * each <= budget, each + " bytes, " + cores + " cores: " + atOnce);
            }
        }
    }

    /**
     * The sizing {@link PlacementPipeline#place} uses adds the placement step's scratch to the
     * counting's working set: on a real trace, a budget that two layers' counting alone would fit
     * twice but not with the scratch places one layer at a time. The sizes are worked out here
     * from the buffers, not from the code under test.
     */
    @Test
    void atOnceCountsThePlacementScratchOnTopOfTheCounting() {
        int n = 300;
        int tokens = 200;
        int block = 128;
        ActivationTrace.Builder b =
                ActivationTrace.builder(new TraceInfo("x", "x", "act > 0", tokens), new int[] {n, n});
        Random rnd = new Random(5);
        long[][] blockIds = new long[2][2]; // [layer][block]: ids in each token block
        for (int l = 0; l < 2; l++) {
            double density = l == 0 ? 0.1 : 0.3;
            for (int t = 0; t < tokens; t++) {
                RoaringBitmap active = randomActive(rnd, n, density);
                b.add(l, active);
                blockIds[l][t / block] += active.getCardinality();
            }
        }
        ActivationTrace trace = b.build();
        long largestBlock =
                Math.max(Math.max(blockIds[0][0], blockIds[0][1]), Math.max(blockIds[1][0], blockIds[1][1]));
        long counting = (long) n * (n - 1) / 2 * 4 // triangle
                + 2L * n * 4 // f(i), row bases
                + (block + 1 + largestBlock) * 4 // the densest block's flattened copy
                + (long) n * 2 * 8 // its bitsets: 128 tokens are two words per neuron
                + (long) block * 4; // one worker's cursors
        long scratch = 5_000_000;
        List<PlacementAlgorithm> algorithms = List.of(stating("small", 10), stating("large", scratch));
        long twoLayers = 2 * (counting + scratch);
        assertEquals(2, layersAtOnce(trace, counting(twoLayers), algorithms, 2));
        assertEquals(1, layersAtOnce(trace, counting(twoLayers - 1), algorithms, 2), "scratch counted");
        assertEquals(2, layersAtOnce(trace, counting(twoLayers - 1), List.of(stating("small", 10)), 2));
        assertEquals(1, layersAtOnce(trace, counting(twoLayers), algorithms, 1), "one core");

        // ripple's greedy sorts bands of up to 2^20 long keys, whatever the layer's size
        long bandKeys = 8L << 20;
        PlacementAlgorithm ripple = PlacementAlgorithms.byName("ripple");
        assertTrue(ripple.scratchBytes(n, tokens) >= bandKeys);
        assertTrue(PlacementAlgorithms.byName("ripple+").scratchBytes(n, tokens) > ripple.scratchBytes(n, tokens));
        long twoWithKeys = 2 * (counting + bandKeys);
        assertEquals(1, layersAtOnce(trace, counting(twoWithKeys - 1), List.of(ripple), 2));
        assertEquals(2, layersAtOnce(trace, counting(twoWithKeys - 1), List.of(IDENTITY), 2));

        // an algorithm that cannot bound its scratch is placed one layer at a time, whatever the budget
        PlacementAlgorithm silent = new PlacementAlgorithm() {
            @Override
            public String name() {
                return "silent";
            }

            @Override
            public int[] order(LayerStats stats) {
                return IDENTITY.order(stats);
            }
        };
        assertEquals(PlacementAlgorithm.UNKNOWN_SCRATCH, silent.scratchBytes(n, tokens));
        long plenty = Long.MAX_VALUE / 2;
        assertEquals(2, layersAtOnce(trace, counting(plenty), List.of(IDENTITY), 2));
        assertEquals(1, layersAtOnce(trace, counting(plenty), List.of(silent), 2));
        assertEquals(1, layersAtOnce(trace, counting(plenty), List.of(IDENTITY, silent), 2));
    }

    /**
     * Layers placed at once share the counting threads: k layers at once each count with
     * {@code max(1, threads / k)} threads, so that with threads up to the cores (the default) the
     * layers at once never run more counting threads together than there are cores, where each
     * counting with all its threads put {@code k × threads} on the cores; one layer at a time keeps
     * all of them. And the budget is checked with the counter the layers then use: two layers whose
     * working sets fit the budget together with one counting thread each, but not with two (each
     * thread has its cursors over the token block), are placed at once, one thread each.
     */
    @Test
    void layersAtOnceShareTheCountingThreads() {
        ActivationTrace trace = randomTrace(new Random(11), 6, 120, 300, 0.2);
        long plenty = Long.MAX_VALUE / 2;
        List<PlacementAlgorithm> identity = List.of(IDENTITY);
        for (int cores = 1; cores <= 8; cores++) {
            for (int threads = 1; threads <= 8; threads++) {
                var plan =
                        PlacementPipeline.atOnce(trace, new CountingOptions(threads, plenty, 64, 128), identity, cores);
                int each = plan.counter().options().threads();
                String what = cores + " cores, " + threads + " threads: " + plan.layers() + " x " + each;
                assertEquals(Math.min(cores, 6), plan.layers(), what);
                assertEquals(Math.max(1, threads / plan.layers()), each, what);
                if (threads <= cores) {
                    assertTrue(plan.layers() * each <= cores, what);
                }
            }
        }

        ActivationTrace two = randomTrace(new Random(12), 2, 200, 300, 0.2);
        CountingOptions twoThreads = new CountingOptions(2, plenty, 64, 128);
        long oneThread = 0;
        long bothThreads = 0;
        for (int l = 0; l < 2; l++) {
            oneThread =
                    Math.max(oneThread, new CoActivationCounter(twoThreads.withThreads(1)).denseWorkingBytes(two, l));
            bothThreads = Math.max(bothThreads, new CoActivationCounter(twoThreads).denseWorkingBytes(two, l));
        }
        assertEquals(128L * Integer.BYTES, bothThreads - oneThread, "a second thread's cursors");
        List<PlacementAlgorithm> noScratch = List.of(stating("no scratch", 0));
        var fits = PlacementPipeline.atOnce(two, twoThreads.withMaxDenseBytes(2 * oneThread), noScratch, 2);
        assertEquals(2, fits.layers());
        assertEquals(1, fits.counter().options().threads());
        for (int l = 0; l < 2; l++) {
            assertTrue(2 * fits.counter().denseWorkingBytes(two, l) <= 2 * oneThread, "layer " + l);
        }
        var tight = PlacementPipeline.atOnce(two, twoThreads.withMaxDenseBytes(2 * oneThread - 1), noScratch, 2);
        assertEquals(1, tight.layers());
        assertEquals(2, tight.counter().options().threads(), "one layer at a time counts on every thread");
    }

    /** {@code layers} layers of {@code neurons} neurons, each active with {@code density} on each token. */
    /** A held-out trace recorded under another rule measures the rule, not the placement: refused. */
    @Test
    void aHeldOutTraceOfAnotherRuleIsRefused() {
        ActivationTrace calibration = randomTrace(new Random(21), 2, 40, 30, 0.2);
        ActivationTrace heldOut = randomTrace(new Random(22), 2, 40, 10, 0.2);
        ActivationTrace otherRule = heldOut.withInfo(new TraceInfo("x", "x", "|act| > 0.1", 10));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> PlacementPipeline.place(
                        calibration, otherRule, PlacementAlgorithms.all(), PipelineListener.NONE));
        assertEquals(
                "held-out trace was recorded under the rule '|act| > 0.1', the calibration trace under 'act > 0':"
                        + " profile the held-out text with the calibration's rule (--rule; ProfileOptions.withRule)",
                e.getMessage());
        assertTrue(PlacementPipeline.sameRule("act > 0.1", "act>0.1,0.1", 2), "the same rule, written per layer");
        assertFalse(PlacementPipeline.sameRule("act > 0.1", "act > 0.1,0.2", 2), "another threshold on layer 1");
        assertFalse(PlacementPipeline.sameRule("act > 0.1", "|act| > 0.1", 2), "another mode");
        assertEquals(
                4,
                PlacementPipeline.place(calibration, heldOut, PlacementAlgorithms.all(), PipelineListener.NONE)
                        .all()
                        .size());
    }

    private static ActivationTrace randomTrace(Random rnd, int layers, int neurons, int tokens, double density) {
        int[] widths = new int[layers];
        Arrays.fill(widths, neurons);
        ActivationTrace.Builder trace = ActivationTrace.builder(new TraceInfo("x", "x", "act > 0", tokens), widths);
        for (int l = 0; l < layers; l++) {
            for (int t = 0; t < tokens; t++) {
                trace.add(l, randomActive(rnd, neurons, density));
            }
        }
        return trace.build();
    }

    /** One token's active neurons of {@code neurons}: each active with {@code density}, drawn in id order. */
    private static RoaringBitmap randomActive(Random rnd, int neurons, double density) {
        RoaringBitmap active = new RoaringBitmap();
        for (int i = 0; i < neurons; i++) {
            if (rnd.nextDouble() < density) {
                active.add(i);
            }
        }
        return active;
    }

    private static final PlacementAlgorithm IDENTITY = PlacementAlgorithms.byName("identity");

    private static CountingOptions counting(long maxDenseBytes) {
        return new CountingOptions(1, maxDenseBytes, 64, 128);
    }

    /** Layers {@link PlacementPipeline#place} would place at once. */
    private static int layersAtOnce(
            ActivationTrace trace, CountingOptions counting, List<PlacementAlgorithm> algorithms, int cores) {
        return PlacementPipeline.atOnce(trace, counting, algorithms, cores).layers();
    }

    /** An algorithm that states {@code bytes} of scratch and places in identity order. */
    private static PlacementAlgorithm stating(String name, long bytes) {
        return new PlacementAlgorithm() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int[] order(LayerStats stats) {
                return IDENTITY.order(stats);
            }

            @Override
            public long scratchBytes(int neurons, int tokens) {
                return bytes;
            }
        };
    }

    /**
     * When one layer fails while another is still placing, {@link PlacementPipeline#place} throws
     * that failure at once, not after the layers before it in layer order, and the other layer's
     * search stops: no {@code place} thread is left running behind the caller. Layer 0 runs a real
     * ripple+ search that would take many minutes; layer 1 fails at once.
     */
    @Test
    void aFailingLayerStopsThePlacementPromptly() throws Exception {
        int[] neurons = {300, 40};
        ActivationTrace.Builder b = ActivationTrace.builder(new TraceInfo("x", "x", "act > 0", 400), neurons);
        Random rnd = new Random(8);
        for (int l = 0; l < 2; l++) {
            for (int t = 0; t < 400; t++) {
                b.add(l, randomActive(rnd, neurons[l], 0.1));
            }
        }
        ActivationTrace trace = b.build();
        RefinedPathPlacement endless = new RefinedPathPlacement(
                new RefinedPathOptions(new int[] {4, 1}, 16, 20, Duration.ofHours(1), 1e6, 20, 42));
        AtomicBoolean searching = new AtomicBoolean();
        PlacementAlgorithm failsOnLayerOne = new PlacementAlgorithm() {
            @Override
            public String name() {
                return "ripple+ or fail";
            }

            @Override
            public int[] order(LayerStats stats) {
                if (stats.neurons() == 40) {
                    while (!searching.get()) {
                        Thread.onSpinWait(); // fail only once layer 0 is searching
                    }
                    throw new IllegalStateException("layer 1 broke");
                }
                searching.set(true);
                return endless.order(stats);
            }

            @Override
            public long scratchBytes(int neurons, int tokens) {
                return endless.scratchBytes(neurons, tokens); // stated, so the two layers run at once
            }
        };
        long start = System.nanoTime();
        IllegalStateException e = assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> assertThrows(
                        IllegalStateException.class,
                        () -> PlacementPipeline.place(
                                trace, null, List.of(failsOnLayerOne), PipelineListener.NONE, 2)));
        assertEquals("layer 1 broke", e.getMessage());
        assertTrue(System.nanoTime() - start < 30_000_000_000L, "thrown before layer 0 finished");
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("place")) {
                t.join(2_000); // a worker may still be leaving its run loop
                assertFalse(t.isAlive(), "a place thread still runs: " + Arrays.toString(t.getStackTrace()));
            }
        }
    }

    @Test
    void placesAndWritesAGeneratedDecoder() throws Exception {
        SyntheticDecoder spec = SyntheticDecoder.tinyOpt()
                .withInitStd(0.1)
                .withActiveFraction(0.1)
                .withSeed(9);
        Path hf = dir.resolve("hf");
        SyntheticDecoderWriter.write(spec, hf, "F32", 1);
        ImportedModel model = PlacementPipeline.importModel(hf, ImportOptions.defaults());
        assertEquals(DType.F16, model.layers().getFirst().spec().dtype(), "checkpoints default to f16 bundles");

        var prepared = PlacementPipeline.prepareDecoder(hf, dir.resolve("work"), DType.F32, PipelineListener.NONE);
        assertTrue(prepared.placedNow());
        IllegalArgumentException checkpoint = assertThrows(
                IllegalArgumentException.class,
                () -> PlacementPipeline.profile(
                        hf, null, List.of("text"), "c", ProfileOptions.defaults(), PipelineListener.NONE));
        assertTrue(checkpoint.getMessage().contains("prepareDecoder"), checkpoint.getMessage());
        ActivationTrace calibration = profile(prepared.file(), spec.vocabSize(), 1, 200);
        ActivationTrace heldOut = profile(prepared.file(), spec.vocabSize(), 2, 100);

        Map<String, long[]> progress = new HashMap<>();
        PipelineListener listener = (step, done, total) -> progress.put(step, new long[] {done, total});
        Placements placed = PlacementPipeline.place(calibration, heldOut, PlacementAlgorithms.all(), listener);
        assertEquals(
                PlacementAlgorithms.names(), List.copyOf(placed.byAlgorithm().keySet()));
        for (String name : PlacementAlgorithms.names()) {
            int[][] alone = PlacementAlgorithms.placeAll(
                    calibration, PlacementAlgorithms.byName(name), new CoActivationCounter());
            assertArrayEquals(
                    alone, placed.get(name).orders(), name + " placed with the others equals " + name + " alone");
            assertNotNull(placed.get(name).heldOut(), "evaluated on the held-out trace");
        }
        assertNull(PlacementPipeline.place(
                        calibration, null, List.of(PlacementAlgorithms.byName("ripple")), PipelineListener.NONE)
                .first()
                .heldOut());

        Path out = dir.resolve("opt.ripple");
        WrittenModel written = PlacementPipeline.write(
                model,
                placed.get("ripple+"),
                calibration,
                LayoutOptions.defaults().withPredictorRank(8),
                out,
                listener);
        assertEquals(8, written.predictorRank());
        assertEquals("inputs", written.predictorFit(), "the profiled trace carries FFN input moments");
        var layer0 = model.layers().getFirst().spec();
        assertEquals(
                Math.min(layer0.dModel(), layer0.dFfn()),
                PlacementPipeline.write(
                                model,
                                placed.get("ripple+"),
                                calibration,
                                LayoutOptions.defaults().withPredictorRank(100_000),
                                dir.resolve("big-rank.ripple"),
                                PipelineListener.NONE)
                        .predictorRank(),
                "a rank above the smaller dimension is recorded as the rank fitted");
        assertTrue(
                written.meanUpGateError() > 0 && written.meanUpGateError() < 1e-2,
                "f16 rounding: " + written.meanUpGateError());
        for (var e : progress.entrySet()) {
            assertEquals(e.getValue()[1], e.getValue()[0], e.getKey() + " reported to its end");
        }
        assertTrue(
                progress.containsKey("write opt.ripple") && progress.containsKey("predictor and fill-in"),
                progress.keySet().toString());
        try (RippleFile f = RippleFile.open(out)) {
            assertEquals(
                    "ripple+",
                    f.provenance().path("placement").path("algorithm").asText());
            assertEquals(8, f.provenance().path("predictor").path("rank").asInt());
            assertArrayEquals(
                    placed.get("ripple+").orders()[0], f.layers().getFirst().slotToNeuron());
        }

        // the steps above as one call (what ripple place runs): the same placements and the same file contents
        List<PlacementAlgorithm> ripplePlusFirst = new ArrayList<>(PlacementAlgorithms.all());
        ripplePlusFirst.sort(
                (a, b) -> Boolean.compare(!a.name().equals("ripple+"), !b.name().equals("ripple+")));
        Path oneCall = dir.resolve("one-call.ripple");
        PlacedModel result = PlacementPipeline.placeModel(
                PlacementRequest.of(hf, calibration, oneCall)
                        .withHeldOut(heldOut, "held-out trace")
                        .withAlgorithms(ripplePlusFirst)
                        .withLayout(LayoutOptions.defaults().withPredictorRank(8)),
                PipelineListener.NONE);
        assertEquals("ripple+", result.placed().first().algorithm());
        for (String name : PlacementAlgorithms.names()) {
            assertArrayEquals(
                    placed.get(name).orders(), result.placed().get(name).orders(), name);
        }
        assertNull(result.trained(), "no training asked for");
        assertEquals(oneCall, result.written().file());
        assertEquals(written.sizeBytes(), result.written().sizeBytes());
        assertEquals(written.meanUpGateError(), result.written().meanUpGateError());
        try (RippleFile a = RippleFile.open(out);
                RippleFile b = RippleFile.open(oneCall)) {
            for (int l = 0; l < a.layers().size(); l++) {
                assertArrayEquals(
                        a.layers().get(l).slotToNeuron(), b.layers().get(l).slotToNeuron(), "layer " + l);
            }
        }
        ActivationTrace shorter = ActivationTrace.builder(new TraceInfo("x", "x", "act > 0", 1), new int[] {7})
                .build();
        IllegalArgumentException wrongHeldOut = assertThrows(
                IllegalArgumentException.class,
                () -> PlacementPipeline.placeModel(
                        PlacementRequest.of(hf, calibration, dir.resolve("never.ripple"))
                                .withHeldOut(shorter, "held.rtrace"),
                        PipelineListener.NONE));
        assertTrue(wrongHeldOut.getMessage().startsWith("held.rtrace: "), wrongHeldOut.getMessage());
        IllegalArgumentException wrongCalibration = assertThrows(
                IllegalArgumentException.class,
                () -> PlacementPipeline.placeModel(
                        PlacementRequest.of(hf, shorter, dir.resolve("never.ripple"))
                                .withCalibrationName("calib.rtrace"),
                        PipelineListener.NONE));
        assertTrue(wrongCalibration.getMessage().startsWith("calib.rtrace: "), wrongCalibration.getMessage());
        ActivationTrace empty = ActivationTrace.builder(new TraceInfo("x", "x", "act > 0", 0), new int[] {7})
                .build();
        IllegalArgumentException noTokens = assertThrows(
                IllegalArgumentException.class,
                () -> PlacementPipeline.placeModel(
                        PlacementRequest.of(dir.resolve("no-such-model"), empty, dir.resolve("never.ripple"))
                                .withCalibrationName("empty.rtrace"),
                        PipelineListener.NONE));
        assertEquals(
                "empty.rtrace: holds no tokens (profile more text into it, e.g. --split all)",
                noTokens.getMessage(),
                "refused before the model is read");
        List<String> steps = new ArrayList<>();
        IllegalArgumentException untrainable = assertThrows(
                IllegalArgumentException.class,
                () -> PlacementPipeline.placeModel(
                        PlacementRequest.of(hf, calibration, dir.resolve("never.ripple"))
                                .withTraining(new PlacementRequest.Training(
                                        List.of("a passage"), TrainingOptions.defaults())),
                        (step, done, total) -> steps.add(step)));
        assertTrue(untrainable.getMessage().contains("decoders are not supported"), untrainable.getMessage());
        assertEquals(List.of(), steps, "refused before the import and the placement, not after them");
        assertEquals(
                "calibration trace: holds no tokens (profile more text into it, e.g. --split all)",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> PlacementPipeline.place(
                                        empty, null, PlacementAlgorithms.all(), PipelineListener.NONE))
                        .getMessage(),
                "the lower-level place refuses it too");
        assertTrue(!Files.exists(dir.resolve("never.ripple")), "nothing written for a refused request");
    }

    @Test
    void refusesATraceOfAnotherShape() throws Exception {
        SyntheticDecoder spec = SyntheticDecoder.tinyOpt().withSeed(3);
        Path hf = dir.resolve("hf");
        SyntheticDecoderWriter.write(spec, hf, "F32", 1);
        ImportedModel model = PlacementPipeline.importModel(hf, ImportOptions.defaults());
        ActivationTrace other = ActivationTrace.builder(new TraceInfo("x", "x", "act > 0", 0), new int[] {7})
                .build();
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> PlacementPipeline.write(
                        model,
                        new Placement("identity", new int[][] {{0}}, null),
                        other,
                        LayoutOptions.defaults(),
                        dir.resolve("x.ripple"),
                        PipelineListener.NONE));
        assertTrue(
                e.getMessage().contains("calibration trace") && e.getMessage().contains("layers"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class, () -> LayoutOptions.defaults().withPredictorRank(-2));
        assertThrows(
                IllegalArgumentException.class,
                () -> PlacementPipeline.place(other, null, List.of(), PipelineListener.NONE));
    }

    /**
     * Layers and neurons alike, FFN inputs of another width: the trace's moments belong to a model of
     * another hidden size, and a predictor fitted to them would be fitted to another model's inputs.
     */
    @Test
    void refusesATraceWhoseInputsHaveAnotherHiddenSize() throws Exception {
        SyntheticDecoder spec = SyntheticDecoder.tinyOpt().withSeed(3);
        Path hf = dir.resolve("hf-width");
        SyntheticDecoderWriter.write(spec, hf, "F32", 1);
        ImportedModel model = PlacementPipeline.importModel(hf, ImportOptions.defaults());
        int layers = spec.numLayers();
        int[] neurons = new int[layers];
        java.util.Arrays.fill(neurons, spec.intermediateSize());
        ActivationTrace plain = ActivationTrace.builder(new TraceInfo("x", "x", "act > 0", 1), neurons)
                .build();
        PlacementPipeline.requireMatches(model, plain, "t.rtrace");
        int wide = spec.hiddenSize() * 2;
        List<InputMoments> moments = new java.util.ArrayList<>();
        for (int l = 0; l < layers; l++) {
            moments.add(new InputMoments(wide, 1, new double[wide], new double[wide * wide]));
        }
        ActivationTrace trace = plain.withInputMoments(moments);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> PlacementPipeline.requireMatches(model, trace, "t.rtrace"));
        assertTrue(
                e.getMessage().startsWith("t.rtrace: layer 0 has FFN inputs of width " + wide)
                        && e.getMessage().contains("hidden size " + spec.hiddenSize()),
                e.getMessage());
    }

    private static ActivationTrace profile(Path file, int vocab, long seed, int tokens) throws Exception {
        Random rnd = new Random(seed);
        List<int[]> passages = new ArrayList<>();
        for (int p = 0; p < 20; p++) {
            passages.add(rnd.ints(16, 0, vocab).toArray());
        }
        try (DecoderProfiler profiler =
                DecoderProfiler.open(file, ProfileOptions.defaults().withMaxTokens(tokens))) {
            return profiler.profile(passages, "random ids", ProfileProgress.NONE)
                    .trace();
        }
    }
}
