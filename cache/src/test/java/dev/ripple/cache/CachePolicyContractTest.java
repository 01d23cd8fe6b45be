package dev.ripple.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Contract every policy meets, run through a real {@link BundleCache}: the budget holds after every
 * call, hits return exactly the admitted bytes, the policy's resident set is the cache's, the
 * simulator agrees with the cache. Each policy adds a three-line subclass.
 */
abstract class CachePolicyContractTest {
    private final CacheAccess access = new CacheAccess();

    static final int[] BUNDLES = {96, 64, 96};

    abstract String policyName();

    CacheSettings settings() {
        return CacheSettings.defaults(policyName());
    }

    /** Slot gap of the read planner the tests pretend to have (reads are passed to every lookup). */
    int readGap() {
        return 0;
    }

    CachePolicy newPolicy() {
        return settings().newPolicy();
    }

    @Test
    void budgetNeverExceededAndHitsReturnAdmittedBytes() {
        TestSupport.seeded(TestSupport.seed(), r -> {
            long budget = 96L * 20 + r.nextInt(200);
            try (Arena arena = Arena.ofConfined();
                    BundleCache cache = new BundleCache(budget, BUNDLES, newPolicy())) {
                assertEquals(policyName(), cache.policyName());
                long admittedBytes = 0;
                for (int token = 0; token < 300; token++) {
                    for (int layer = 0; layer < BUNDLES.length; layer++) {
                        int[] slots = TestSupport.randomSet(r, 120, 0.08 + 0.1 * r.nextDouble());
                        TestSupport.step(cache, arena, layer, slots, readGap());
                        assertTrue(
                                cache.residentBytes() <= budget,
                                "resident " + cache.residentBytes() + " > budget " + budget);
                        long sum = 0;
                        int count = 0;
                        for (int l = 0; l < BUNDLES.length; l++) {
                            int[] res = cache.residentSlots(l);
                            sum += (long) res.length * BUNDLES[l];
                            count += res.length;
                        }
                        assertEquals(sum, cache.residentBytes(), "resident bytes vs resident slots");
                        assertEquals(count, cache.policy().residentCount(), "policy resident set vs cache");
                    }
                }
                CacheStats s = cache.stats();
                assertEquals(300L * BUNDLES.length, s.lookups());
                assertTrue(s.peakResidentBytes() <= budget);
                assertEquals(s.admissions() - s.evictions(), residentCount(cache));
                if (policyName().equals("none")) {
                    assertEquals(0, s.hits(), "none never hits");
                    assertEquals(0, s.admissions());
                    assertEquals(0, cache.residentBytes());
                } else {
                    assertTrue(s.hits() > 0, "a caching policy should hit on this trace: " + s);
                }
                // one bundle size class (96) besides 64: each class stays within the budget
                assertTrue(cache.allocatedBytes() <= 2 * budget, "allocated " + cache.allocatedBytes());
                admittedBytes += s.admissions();
                assertTrue(admittedBytes >= 0);
            }
        });
    }

    @Test
    void offHeapMemoryStaysWithinBudgetWithOneBundleSize() {
        TestSupport.seeded(TestSupport.seed(), r -> {
            int[] sizes = {80, 80};
            long budget = 80L * 37 + 50;
            try (Arena arena = Arena.ofConfined();
                    BundleCache cache = new BundleCache(budget, sizes, newPolicy())) {
                for (int token = 0; token < 100; token++) {
                    for (int layer = 0; layer < 2; layer++) {
                        TestSupport.step(cache, arena, layer, TestSupport.randomSet(r, 200, 0.1), readGap());
                        assertTrue(
                                cache.allocatedBytes() <= budget,
                                "allocated " + cache.allocatedBytes() + " > " + budget);
                    }
                }
            }
        });
    }

    @Test
    void simulatorAgreesWithCache() {
        TestSupport.seeded(TestSupport.seed(), r -> {
            long budget = 96L * 25;
            List<int[]> trace = new ArrayList<>();
            for (int i = 0; i < 200 * BUNDLES.length; i++) {
                trace.add(TestSupport.randomSet(r, 100, 0.1));
            }
            CacheSimulator sim = new CacheSimulator(budget, BUNDLES, newPolicy());
            try (Arena arena = Arena.ofConfined();
                    BundleCache cache = new BundleCache(budget, BUNDLES, newPolicy())) {
                for (int i = 0; i < trace.size(); i++) {
                    int layer = i % BUNDLES.length;
                    int[] slots = trace.get(i);
                    int[] fromCache = TestSupport.step(cache, arena, layer, slots, readGap());
                    int[] fromSim = sim.access(layer, slots, TestSupport.readsOf(slots, readGap()), slots.length);
                    assertArrayEquals(fromCache, fromSim, "misses differ at access " + i);
                }
                CacheStats a = cache.stats();
                CacheStats b = sim.stats();
                assertEquals(a.hits(), b.hits());
                assertEquals(a.admissions(), b.admissions());
                assertEquals(a.evictions(), b.evictions());
                assertEquals(a.residentBytes(), b.residentBytes());
                assertEquals(cache.readsIssued(), sim.readsIssued());
            }
        });
    }

    @Test
    void refusesBudgetBelowOneBundle() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new BundleCache(95, BUNDLES, newPolicy()));
        assertTrue(e.getMessage().contains("95") && e.getMessage().contains("96"), e.getMessage());
    }

    @Test
    void policyInstanceBelongsToOneCache() {
        CachePolicy p = newPolicy();
        new CacheSimulator(1000, BUNDLES, p);
        assertThrows(IllegalStateException.class, () -> new CacheSimulator(1000, BUNDLES, p));
    }

    @Test
    void closedCacheRefusesCalls() {
        BundleCache cache = new BundleCache(1000, BUNDLES, newPolicy());
        cache.close();
        cache.close();
        try (Arena arena = Arena.ofConfined()) {
            assertThrows(
                    IllegalStateException.class,
                    () -> cache.lookup(access, 0, new int[] {1}, 1, arena.allocate(96), new boolean[1]));
        }
    }

    private static long residentCount(BundleCache cache) {
        long n = 0;
        for (int l = 0; l < cache.layers(); l++) {
            n += cache.residentSlots(l).length;
        }
        return n;
    }
}
