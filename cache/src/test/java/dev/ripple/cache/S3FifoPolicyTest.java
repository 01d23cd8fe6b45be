package dev.ripple.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class S3FifoPolicyTest {
    private static final int[] ONE_LAYER = {100};

    @Test
    void oneHitWondersLeaveThroughTheSmallQueueAndGhostHitsEnterMain() {
        // 10 bundles; the small queue holds 10% = 1 bundle
        CacheSimulator sim = new CacheSimulator(1000, ONE_LAYER, CachePolicies.create("s3fifo"));
        S3FifoPolicy p = (S3FifoPolicy) sim.policy();
        sim.access(0, new int[] {0}, 1);
        assertTrue(p.inSmall(0, 0), "new keys enter the small queue");
        assertArrayEquals(new int[0], sim.access(0, new int[] {0}, 1), "second access hits");
        for (int s = 100; s < 115; s++) {
            sim.access(0, new int[] {s}, 1);
        }
        assertTrue(p.inMain(0, 0), "the re-accessed key moved to main");
        assertTrue(contains(sim.residentSlots(0), 0), "and stayed resident through 15 one-hit wonders");
        assertFalse(contains(sim.residentSlots(0), 100), "the first one-hit wonder left");
        assertTrue(p.inGhost(0, 100), "through the small queue into the ghost queue");
        for (int s = 100; s < 115; s++) {
            if (contains(sim.residentSlots(0), s)) {
                assertTrue(p.inSmall(0, s), "one-hit wonders stay in small: " + s);
            }
        }
        sim.access(0, new int[] {100}, 1);
        assertTrue(p.inMain(0, 100), "a ghost hit is admitted straight into main");
        assertFalse(p.inGhost(0, 100));
    }

    @Test
    void mainQueueGivesAccessedKeysAnotherRound() {
        CacheSimulator sim = new CacheSimulator(1000, ONE_LAYER, CachePolicies.create("s3fifo"));
        S3FifoPolicy p = (S3FifoPolicy) sim.policy();
        // put 0..8 into main via two accesses each, with one-hit wonders pushing them out of small
        for (int s = 0; s < 9; s++) {
            sim.access(0, new int[] {s}, 1);
            sim.access(0, new int[] {s}, 1);
        }
        for (int s = 200; s < 260; s++) {
            sim.access(0, new int[] {s}, 1);
            sim.access(0, new int[] {0}, 1); // 0 keeps being hit
        }
        assertTrue(p.inMain(0, 0) && contains(sim.residentSlots(0), 0), "a hot key survives in main");
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }
}
