package dev.ripple.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClairvoyantPolicyTest {
    @Test
    void evictsTheKeyUsedFurthestInTheFuture() {
        int[][] sets = {{1}, {2}, {3}, {1}, {2}, {3}};
        int[] layers = new int[sets.length];
        CacheSimulator sim = new CacheSimulator(200, new int[] {100}, CachePolicies.clairvoyant(layers, sets));
        sim.access(0, sets[0], 1);
        sim.access(0, sets[1], 1);
        sim.access(0, sets[2], 1); // 3 is used after 1 and 2: rejected
        assertArrayEquals(new int[] {1, 2}, sim.residentSlots(0));
        assertArrayEquals(new int[0], sim.access(0, sets[3], 1));
        assertArrayEquals(new int[0], sim.access(0, sets[4], 1));
        assertThrows(IllegalStateException.class, () -> sim.access(0, new int[] {7, 8}, 2), "off-trace access");
    }

    @Test
    void boundsTheHitsOfOnlinePolicies() {
        TestSupport.seeded(TestSupport.seed(), r -> {
            int n = 2000;
            int[] layers = new int[n];
            int[][] sets = new int[n][];
            for (int a = 0; a < n; a++) {
                layers[a] = a % 2;
                sets[a] = TestSupport.randomSet(r, 200, 0.06);
            }
            long budget = 64L * 40;
            int[] sizes = {64, 64};
            CacheSimulator best = new CacheSimulator(budget, sizes, CachePolicies.clairvoyant(layers, sets));
            for (int a = 0; a < n; a++) {
                best.access(layers[a], sets[a], sets[a].length);
            }
            for (String name : CachePolicies.names()) {
                CacheSimulator sim = new CacheSimulator(budget, sizes, CachePolicies.create(name));
                for (int a = 0; a < n; a++) {
                    sim.access(layers[a], sets[a], sets[a].length);
                }
                assertTrue(
                        sim.stats().hits() <= best.stats().hits(),
                        name + " " + sim.stats().hits() + " > clairvoyant "
                                + best.stats().hits());
            }
        });
    }
}
