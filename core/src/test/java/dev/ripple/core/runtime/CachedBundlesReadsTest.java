package dev.ripple.core.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ripple.core.format.FfnLayerSection;
import dev.ripple.core.model.TokenStats;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.RandomModelFile;
import dev.ripple.core.testing.RandomModels;
import dev.ripple.io.Extent;
import dev.ripple.io.ReadPlan;
import dev.ripple.io.ReadPlanner;
import dev.ripple.io.reader.ReaderFactory;
import dev.ripple.io.reader.ReaderKind;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What an FFN call reads when the cache holds some of its bundles. With a device's cost model: only
 * the misses, planned among themselves, so a run of cached bundles splits a read where skipping it
 * is cheaper than reading it, and is read through (its bytes unused) where it is not. Before, every
 * planned read of the needed set that held a miss was issued whole, the cached bundles inside it
 * read again: the cache saved bytes only where it held a whole read (PERFORMANCE.md §18). With a
 * fixed gap, which cannot weigh an operation against bytes, that is still what is read. The output
 * is the same model's without a cache, bit for bit.
 */
class CachedBundlesReadsTest {
    private static final int D = 32;
    private static final int N = 200;

    @RegisterExtension
    static final RandomModelFile MODEL = new RandomModelFile(2025, 1, D, N, Activation.GELU, true, DType.F32);

    /** Ten cached bundles between two misses: the misses are read alone, not the twelve-bundle span. */
    @Test
    void aLongRunOfCachedBundlesSplitsTheRead() throws Exception {
        Steps r = run(range(20, 10), union(new int[] {18, 31}, range(20, 10)), weighing());
        assertEquals(List.of(List.of(r.bundles(18, 1), r.bundles(31, 1))), r.requests, "18 and 31, not 18..31");
        assertEquals(2, r.step.readOps());
        assertEquals(2L * r.bundleBytes(), r.step.bytesRead());
        assertEquals(10, r.step.cacheHits());
        assertEquals(2L * r.bundleBytes(), r.step.bytesNeeded());
    }

    /** The same step with a fixed gap: the planned read is issued whole, the ten hits read through. */
    @Test
    void aFixedGapReadsTheHitsInsideAPlannedReadThrough() throws Exception {
        Steps r = run(
                range(20, 10),
                union(new int[] {18, 31}, range(20, 10)),
                RippleModelTest.predictedOnly(ReaderKind.POSITIONAL, "lru", 1.0).withMaxGapBytes(4L * bundleBytes()));
        assertEquals(List.of(List.of(r.bundles(18, 14))), r.requests);
        assertEquals(1, r.step.readOps());
        assertEquals(0, r.step.cacheHits(), "hits read through are not served from the cache");
        assertEquals(12L * r.bundleBytes(), r.step.bytesNeeded());
    }

    /** Two cached bundles between two misses, a gap the planner merges: one read through them. */
    @Test
    void aShortRunOfCachedBundlesIsReadThrough() throws Exception {
        Steps r = run(new int[] {50, 51}, new int[] {48, 50, 51, 53}, weighing());
        assertEquals(List.of(List.of(r.bundles(48, 6))), r.requests);
        assertEquals(1, r.step.readOps());
        assertEquals(2, r.step.cacheHits());
    }

    /** A step the cache serves whole reads nothing. */
    @Test
    void aStepTheCacheHoldsReadsNothing() throws Exception {
        Steps r = run(range(60, 8), new int[] {61, 64, 67}, weighing());
        assertEquals(List.of(), r.requests);
        assertEquals(0, r.step.readOps());
        assertEquals(3, r.step.cacheHits());
    }

    /**
     * Random needed sets through the positional reader and the direct one (whose reads are widened
     * to 4 KiB blocks, with partial bundles at their edges: this model's bundles do not divide 4
     * KiB), gaps of 0 to 30 bundles weighed by a cost model or fixed, a cache holding every bundle
     * it was offered: each step reads, with a cost model, exactly the run's planner's plan of the
     * needed bundles not read before, and with a fixed gap exactly the reads of its plan of every
     * needed bundle that hold one of them; its operations and bytes are those of its requests, and
     * the output is the model's without a cache.
     */
    @ParameterizedTest(name = "{0}, gaps of {1} bundles, weighed: {2}")
    @CsvSource({
        "POSITIONAL, 0, false",
        "POSITIONAL, 4, false",
        "DIRECT, 30, false",
        "POSITIONAL, 4, true",
        "DIRECT, 4, true",
        "DIRECT, 30, true"
    })
    void eachStepReadsWhatItsPlannerMakesOfItsMisses(ReaderKind reader, int gapBundles, boolean weighed)
            throws Exception {
        long gapBytes = (long) gapBundles * bundleBytes();
        RuntimeOptions options = RippleModelTest.predictedOnly(reader, "lru", 1.0);
        options = weighed
                ? options.withDevice(TestDevices.breakingEvenAt(gapBytes + bundleBytes() / 2.0))
                : options.withMaxGapBytes(gapBytes);
        RuntimeOptions uncached = options.withCache("none", 0);
        SlotPredictor predictor = new SlotPredictor(slotToNeuron(), new int[0], new int[0]);
        List<RecordingReader> readers = Collections.synchronizedList(new ArrayList<>());
        Random rnd = new Random(gapBundles * 31L + reader.ordinal());
        Set<Integer> resident = new TreeSet<>();
        try (RippleModel plain = RippleModel.open(MODEL.path(), uncached, predictor, null);
                RippleModel m = RippleModel.open(MODEL.path(), options, predictor, null, recording(reader, readers))) {
            FfnLayerSection section = m.ffn(0).section();
            ReadPlanner planner = RippleModel.plannerFor(options, Files.size(MODEL.path()));
            RecordingReader recorded = readers.getFirst();
            for (int t = 0; t < 60; t++) {
                predictor.needed = SlotPredictor.randomSlots(rnd, N);
                float[] x = RandomModels.randomFloats(rnd, D, 1f);
                float[] expected = new float[D];
                float[] out = new float[D];
                plain.ffn(0).forward(x, expected);
                recorded.requests.clear();
                TokenStats step = m.ffn(0).forward(x, out);
                String what = "token " + t + ": needed " + Arrays.toString(predictor.needed) + ", cached " + resident;
                assertArrayEquals(expected, out, what);
                List<List<Extent>> requests = recorded.requestsOf(step, what);
                List<Extent> needed = new ArrayList<>();
                List<Extent> misses = new ArrayList<>();
                for (int slot : predictor.needed) {
                    Extent bundle = new Extent(section.bundleOffset(slot), bundleBytes());
                    needed.add(bundle);
                    if (!resident.contains(slot)) {
                        misses.add(bundle);
                    }
                }
                List<Extent> reads =
                        weighed ? planner.plan(misses).reads() : readsHolding(misses, planner.plan(needed));
                assertEquals(reads.isEmpty() ? List.of() : List.of(reads), requests, what);
                long bundlesRead = weighed ? misses.size() : needed.size() - step.cacheHits();
                assertEquals(bundlesRead * bundleBytes(), step.bytesNeeded(), what);
                if (weighed) {
                    assertEquals(needed.size() - misses.size(), step.cacheHits(), what);
                }
                for (int slot : predictor.needed) {
                    resident.add(slot);
                }
            }
        }
    }

    /** The reads of {@code plan} that hold at least one of {@code misses}, in their order. */
    private static List<Extent> readsHolding(List<Extent> misses, ReadPlan plan) {
        List<Extent> reads = new ArrayList<>();
        for (int r = 0; r < plan.operations(); r++) {
            for (int i = 0; i < plan.neededCount(); i++) {
                if (plan.readOf(i) == r && misses.contains(plan.needed().get(i))) {
                    reads.add(plan.reads().get(r));
                    break;
                }
            }
        }
        return reads;
    }

    /** Options of {@link #run}: a cost model that merges gaps below 4.6 bundles. */
    private static RuntimeOptions weighing() {
        return RippleModelTest.predictedOnly(ReaderKind.POSITIONAL, "lru", 1.0)
                .withDevice(TestDevices.breakingEvenAt(4.6 * bundleBytes()));
    }

    /** The requests of the second of two steps, its figures, and where the layer's bundles start. */
    private record Steps(List<List<Extent>> requests, TokenStats step, FfnLayerSection section) {
        /** {@code count} bundles from {@code slot} on, as one extent. */
        Extent bundles(int slot, int count) {
            return new Extent(
                    section.bundleOffset(slot), (long) count * section.spec().bundleBytes());
        }

        long bundleBytes() {
            return section.spec().bundleBytes();
        }
    }

    /**
     * Two steps with {@code options} (a positional reader, an LRU cache as large as the layer): the
     * first fills the cache with {@code first}, the second needs {@code second}.
     */
    private static Steps run(int[] first, int[] second, RuntimeOptions options) throws Exception {
        SlotPredictor predictor = new SlotPredictor(slotToNeuron(), new int[0], first);
        List<RecordingReader> readers = Collections.synchronizedList(new ArrayList<>());
        float[] x = RandomModels.randomFloats(new Random(3), D, 1f);
        float[] expected = new float[D];
        float[] out = new float[D];
        try (RippleModel plain = RippleModel.open(MODEL.path(), options.withCache("none", 0), predictor, null);
                RippleModel m = RippleModel.open(
                        MODEL.path(), options, predictor, null, recording(ReaderKind.POSITIONAL, readers))) {
            m.ffn(0).forward(x, out);
            readers.getFirst().requests.clear();
            predictor.needed = second;
            TokenStats step = m.ffn(0).forward(x, out);
            plain.ffn(0).forward(x, expected);
            assertArrayEquals(expected, out, "the cache changes which bytes are read, never the output");
            return new Steps(
                    List.copyOf(readers.getFirst().requests), step, m.ffn(0).section());
        }
    }

    private static ReaderFactory recording(ReaderKind reader, List<RecordingReader> readers) {
        return (p, qd) -> {
            RecordingReader r = new RecordingReader(reader.open(p, qd));
            readers.add(r);
            return r;
        };
    }

    private static int[] range(int from, int count) {
        int[] slots = new int[count];
        Arrays.setAll(slots, i -> from + i);
        return slots;
    }

    private static int[] union(int[] a, int[] b) {
        SortedSet<Integer> all = new TreeSet<>();
        Arrays.stream(a).forEach(all::add);
        Arrays.stream(b).forEach(all::add);
        return all.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int bundleBytes() {
        return MODEL.contents().layers().getFirst().weights().spec().bundleBytes();
    }

    private static int[] slotToNeuron() {
        return MODEL.contents().layers().getFirst().slotToNeuron();
    }
}
