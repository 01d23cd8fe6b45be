package dev.ripple.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.cache.CachePolicies;
import dev.ripple.core.activity.ActivationPredictor;
import dev.ripple.core.activity.PredictorKind;
import dev.ripple.core.activity.TracePredictor;
import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.core.model.TokenStats;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.RandomModelFile;
import dev.ripple.core.testing.RandomModels;
import dev.ripple.io.device.DeviceProfile;
import dev.ripple.io.device.EmulatedReader;
import dev.ripple.io.device.UfsPresets;
import dev.ripple.io.reader.ExtentReader;
import dev.ripple.io.reader.ReaderFactory;
import dev.ripple.io.reader.ReaderKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.eclipse.collections.api.list.primitive.MutableIntList;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A written .ripple model read back through every reader and cache policy reproduces the dense FFN. */
class RippleModelTest {
    @RegisterExtension
    static final RandomModelFile MODEL = new RandomModelFile(2024, 2, 32, 200, Activation.GELU, true, DType.F32);

    /**
     * Per layer of the model, {@code tokens} random needed sets of its 200 neurons, each of
     * {@code least} to {@code 2 * least - 1} distinct ascending slots.
     */
    static List<List<int[]>> randomSets(Random rnd, int tokens, int least) {
        List<List<int[]>> sets = new ArrayList<>();
        for (int l = 0; l < 2; l++) {
            List<int[]> perToken = new ArrayList<>();
            for (int t = 0; t < tokens; t++) {
                perToken.add(rnd.ints(0, 200)
                        .distinct()
                        .limit(least + rnd.nextInt(least))
                        .sorted()
                        .toArray());
            }
            sets.add(perToken);
        }
        return sets;
    }

    /**
     * Options under which a model computes with the predicted neurons only (no mean fill-in) and
     * reads just their extents (no gap merging), so two runs can be compared bit for bit.
     */
    static RuntimeOptions predictedOnly(ReaderKind reader, String policy, double cacheFraction) {
        return RuntimeOptions.defaults()
                .withReader(reader)
                .withCache(policy, cacheFraction)
                .withFillIn(false)
                .withMaxGapBytes(0);
    }

    static Stream<Arguments> readersAndPolicies() {
        List<Arguments> out = new ArrayList<>();
        for (ReaderKind r : ReaderKind.values()) {
            for (String policy : CachePolicies.names()) {
                out.add(Arguments.of(r, policy));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} reader, {1} cache")
    @MethodSource("readersAndPolicies")
    void denseRunThroughFlashEqualsTheDenseFfn(ReaderKind reader, String policy) throws Exception {
        RuntimeOptions options = RuntimeOptions.defaults()
                .withReader(reader)
                .withQueueDepth(4)
                .withCache(policy, 0.3)
                .withPredictor(PredictorKind.DENSE)
                .withMaxGapBytes(200);
        Random rnd = new Random(7);
        List<float[]> inputs = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            inputs.add(RandomModels.randomFloats(rnd, 32, 1f));
        }
        try (RippleModel m = RippleModel.open(MODEL.path(), options)) {
            for (int pass = 0; pass < 2; pass++) { // the second pass meets a warm cache
                for (int t = 0; t < inputs.size(); t++) {
                    for (int l = 0; l < 2; l++) {
                        FfnLayerWeights w = RandomModels.weights(MODEL.contents(), l);
                        float[] expected = new float[32];
                        w.denseForward(inputs.get(t), expected);
                        float[] out = new float[32];
                        TokenStats s = m.ffn(l).forward(inputs.get(t), out);
                        assertTrue(
                                RandomModels.relativeError(out, expected) < 1e-5,
                                reader + "/" + policy + " layer " + l + " token " + t + ": relative error "
                                        + RandomModels.relativeError(out, expected));
                        assertEquals(200, s.predicted());
                        assertEquals(
                                200L * w.spec().bundleBytes(),
                                s.bytesNeeded()
                                        + (long) s.cacheHits() * w.spec().bundleBytes());
                        m.cache().ifPresent(c -> assertTrue(c.residentBytes() <= c.budgetBytes()));
                    }
                }
            }
            assertEquals(2L * 6 * 2, m.stats().calls());
            if (!policy.equals("none")) {
                assertTrue(m.cache().isPresent());
            }
        }
    }

    /**
     * A token with hits and misses computes the hits' activations while its misses are read on a
     * read-ahead thread: the output is bit for bit the one of the same neurons read without a cache
     * (all read, nothing overlapped), with every reader, and the stall is reported apart.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(
            value = ReaderKind.class,
            names = {"POSITIONAL", "MMAP"})
    void readsOverlappedWithTheHitsGiveExactlyTheOutputWithoutOverlap(ReaderKind reader) throws Exception {
        Random rnd = new Random(13);
        List<List<int[]>> sets = randomSets(rnd, 12, 40);
        RuntimeOptions cached = predictedOnly(reader, "lru", 0.5);
        RuntimeOptions uncached = cached.withCache("none", 0);
        int overlapped = 0;
        try (RippleModel m =
                        OverlapOn.open(() -> RippleModel.open(MODEL.path(), cached, new TracePredictor(sets), null));
                RippleModel plain = RippleModel.open(MODEL.path(), uncached, new TracePredictor(sets), null)) {
            for (int t = 0; t < 12; t++) {
                float[] x = RandomModels.randomFloats(rnd, 32, 1f);
                for (int l = 0; l < 2; l++) {
                    float[] expected = new float[32];
                    TokenStats serial = plain.ffn(l).forward(x, expected);
                    assertEquals(serial.ioNanos(), serial.stallNanos(), "without hits the caller waits for every read");
                    float[] out = new float[32];
                    TokenStats s = m.ffn(l).forward(x, out);
                    Assertions.assertArrayEquals(expected, out, reader + " layer " + l + " token " + t);
                    assertTrue(s.stallNanos() >= 0 && s.computeNanos() > 0, s.toString());
                    if (s.cacheHits() > 0 && s.readOps() > 0) {
                        overlapped++;
                    }
                }
            }
        }
        assertTrue(overlapped > 0, "some calls had both hits and reads");
    }

    /** Stateless and input-dependent: neurons whose id meets a residue chosen by the input. */
    record ResiduePredictor(int neurons) implements ActivationPredictor {
        @Override
        public String name() {
            return "residue";
        }

        @Override
        public void predict(int layer, float[] x, MutableIntList out) {
            int r = Math.floorMod((int) (x[0] * 10), 3);
            for (int i = 0; i < neurons; i++) {
                if (i % 3 == r || i % 7 == 0) {
                    out.add(i);
                }
            }
        }

        @Override
        public boolean predictsAhead() {
            return true;
        }
    }

    /**
     * A read-ahead from another input (as the layer input before attention is) changes which
     * bytes are read, never the output: every token equals the same model's without read-ahead,
     * bit for bit, whether the guess was right, half right, for another layer, or not consumed.
     */
    @ParameterizedTest(name = "{0} cache")
    @ValueSource(strings = {"none", "lru"})
    void readAheadNeverChangesTheOutput(String policy) throws Exception {
        RuntimeOptions options = predictedOnly(ReaderKind.POSITIONAL, policy, 0.3);
        Random rnd = new Random(17);
        try (RippleModel m = RippleModel.open(MODEL.path(), options, new ResiduePredictor(200), null);
                RippleModel plain =
                        RippleModel.open(MODEL.path(), options.withCache("none", 0), new ResiduePredictor(200), null)) {
            long readAheadOps = 0;
            for (int t = 0; t < 10; t++) {
                float[] x = RandomModels.randomFloats(rnd, 32, 1f);
                float[] guess = t % 2 == 0 ? x.clone() : RandomModels.randomFloats(rnd, 32, 1f);
                for (int l = 0; l < 2; l++) {
                    float[] expected = new float[32];
                    TokenStats reference = plain.ffn(l).forward(x, expected);
                    m.prefetch(t % 5 == 4 ? 1 - l : l, guess); // every fifth token guesses for the wrong layer
                    float[] out = new float[32];
                    TokenStats s = m.ffn(l).forward(x, out);
                    Assertions.assertArrayEquals(expected, out, policy + " layer " + l + " token " + t);
                    assertEquals(reference.predicted(), s.predicted());
                    if (t % 2 == 0 && t % 5 != 4 && policy.equals("none")) {
                        assertTrue(
                                s.readOps() > 0 && s.bytesNeeded() == reference.bytesNeeded(),
                                "a right guess read everything ahead: " + s + " vs " + reference);
                        readAheadOps += s.readOps();
                    }
                }
            }
            m.prefetch(0, new float[32]); // never consumed: closing must not hang or fail
            if (policy.equals("none")) {
                assertTrue(readAheadOps > 0);
            }
        }
    }

    @Test
    void settingTheMaxGapKeepsTheDeviceProfile() {
        DeviceProfile ufs = UfsPresets.ufs40();
        RuntimeOptions o = RuntimeOptions.defaults().withDevice(ufs).withMaxGapBytes(4096);
        assertEquals(ufs, o.device(), "the device profile stays; it takes precedence over the gap");
        assertEquals(4096, o.maxGapBytes());
        assertEquals(null, o.withDevice(null).device());
    }

    /**
     * The cache is told the runtime's planned reads of the whole needed set (collapse included) and
     * counts those that hold a miss. With a fixed gap the runtime issues exactly those reads.
     */
    @Test
    void withAFixedGapTheCacheCountsExactlyTheReadsTheRuntimeIssues() throws Exception {
        int bundle = MODEL.contents().layers().get(0).weights().spec().bundleBytes();
        Steps steps = replay(linkingOver(3L * bundle, RuntimeOptions.defaults()));
        assertEquals(steps.counted, steps.issued);
        assertTrue(
                steps.hits > 0
                        && steps.issued.stream().mapToLong(Long::longValue).sum() > 0,
                "hits and reads");
    }

    /**
     * With a device's cost model the runtime reads only the misses, planned among themselves, so it
     * issues exactly the reads the cache counts when nothing was a hit and never fewer: a run of hits
     * may split a planned read in two, never join two.
     */
    @Test
    void withACostModelTheRuntimeIssuesAtLeastTheReadsTheCacheCounts() throws Exception {
        int bundle = MODEL.contents().layers().get(0).weights().spec().bundleBytes();
        Steps steps =
                replay(linkingOver(0, RuntimeOptions.defaults().withDevice(TestDevices.breakingEvenAt(3.5 * bundle))));
        int exact = 0;
        int split = 0;
        for (int k = 0; k < steps.issued.size(); k++) {
            long counted = steps.counted.get(k);
            long issued = steps.issued.get(k);
            if (steps.hitSteps.get(k)) {
                assertTrue(issued >= counted, "step " + k + ": " + issued + " < " + counted);
                split += issued > counted ? 1 : 0;
            } else {
                assertEquals(counted, issued, "step " + k);
                exact++;
            }
        }
        assertTrue(exact > 0 && split > 0, "the trace exercises steps without hits and reads split by hits");
    }

    /** The reads the cache counted and the runtime issued, step by step, and whether each step hit. */
    private record Steps(List<Long> counted, List<Long> issued, List<Boolean> hitSteps, long hits) {}

    private static RuntimeOptions linkingOver(long maxGapBytes, RuntimeOptions base) {
        RuntimeOptions o = base.withReader(ReaderKind.POSITIONAL)
                .withQueueDepth(2)
                .withCache("linking", 0.2)
                .withFillIn(false);
        return maxGapBytes > 0 ? o.withMaxGapBytes(maxGapBytes) : o;
    }

    private static Steps replay(RuntimeOptions options) throws Exception {
        List<List<int[]>> sets = randomSets(new Random(11), 40, 20);
        List<Long> counted = new ArrayList<>();
        List<Long> issued = new ArrayList<>();
        List<Boolean> hitSteps = new ArrayList<>();
        try (RippleModel m = RippleModel.open(MODEL.path(), options, new TracePredictor(sets), null)) {
            var cache = m.cache().orElseThrow();
            float[] x = new float[32];
            float[] out = new float[32];
            for (int t = 0; t < 40; t++) {
                for (int l = 0; l < 2; l++) {
                    long before = cache.readsIssued();
                    long hitsBefore = cache.stats().hits();
                    TokenStats s = m.ffn(l).forward(x, out);
                    counted.add(cache.readsIssued() - before);
                    issued.add((long) s.readOps());
                    hitSteps.add(cache.stats().hits() > hitsBefore);
                }
            }
            return new Steps(counted, issued, hitSteps, cache.stats().hits());
        }
    }

    @Test
    void aLayerOutOfRangeAndAnInputOfAnotherWidthAreRefusedNamingWhatFits() throws Exception {
        try (RippleModel m = RippleModel.open(MODEL.path(), denseUncachedPread())) {
            IndexOutOfBoundsException layer = assertThrows(IndexOutOfBoundsException.class, () -> m.ffn(99));
            assertEquals("layer 99 of a model with 2 FFN layers (0..1)", layer.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> m.forward(-1, new float[32], new float[32]));

            IllegalArgumentException width =
                    assertThrows(IllegalArgumentException.class, () -> m.ffn(0).forward(new float[10], new float[32]));
            assertEquals(
                    "layer 0 is 32 wide (dModel): token 0's input holds 10 floats and its output 32",
                    width.getMessage());
            assertThrows(IllegalArgumentException.class, () -> m.ffn(1).forward(new float[32], new float[31]));
        }
    }

    @Test
    void closeIsIdempotentAndAClosedModelSaysItIsClosed() throws Exception {
        RippleModel m = RippleModel.open(MODEL.path(), denseUncachedPread());
        try (m) {
            m.ffn(0).forward(new float[32], new float[32]);
            m.close();
        } // try-with-resources closes it a second time
        m.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.ffn(0));
        assertEquals("model " + MODEL.path() + " closed", e.getMessage());
        assertThrows(IllegalStateException.class, () -> m.forward(0, new float[32], new float[32]));
    }

    @Test
    void missingLowRankPredictorIsExplained() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> RippleModel.open(MODEL.path(), RuntimeOptions.defaults()));
        assertTrue(e.getMessage().contains("no low-rank predictor"), e.getMessage());
    }

    /** Every neuron of a token read through pread at queue depth 1, nothing cached: one request per layer. */
    static RuntimeOptions denseUncachedPread() {
        return RuntimeOptions.defaults()
                .withReader(ReaderKind.POSITIONAL)
                .withQueueDepth(1)
                .withCache("none", 0)
                .withPredictor(PredictorKind.DENSE);
    }

    @Test
    void anEmulatedDeviceGivesEveryReadItsTimeAndTheSameResults() throws Exception {
        DeviceProfile ufs = UfsPresets.ufs40();
        RuntimeOptions real = denseUncachedPread().withDevice(ufs);
        float[] x = RandomModels.randomFloats(new Random(11), 32, 1f);
        float[] expected = new float[32];
        float[] out = new float[32];
        try (RippleModel m = RippleModel.open(MODEL.path(), real)) {
            m.ffn(0).forward(x, expected);
        }
        try (RippleModel m = RippleModel.open(MODEL.path(), real.emulating(ufs))) {
            EmulatedReader emulated = assertInstanceOf(
                    EmulatedReader.class, m.reader(), m.reader().describe());
            assertTrue(emulated.kind().startsWith("emulated ufs-4.0"), emulated.kind());
            // the configured reader is the runtime's own emulation: a file this small is read from DRAM
            assertTrue(emulated.realReads().startsWith("from DRAM ("), emulated.realReads());
            TokenStats s = m.ffn(0).forward(x, out);
            // every planned read is priced at queue depth 1 on UFS 4.0: at least 60 us each
            double modelled = 0;
            for (int i = 0; i < s.readOps(); i++) {
                modelled += ufs.costMicros(s.bytesRead() / s.readOps(), 1);
            }
            assertTrue(s.ioNanos() / 1e3 >= modelled * 0.99, s.ioNanos() / 1e3 + " us of I/O, modelled " + modelled);
            assertEquals(1, emulated.emulationStats().requests());
        }
        Assertions.assertArrayEquals(expected, out, "emulation changes time, never data");
    }

    @Test
    void underAnEmulatedDeviceTheCallersReaderFactoryMakesTheRealReads() throws Exception {
        RuntimeOptions options = denseUncachedPread().withQueueDepth(8).emulating(UfsPresets.ufs40());
        float[] x = RandomModels.randomFloats(new Random(12), 32, 1f);
        float[] expected = new float[32];
        RandomModels.weights(MODEL.contents(), 0).denseForward(x, expected);
        // not the configured kind, so the runtime's own emulation (DRAM through pread) cannot pass for it
        List<ExtentReader> opened = new ArrayList<>();
        // one at a time, whatever depth is asked for
        ReaderFactory mmaps = (path, queueDepth) -> {
            ExtentReader r = ReaderKind.MMAP.open(path, 1);
            opened.add(r);
            return r;
        };
        try (RippleModel m = RippleModel.open(MODEL.path(), options, null, null, mmaps)) {
            assertEquals(1, opened.size(), "the caller's factory opened the model's reader");
            EmulatedReader emulated = assertInstanceOf(
                    EmulatedReader.class, m.reader(), m.reader().describe());
            assertSame(opened.getFirst(), emulated.inner(), emulated.describe());
            assertEquals("emulated ufs-4.0 over " + opened.getFirst().kind(), emulated.kind());
            assertEquals("by " + opened.getFirst().kind(), emulated.realReads());
            assertEquals(1, opened.getFirst().queueDepth());
            assertEquals(8, emulated.queueDepth(), "the device is modelled at the configured depth");
            float[] out = new float[32];
            TokenStats s = m.ffn(0).forward(x, out);
            assertTrue(s.readOps() > 0, "the layer was read");
            assertEquals(1, emulated.emulationStats().requests(), "the read went through the emulated device");
            assertTrue(RandomModels.relativeError(out, expected) < 1e-5, "the caller's reader read the right bytes");
        }
    }
}
