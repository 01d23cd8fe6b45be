package dev.ripple.core.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.cache.BundleCache;
import dev.ripple.cache.CacheSettings;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.RandomModels;
import dev.ripple.io.reader.ReaderKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The long version of {@link ConcurrentRuntimeTest} (tag {@code slow}): many threads run many
 * tokens through one shared {@link RippleModel} for every cache policy, with a sparse predictor so
 * the cache admits, hits and evicts constantly. Every output must equal the single-threaded one,
 * a watcher thread checks the budget continuously, and each policy ends within its time bound.
 *
 * <pre>
 * ./mvnw -pl core -am verify -Dripple.slow=true -Dtest=ConcurrentStressTest -Dsurefire.failIfNoSpecifiedTests=false
 *     [-Dripple.stress.threads=8] [-Dripple.stress.tokens=3000]
 * </pre>
 * Sizes and results are recorded in docs/RELIABILITY.md; each policy prints one summary line to the
 * test's output.
 */
@Tag("slow")
class ConcurrentStressTest {
    static final int LAYERS = 4;
    static final int D = 64;
    static final int F = 512;
    static final int INPUTS = 97;
    static final int THREADS = Integer.getInteger("ripple.stress.threads", 8);
    /** Tokens each thread runs per policy, each through every layer. */
    static final int TOKENS = Integer.getInteger("ripple.stress.tokens", 3000);

    @TempDir
    static Path dir;

    static Path file;
    static List<float[]> inputs = new ArrayList<>();
    static float[][][] expected;

    @BeforeAll
    static void modelAndSingleThreadedOutputs() throws Exception {
        file = dir.resolve("stress.ripple");
        RippleFileWriter.write(file, RandomModels.model(17, LAYERS, D, F, Activation.SILU, true, DType.F16));
        Random rnd = new Random(23);
        for (int i = 0; i < INPUTS; i++) {
            inputs.add(RandomModels.randomFloats(rnd, D, 1f));
        }
        expected = new float[INPUTS][LAYERS][D];
        try (RippleModel m = open("none")) {
            for (int i = 0; i < INPUTS; i++) {
                for (int l = 0; l < LAYERS; l++) {
                    m.ffn(l).forward(inputs.get(i), expected[i][l]);
                }
            }
        }
    }

    static RippleModel open(String policy) throws Exception {
        RuntimeOptions o = RuntimeOptions.defaults()
                .withReader(ReaderKind.DIRECT)
                .withQueueDepth(8)
                .withCache(settings(policy), 0.15)
                .withMaxGapBytes(4096);
        return RippleModel.open(file, o, new SkewedPredictor(F, 0.5, 0.03), null);
    }

    /**
     * The policy's defaults, except linking: it does not admit slots of planned reads that miss
     * three or more slots (they are read in one operation anyway), and with this test's random
     * sets and a 4 KiB collapse gap nearly every read is such a run, so by default linking admits
     * almost nothing and the stress would not reach its admission and eviction paths. A share of
     * long-run slots admitted anyway (Ripple's own variant) keeps them busy.
     */
    static CacheSettings settings(String policy) {
        return policy.equals("linking")
                ? new CacheSettings.Linking(CacheSettings.defaults("s3fifo"), 3, 0.25, 42L)
                : CacheSettings.defaults(policy);
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "lru", "s3fifo", "lfu", "window", "linking"})
    void manyThreadsManyTokensEveryPolicy(String policy) throws Exception {
        long start = System.nanoTime();
        try (RippleModel m = open(policy)) {
            Optional<BundleCache> cache = m.cache();
            BudgetWatcher watcher = cache.map(BudgetWatcher::start).orElse(null);
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < THREADS; w++) {
                long seed = 1000L * w + policy.hashCode();
                futures.add(pool.submit(() -> runTokens(m, seed)));
            }
            try {
                for (Future<?> f : futures) {
                    f.get(10, TimeUnit.MINUTES);
                }
            } finally {
                pool.shutdownNow();
                if (watcher != null) {
                    watcher.stop();
                }
            }
            long calls = (long) THREADS * TOKENS * LAYERS;
            assertEquals(calls, m.stats().calls());
            assertEquals(0, m.stats().failures());
            String cacheLine = "no cache";
            if (cache.isPresent()) {
                var s = cache.get().stats();
                assertTrue(watcher.checks() > 0, "the watcher ran");
                assertTrue(s.peakResidentBytes() <= cache.get().budgetBytes(), s.toString());
                assertTrue(s.hits() > 0 && s.evictions() > 0, "the cache was exercised: " + s);
                cacheLine = String.format(
                        "budget %d B, peak %d B, hit rate %.3f, %d evictions, %d watcher checks",
                        cache.get().budgetBytes(), s.peakResidentBytes(), s.hitRate(), s.evictions(), watcher.checks());
            }
            System.out.printf(
                    "stress %s: %d threads x %d tokens x %d layers = %d calls in %.1f s; %s%n",
                    policy, THREADS, TOKENS, LAYERS, calls, (System.nanoTime() - start) / 1e9, cacheLine);
        }
    }

    /** One worker: tokens over random inputs, every output checked against the single-threaded one. */
    private static Void runTokens(RippleModel m, long seed) {
        Random rnd = new Random(seed);
        float[] out = new float[D];
        for (int t = 0; t < TOKENS; t++) {
            int i = rnd.nextInt(INPUTS);
            for (int l = 0; l < LAYERS; l++) {
                m.ffn(l).forward(inputs.get(i), out);
                assertArrayEquals(expected[i][l], out, 1e-5f, "input " + i + " layer " + l);
            }
        }
        return null;
    }

    /** Reads the cache's resident bytes in a tight loop and remembers the first time they exceed the budget. */
    static final class BudgetWatcher {
        private final BundleCache cache;
        private final AtomicLong checks = new AtomicLong();
        private final AtomicReference<String> violation = new AtomicReference<>();
        private volatile boolean running = true;
        private Thread thread;

        private BudgetWatcher(BundleCache cache) {
            this.cache = cache;
        }

        static BudgetWatcher start(BundleCache cache) {
            BudgetWatcher w = new BudgetWatcher(cache);
            w.thread = Thread.ofPlatform().name("budget-watcher").start(w::watch);
            return w;
        }

        private void watch() {
            while (running) {
                long resident = cache.residentBytes();
                if (resident > cache.budgetBytes()) {
                    violation.compareAndSet(null, "resident " + resident + " > budget " + cache.budgetBytes());
                }
                checks.incrementAndGet();
                Thread.onSpinWait();
            }
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
            assertEquals(null, violation.get(), "budget exceeded while a watcher looked");
        }

        long checks() {
            return checks.get();
        }
    }
}
