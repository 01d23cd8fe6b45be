package dev.ripple.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.activity.PredictorKind;
import dev.ripple.core.format.RippleContents;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.ChildJvm;
import dev.ripple.core.testing.RandomModels;
import dev.ripple.core.testing.StoredPredictors;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Off-heap memory measured by the JVM's native memory tracking, not by the cache's accounting:
 * two child JVMs ({@link NativeMemoryProbe}), run side by side, send the same tokens, on
 * {@value #THREADS} threads, through a model with 16 MiB of FFN bundles, one without a cache and
 * one with a budget B = 6 MiB, and report the growth of NMT's "Other" category (where FFM arenas
 * and direct buffers are counted) while the model is still open and its threads alive.
 *
 * <ul>
 *   <li>with the cache, growth ≤ B + resident tensors + slack, the slack being the runtime's
 *       per-thread working memory (hit and read buffers, each at most twice the largest token-layer
 *       need), stated as {@value #WORKING_BYTES_PER_THREAD} bytes per thread; measured: about
 *       4.5 MiB per thread without a cache and 6 MiB with one;</li>
 *   <li>without the cache, growth ≤ the same per-thread allowance: working memory grows with
 *       threads, not with threads × layers (it did, 18 MiB per thread here, before the layers of a
 *       model shared one scratch per thread);</li>
 *   <li>the cache filled at least nine tenths of B, so the bound held over a full cache, and the
 *       difference between the two runs is at least B / 2, so the check really sees the cache's
 *       memory and is not vacuous.</li>
 * </ul>
 * The default run takes {@value #TOKENS} tokens per thread (the cache is full after about five);
 * the slow run takes four times as many. The measured values are printed to the test output.
 */
class OffHeapMemoryTest {
    static final long BUDGET = 6L << 20;
    static final long WORKING_BYTES_PER_THREAD = 8L << 20;
    static final int THREADS = 2;
    static final int TOKENS = 50;
    static final int CYCLES = 20;
    static final long CYCLE_SLACK_BYTES = 2L << 20;
    /** The probe's JVM: native memory tracking on. */
    static final List<String> PROBE_JVM_FLAGS = List.of(
            "-XX:NativeMemoryTracking=summary",
            "-Xmx512m",
            "--add-modules",
            "jdk.incubator.vector",
            "--enable-native-access=ALL-UNNAMED");

    @TempDir
    Path dir;

    @Test
    void offHeapGrowthStaysWithinBudgetPlusResidentPlusSlack() throws Exception {
        assertGrowthBounded(TOKENS);
    }

    @Tag("slow")
    @Test
    void offHeapGrowthStaysBoundedOverALongerRun() throws Exception {
        assertGrowthBounded(4 * TOKENS);
    }

    private void assertGrowthBounded(int tokens) throws Exception {
        Path model = dir.resolve("m.ripple");
        // 4 layers × 4096 neurons × (256 up + 256 down) f16 ≈ 16 MiB of bundles, far more than B.
        RippleFileWriter.write(model, RandomModels.model(5, 4, 256, 4096, Activation.RELU, false, DType.F16));
        ChildJvm noCache = startProbe(model, "none", 0, tokens, dir);
        ChildJvm withCache = startProbe(model, "lru", BUDGET, tokens, dir);
        long[] none;
        long[] cached;
        try {
            none = result(noCache);
            cached = result(withCache);
        } finally {
            noCache.process().destroyForcibly();
            withCache.process().destroyForcibly();
        }
        long growthNone = none[1] - none[0];
        long growth = cached[1] - cached[0];
        long resident = cached[3];
        long slack = THREADS * WORKING_BYTES_PER_THREAD;
        System.out.printf(
                "%d tokens per thread; NMT Other growth: %d B without cache, %d B with a %d B budget (cache "
                        + "allocated %d B); resident tensors %d B; limit %d B%n",
                tokens, growthNone, growth, BUDGET, cached[2], resident, BUDGET + resident + slack);
        assertEquals(0, none[2], "no cache, nothing allocated by it");
        assertTrue(cached[2] <= BUDGET, "the cache's own accounting: " + cached[2]);
        assertTrue(
                cached[2] >= BUDGET / 10 * 9,
                "the cache filled to its budget in " + tokens + " tokens: " + cached[2] + " B of " + BUDGET);
        assertTrue(
                growth <= BUDGET + resident + slack,
                "off-heap growth " + growth + " B exceeds budget " + BUDGET + " + resident " + resident
                        + " + working memory " + slack);
        assertTrue(
                growthNone <= slack,
                "working memory without a cache " + growthNone + " B exceeds " + slack + " B for " + THREADS
                        + " threads");
        assertTrue(
                growth - growthNone >= BUDGET / 2,
                "NMT saw the cache fill: " + (growth - growthNone) + " B of " + BUDGET);
    }

    /**
     * A model with both stored predictors (the trained one copies its weights off-heap: 4 layers ×
     * (256 × 64 + 64 × 4096) floats, about 4.3 MB per open) and fill-in, opened, run and closed
     * {@value #CYCLES} times in one JVM per predictor: each cycle leaves no more than {@value
     * #CYCLE_SLACK_BYTES} bytes behind, the first and all of them together, so closing a model gives
     * its off-heap memory back at once. A leak of the predictor's weights would be about 80 MB here;
     * before the model freed them at close (they were left to the GC, which sees only a small heap
     * object) the first cycle left 4.5 MB. The two probes run side by side on one file, as the growth
     * probes do: each measures its own JVM, so neither sees the other's memory.
     */
    @Test
    void reopeningAModelLeavesNoOffHeapMemoryBehind() throws Exception {
        Path model = dir.resolve("predictors.ripple");
        RippleContents c = RandomModels.model(6, 4, 256, 4096, Activation.RELU, false, DType.F16);
        StoredPredictors.withFillIn(StoredPredictors.withTrained(StoredPredictors.withLowRank(c, 7, 16), 8, 64), 9);
        RippleFileWriter.write(model, c);
        Map<PredictorKind, ChildJvm> probes = new EnumMap<>(PredictorKind.class);
        Map<PredictorKind, long[]> results = new EnumMap<>(PredictorKind.class);
        try {
            for (PredictorKind predictor : List.of(PredictorKind.LOWRANK, PredictorKind.TRAINED)) {
                probes.put(predictor, startReopenProbe(model, predictor, dir));
            }
            for (Map.Entry<PredictorKind, ChildJvm> p : probes.entrySet()) {
                results.put(p.getKey(), result(p.getValue(), 3));
            }
        } finally {
            probes.values().forEach(p -> p.process().destroyForcibly());
        }
        results.forEach((predictor, v) -> {
            System.out.printf(
                    "%s: NMT Other %d B before, %d B after one open-run-close cycle, %d B after %d%n",
                    predictor, v[0], v[1], v[2], CYCLES);
            assertTrue(
                    v[1] - v[0] <= CYCLE_SLACK_BYTES,
                    predictor + ": " + (v[1] - v[0]) + " B more off-heap after one cycle, the model closed");
            assertTrue(
                    v[2] - v[0] <= CYCLE_SLACK_BYTES,
                    predictor + ": " + (v[2] - v[0]) + " B more off-heap after " + CYCLES + " cycles");
        });
    }

    /** {@link NativeMemoryProbe}'s reopen cycles for {@code predictor} in a child JVM with NMT on. */
    private static ChildJvm startReopenProbe(Path model, PredictorKind predictor, Path dir) throws IOException {
        return ChildJvm.start(
                dir.resolve("reopen-" + predictor + ".log"),
                PROBE_JVM_FLAGS,
                NativeMemoryProbe.class,
                model.toString(),
                "reopen",
                predictor.name(),
                Integer.toString(CYCLES),
                "5");
    }

    /** {@link NativeMemoryProbe} in a child JVM with NMT on. */
    private static ChildJvm startProbe(Path model, String policy, long budget, int tokens, Path dir)
            throws IOException {
        return ChildJvm.start(
                dir.resolve(policy + ".log"),
                PROBE_JVM_FLAGS,
                NativeMemoryProbe.class,
                model.toString(),
                policy,
                Long.toString(budget),
                Integer.toString(THREADS),
                Integer.toString(tokens));
    }

    /** The probe's four numbers, once it has finished. */
    private static long[] result(ChildJvm probe) throws IOException, InterruptedException {
        return result(probe, 4);
    }

    /** The {@code count} numbers of the probe's last line, once it has finished. */
    private static long[] result(ChildJvm probe, int count) throws IOException, InterruptedException {
        String[] lines = probe.finish(Duration.ofSeconds(120)).strip().split("\n");
        String[] f = lines[lines.length - 1].trim().split(" ");
        long[] v = new long[count];
        for (int i = 0; i < count; i++) {
            v[i] = Long.parseLong(f[i]);
        }
        return v;
    }
}
