package dev.ripple.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LfuPolicyTest {
    @Test
    void keepsTheSeededHotSlots() {
        TestSupport.seeded(TestSupport.seed(), r -> {
            long[][] counts = new long[1][100];
            Arrays.fill(counts[0], 1);
            for (int s = 0; s < 10; s++) {
                counts[0][s] = 1000;
            }
            CacheSimulator sim = new CacheSimulator(
                    10 * 64, new int[] {64}, CacheSettings.Lfu.seeded(counts).newPolicy());
            for (int t = 0; t < 300; t++) {
                int[] set = new int[100];
                int n = 0;
                for (int s = 0; s < 100; s++) {
                    if (r.nextDouble() < (s < 10 ? 0.3 : 0.1)) {
                        set[n++] = s;
                    }
                }
                sim.access(0, set, n);
            }
            assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, sim.residentSlots(0));
            assertTrue(sim.stats().rejectedAdmissions() > 0, "cold newcomers are rejected when full");
        });
    }

    @Test
    void newcomerHotterThanColdestReplacesIt() {
        double[][] f = {{5, 1, 3, 9}};
        CacheSimulator sim = new CacheSimulator(2 * 10, new int[] {10}, new CacheSettings.Lfu(f).newPolicy());
        sim.access(0, new int[] {0, 1}, 2);
        assertArrayEquals(new int[] {0, 1}, sim.residentSlots(0));
        sim.access(0, new int[] {2}, 1); // 3 + 1 > 1 + 1: replaces slot 1
        assertArrayEquals(new int[] {0, 2}, sim.residentSlots(0));
        sim.access(0, new int[] {1}, 1); // 1 + 2 < 4: rejected
        assertArrayEquals(new int[] {0, 2}, sim.residentSlots(0));
        sim.access(0, new int[] {3}, 1); // 10 > 4: replaces slot 2
        assertArrayEquals(new int[] {0, 3}, sim.residentSlots(0));
    }
}
