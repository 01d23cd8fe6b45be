package dev.ripple.cache;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Seeds, bundle contents and random access sets shared by the cache tests. */
final class TestSupport {
    private TestSupport() {}

    /** The seed to use: -Dripple.test.seed=... replays a failure; otherwise a fresh one. */
    static long seed() {
        Long fixed = Long.getLong("ripple.test.seed");
        return fixed != null ? fixed : System.nanoTime();
    }

    interface Body {
        void run(SplittableRandom random) throws Exception;
    }

    /** Runs the body with a seeded RNG; a failure names the seed to replay it with. */
    static void seeded(long seed, Body body) {
        try {
            body.run(new SplittableRandom(seed));
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(
                    "failed with seed " + seed + " (replay: -Dripple.test.seed=" + seed + "): " + e.getMessage(), e);
        } catch (Exception e) {
            throw new AssertionError("failed with seed " + seed + ": " + e, e);
        }
    }

    /** The byte a bundle of (layer, slot) holds at offset j. */
    static byte pattern(int layer, int slot, long j) {
        return (byte) (layer * 131 + slot * 31 + j * 7 + 11);
    }

    static MemorySegment bundle(Arena arena, int layer, int slot, int bytes) {
        MemorySegment s = arena.allocate(bytes);
        for (int j = 0; j < bytes; j++) {
            s.set(ValueLayout.JAVA_BYTE, j, pattern(layer, slot, j));
        }
        return s;
    }

    /** Asserts out[i*bb .. ) holds the bundle of (layer, slot). */
    static void assertBundle(MemorySegment out, long offset, int layer, int slot, int bytes) {
        for (int j = 0; j < bytes; j++) {
            byte b = out.get(ValueLayout.JAVA_BYTE, offset + j);
            if (b != pattern(layer, slot, j)) {
                throw new AssertionError("layer " + layer + " slot " + slot + " byte " + j + ": expected "
                        + pattern(layer, slot, j) + " but was " + b);
            }
        }
    }

    /** A random ascending subset of 0..universe-1 of about the given density, with some runs. */
    static int[] randomSet(SplittableRandom r, int universe, double density) {
        int[] out = new int[universe];
        int n = 0;
        int s = 0;
        while (s < universe) {
            if (r.nextDouble() < density) {
                int len = 1 + (r.nextInt(4) == 0 ? r.nextInt(6) : 0);
                for (int j = 0; j < len && s < universe; j++) {
                    out[n++] = s++;
                }
            }
            s++;
        }
        return Arrays.copyOf(out, n);
    }

    /** The read of each slot when a planner merges gaps of at most {@code gap} slots. */
    static int[] readsOf(int[] slots, int gap) {
        int[] readOf = new int[slots.length];
        Runs.readGroups(slots, slots.length, gap, readOf);
        return readOf;
    }

    /** Slots of {@code slots} not hit, in order. */
    static int[] misses(int[] slots, boolean[] hit) {
        int[] out = new int[slots.length];
        int n = 0;
        for (int i = 0; i < slots.length; i++) {
            if (!hit[i]) {
                out[n++] = slots[i];
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** Does one token-layer on a real cache: lookup, check hit bytes, admit the misses; returns the misses. */
    static int[] step(BundleCache cache, Arena arena, int layer, int[] slots) {
        return step(cache, arena, layer, slots, 0);
    }

    /** Like {@link #step(BundleCache, Arena, int, int[])}, telling the cache reads planned with a slot gap of {@code readGap}. */
    static int[] step(BundleCache cache, Arena arena, int layer, int[] slots, int readGap) {
        int bb = cache.bundleBytes(layer);
        MemorySegment out = arena.allocate(Math.max(1, (long) slots.length * bb));
        boolean[] hit = new boolean[slots.length];
        CacheAccess access = new CacheAccess();
        int hits = cache.lookup(access, layer, slots, readsOf(slots, readGap), slots.length, out, hit);
        int counted = 0;
        for (int i = 0; i < slots.length; i++) {
            if (hit[i]) {
                counted++;
                assertBundle(out, (long) i * bb, layer, slots[i], bb);
            }
        }
        if (counted != hits) {
            throw new AssertionError("lookup returned " + hits + " but set " + counted + " hit flags");
        }
        int[] missed = misses(slots, hit);
        MemorySegment[] bundles = new MemorySegment[missed.length];
        for (int i = 0; i < missed.length; i++) {
            bundles[i] = bundle(arena, layer, missed[i], bb);
        }
        cache.admit(access, missed, missed.length, bundles);
        return missed;
    }
}
