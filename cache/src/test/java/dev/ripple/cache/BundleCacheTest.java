package dev.ripple.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** Unit tests of the cache's argument checks and byte handling. */
class BundleCacheTest {
    private static final int[] SIZES = {32, 48};

    private final CacheAccess access = new CacheAccess();

    @Test
    void budgetBelowTheLargestBundleIsRefusedNamingBoth() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> new BundleCache(47, SIZES, CachePolicies.create("lru")));
        assertTrue(
                e.getMessage().contains("47")
                        && e.getMessage().contains("48")
                        && e.getMessage().contains("layer 1"),
                e.getMessage());
        try (BundleCache ok = new BundleCache(48, SIZES, CachePolicies.create("lru"))) {
            assertEquals(48, ok.budgetBytes());
        }
    }

    @Test
    void admissionGoesToTheLayerItsAccessLookedUp() {
        try (Arena arena = Arena.ofConfined();
                BundleCache cache = new BundleCache(1000, SIZES, CachePolicies.create("lru"))) {
            assertThrows(
                    IllegalStateException.class,
                    () -> cache.admit(new CacheAccess(), new int[] {1}, 1, new MemorySegment[] {arena.allocate(48)}),
                    "an admission needs the lookup it follows");
            CacheAccess first = new CacheAccess();
            CacheAccess second = new CacheAccess();
            cache.lookup(first, 0, new int[] {2}, 1, arena.allocate(32), new boolean[1]);
            cache.lookup(second, 1, new int[] {2}, 1, arena.allocate(48), new boolean[1]);
            cache.admit(first, new int[] {2}, 1, new MemorySegment[] {TestSupport.bundle(arena, 0, 2, 32)});
            assertArrayEquals(new int[] {2}, cache.residentSlots(0), "admitted to layer 0, which 'first' looked up");
            assertArrayEquals(new int[0], cache.residentSlots(1));
            assertEquals(0, first.layer());
            assertEquals(1, second.layer());
        }
    }

    @Test
    void partialBundlesAreNeverCached() {
        try (Arena arena = Arena.ofConfined();
                BundleCache cache = new BundleCache(1000, SIZES, CachePolicies.create("lru"))) {
            MemorySegment out = arena.allocate(32);
            cache.lookup(access, 0, new int[] {3}, 1, out, new boolean[1]);
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> cache.admit(access, new int[] {3}, 1, new MemorySegment[] {arena.allocate(31)}));
            assertTrue(e.getMessage().contains("31") && e.getMessage().contains("32"), e.getMessage());
            assertEquals(0, cache.residentBytes());
            cache.admit(access, new int[] {3}, 1, new MemorySegment[] {null}); // a failed read: nothing cached
            assertEquals(0, cache.residentBytes());
        }
    }

    @Test
    void hitCopiesTheAdmittedBytesAtTheSlotOffset() {
        try (Arena arena = Arena.ofConfined();
                BundleCache cache = new BundleCache(1000, SIZES, CachePolicies.create("lru"))) {
            int[] slots = {2, 5, 9};
            TestSupport.step(cache, arena, 1, slots);
            MemorySegment out = arena.allocate(3 * 48);
            out.fill((byte) 0x5A);
            boolean[] hit = new boolean[3];
            assertEquals(1, cache.lookup(access, 1, new int[] {1, 5, 7}, 3, out, hit));
            assertArrayEquals(new boolean[] {false, true, false}, hit);
            TestSupport.assertBundle(out, 48, 1, 5, 48);
            assertEquals((byte) 0x5A, out.get(ValueLayout.JAVA_BYTE, 0), "misses are left untouched");
            assertEquals((byte) 0x5A, out.get(ValueLayout.JAVA_BYTE, 96));
            assertEquals(0, cache.lookup(access, 0, new int[] {5}, 1, out, new boolean[1]), "layers are separate");
        }
    }

    @Test
    void longerSegmentsContributeTheirFirstBundleBytes() {
        try (Arena arena = Arena.ofConfined();
                BundleCache cache = new BundleCache(1000, SIZES, CachePolicies.create("lru"))) {
            MemorySegment big = arena.allocate(100);
            MemorySegment.copy(TestSupport.bundle(arena, 0, 4, 32), 0, big, 0, 32);
            cache.lookup(access, 0, new int[] {4}, 1, arena.allocate(32), new boolean[1]);
            cache.admit(access, new int[] {4}, 1, new MemorySegment[] {big});
            MemorySegment out = arena.allocate(32);
            assertEquals(1, cache.lookup(access, 0, new int[] {4}, 1, out, new boolean[1]));
            TestSupport.assertBundle(out, 0, 0, 4, 32);
        }
    }

    /**
     * Bundles offered as offsets into one buffer (how the runtime offers what a read brought in,
     * without a slice per bundle) are cached with the bytes from their offsets; an offset that
     * leaves less than a bundle is refused, naming what is left.
     */
    @Test
    void bundlesAtOffsetsOfOneBufferAreCachedFromThoseOffsets() {
        try (Arena arena = Arena.ofConfined();
                BundleCache cache = new BundleCache(1000, SIZES, CachePolicies.create("lru"))) {
            MemorySegment buffer = arena.allocate(200);
            buffer.fill((byte) 0x11);
            MemorySegment.copy(TestSupport.bundle(arena, 1, 6, 48), 0, buffer, 7, 48);
            MemorySegment.copy(TestSupport.bundle(arena, 1, 8, 48), 0, buffer, 100, 48);
            cache.lookup(access, 1, new int[] {6, 8}, 2, arena.allocate(96), new boolean[2]);
            cache.admit(access, new int[] {6, 8}, 2, new MemorySegment[] {buffer, buffer}, new long[] {7, 100});
            MemorySegment out = arena.allocate(96);
            assertEquals(2, cache.lookup(access, 1, new int[] {6, 8}, 2, out, new boolean[2]));
            TestSupport.assertBundle(out, 0, 1, 6, 48);
            TestSupport.assertBundle(out, 48, 1, 8, 48);

            cache.lookup(access, 1, new int[] {9}, 1, arena.allocate(48), new boolean[1]);
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> cache.admit(access, new int[] {9}, 1, new MemorySegment[] {buffer}, new long[] {160}));
            assertTrue(e.getMessage().contains("40 B from offset 160"), e.getMessage());
            assertArrayEquals(new int[] {6, 8}, cache.residentSlots(1));
        }
    }

    @Test
    void rejectsBadArguments() {
        try (Arena arena = Arena.ofConfined();
                BundleCache cache = new BundleCache(1000, SIZES, CachePolicies.create("lru"))) {
            MemorySegment out = arena.allocate(64);
            assertThrows(
                    IllegalArgumentException.class,
                    () -> cache.lookup(access, 0, new int[] {3, 3}, 2, out, new boolean[2]));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> cache.lookup(access, 0, new int[] {4, 3}, 2, out, new boolean[2]));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> cache.lookup(access, 2, new int[] {1}, 1, out, new boolean[1]));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> cache.lookup(access, 1, new int[] {1, 2}, 2, out, new boolean[2]),
                    "out too small for 2 x 48");
            assertThrows(
                    IllegalArgumentException.class,
                    () -> cache.lookup(access, 0, new int[] {1}, 2, out, new boolean[2]));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CachePolicies.create("arc"));
        assertTrue(e.getMessage().contains("linking"), e.getMessage());
    }

    @Test
    void statsCountBundlesAndBytes() {
        try (Arena arena = Arena.ofConfined();
                BundleCache cache = new BundleCache(1000, SIZES, CachePolicies.create("lru"))) {
            TestSupport.step(cache, arena, 0, new int[] {1, 2, 3});
            TestSupport.step(cache, arena, 0, new int[] {2, 3, 4});
            CacheStats s = cache.stats();
            assertEquals(2, s.lookups());
            assertEquals(2, s.hits());
            assertEquals(4, s.misses());
            assertEquals(64, s.hitBytes());
            assertEquals(128, s.missBytes());
            assertEquals(4, s.admissions());
            assertEquals(128, s.residentBytes());
            assertEquals(1.0 / 3, s.hitRate(), 1e-12);
            assertEquals(2, cache.missRuns(), "[1 2 3] then [4]");
            TestSupport.step(cache, arena, 0, new int[] {0, 2, 5, 6, 8});
            assertEquals(2 + 3, cache.missRuns(), "[0] (2 hit) [5 6] [8]");
        }
    }

    @Test
    void eachPolicyHasItsOwnSettingsCheckedWhereTheyAreMade() {
        for (String name : CachePolicies.names()) {
            assertEquals(name, CacheSettings.defaults(name).name());
            assertEquals(name, CacheSettings.defaults(name).newPolicy().name());
        }
        assertEquals(2.0, CacheSettings.Lfu.seeded(new long[][] {{1, 2}}).slotFrequencies()[0][1]);
        assertThrows(IllegalArgumentException.class, () -> new CacheSettings.Window(0));
        assertThrows(IllegalArgumentException.class, () -> new CacheSettings.S3Fifo(1.0));
        assertThrows(
                IllegalArgumentException.class, () -> new CacheSettings.Linking(new CacheSettings.None(), 3, 0, 1));
        assertThrows(
                IllegalArgumentException.class,
                () -> CacheSettings.Linking.over(CacheSettings.Linking.over(new CacheSettings.Lru())),
                "linking over linking");
        assertThrows(IllegalArgumentException.class, () -> new CacheSettings.Linking(new CacheSettings.Lru(), 1, 0, 1));
    }

    @Test
    void aBundleThatCannotBeCopiedLeavesNoTrace() {
        try (Arena arena = Arena.ofConfined();
                BundleCache cache = new BundleCache(1000, SIZES, CachePolicies.create("lru"))) {
            MemorySegment gone;
            try (Arena shortLived = Arena.ofConfined()) {
                gone = shortLived.allocate(32);
            }
            cache.lookup(access, 0, new int[] {1, 2}, 2, arena.allocate(64), new boolean[2]);
            MemorySegment ok = TestSupport.bundle(arena, 0, 1, 32);
            assertThrows(
                    IllegalStateException.class,
                    () -> cache.admit(access, new int[] {1, 2}, 2, new MemorySegment[] {ok, gone}));
            assertArrayEquals(new int[] {1}, cache.residentSlots(0), "the first was admitted, the failed one not");
            assertEquals(32, cache.residentBytes());
            assertEquals(1, cache.stats().admissions());
        }
    }
}
