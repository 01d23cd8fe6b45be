package dev.ripple.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Concurrency: threads share one cache; a watcher checks the budget continuously; every hit's bytes are checked. */
class BundleCacheConcurrencyTest {
    private static final int THREADS = 4;
    private static final int STEPS = 1500;

    @ParameterizedTest
    @ValueSource(strings = {"lru", "s3fifo", "lfu", "window", "linking"})
    void sharedCacheKeepsBudgetAndBytes(String policy) {
        long seed = TestSupport.seed();
        TestSupport.seeded(
                seed,
                unused -> assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                    int[] sizes = {128, 256, 128, 128};
                    long budget = 128L * 60 + 100;
                    AtomicBoolean running = new AtomicBoolean(true);
                    AtomicLong maxSeen = new AtomicLong();
                    AtomicLong checks = new AtomicLong();
                    ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
                    try (BundleCache cache = new BundleCache(budget, sizes, CachePolicies.create(policy))) {
                        Future<?> watcher = pool.submit(() -> {
                            while (running.get()) {
                                long r = cache.residentBytes();
                                maxSeen.accumulateAndGet(r, Math::max);
                                checks.incrementAndGet();
                                if (r > budget) {
                                    throw new AssertionError("resident " + r + " > budget " + budget);
                                }
                            }
                            return null;
                        });
                        List<Future<?>> workers = new ArrayList<>();
                        for (int w = 0; w < THREADS; w++) {
                            long workerSeed = seed + w;
                            workers.add(pool.submit(() -> {
                                SplittableRandom r = new SplittableRandom(workerSeed);
                                try (Arena arena = Arena.ofConfined()) {
                                    for (int i = 0; i < STEPS; i++) {
                                        int layer = r.nextInt(sizes.length);
                                        TestSupport.step(cache, arena, layer, TestSupport.randomSet(r, 150, 0.1));
                                        long res = cache.residentBytes();
                                        if (res > budget) {
                                            throw new AssertionError("resident " + res + " > budget " + budget);
                                        }
                                    }
                                }
                                return null;
                            }));
                        }
                        for (Future<?> f : workers) {
                            f.get();
                        }
                        running.set(false);
                        watcher.get();
                        CacheStats s = cache.stats();
                        assertEquals((long) THREADS * STEPS, s.lookups());
                        assertTrue(s.peakResidentBytes() <= budget);
                        assertTrue(maxSeen.get() <= budget);
                        assertTrue(checks.get() > 0);
                        assertTrue(s.hits() > 0, s.toString());
                    } finally {
                        running.set(false);
                        pool.shutdownNow();
                    }
                }));
    }
}
