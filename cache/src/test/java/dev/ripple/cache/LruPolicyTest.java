package dev.ripple.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class LruPolicyTest {
    private static final int[] ONE_LAYER = {100};

    @Test
    void evictsLeastRecentlyUsedFirst() {
        CacheSimulator sim = new CacheSimulator(300, ONE_LAYER, CachePolicies.create("lru"));
        sim.access(0, new int[] {1}, 1);
        sim.access(0, new int[] {2}, 1);
        sim.access(0, new int[] {3}, 1);
        assertArrayEquals(new int[0], sim.access(0, new int[] {1}, 1), "1 is resident");
        assertArrayEquals(
                new long[] {CachePolicy.key(0, 2), CachePolicy.key(0, 3), CachePolicy.key(0, 1)},
                ((LruPolicy) sim.policy()).keysOldestFirst());
        sim.access(0, new int[] {4}, 1);
        assertArrayEquals(new int[] {1, 3, 4}, sim.residentSlots(0), "2 was the least recently used");
        sim.access(0, new int[] {5}, 1);
        assertArrayEquals(new int[] {1, 4, 5}, sim.residentSlots(0), "then 3");
        sim.access(0, new int[] {6, 7}, 2);
        assertArrayEquals(new int[] {5, 6, 7}, sim.residentSlots(0), "then 1 and 4");
    }
}
