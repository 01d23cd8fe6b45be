package dev.ripple.bench.jmh;

import dev.ripple.cache.BundleCache;
import dev.ripple.cache.CacheAccess;
import dev.ripple.cache.CachePolicies;
import dev.ripple.cache.CacheSettings;
import dev.ripple.cache.CacheStats;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU cost per token of {@link BundleCache}: for each of {@value #LAYERS} layers, {@code lookup}
 * of the needed slots (hits copied out) then {@code admit} of the misses, with each policy of
 * {@link CachePolicies#names()}. No flash is read: a miss is "read" from a DRAM segment, so the
 * figure is the cache's own cost (policy bookkeeping plus the copies in and out).
 *
 * <p>Synthetic stream, drawn once (seeded): each layer has {@value #SLOTS} slots of
 * {@value #BUNDLE_BYTES} B, cut into groups of 1–4 adjacent slots; 15% of the groups are hot
 * (active in a token with probability 0.9), the others cold (0.1), independently per token: about
 * 0.15 × 0.9 + 0.85 × 0.1 = 22% of each layer is active, in short runs. The hot slots (~15%) do
 * not all fit in the budget, and the cold ones bring ~1,100 one-off misses per token.
 * {@value #TOKENS} tokens are replayed in a loop; the budget is 10% of all bundle bytes. "lfu" is
 * seeded with the true {@code p_g} of every slot (what a profile would give it).
 *
 * <p>Teardown prints the cache's hit rate and miss runs (read operations) per token-layer over the
 * whole trial, warm-up included, so the time can be set against what each policy achieves.
 *
 * <pre>./ripple jmh CachePolicyBenchmark</pre>
 */
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
public class CachePolicyBenchmark extends ForkedBenchmark {

    static final int LAYERS = 6;
    static final int SLOTS = 1_536;
    static final int BUNDLE_BYTES = 3_076;
    static final int TOKENS = 2_048;
    static final double BUDGET_SHARE = 0.10;
    /** Share of groups that are hot, and the activation probabilities of hot and cold groups. */
    static final double HOT_GROUPS = 0.15;

    static final double HOT_P = 0.9;
    static final double COLD_P = 0.1;

    @Param({"none", "lru", "s3fifo", "lfu", "window", "linking"})
    public String policy;

    private Arena arena;
    private BundleCache cache;
    /** tokenSlots[t][layer]: ascending active slots. */
    private int[][][] tokenSlots;

    private MemorySegment[] flash;
    private MemorySegment out;
    private final boolean[] hit = new boolean[SLOTS];
    private final int[] missed = new int[SLOTS];
    private final MemorySegment[] missedBundles = new MemorySegment[SLOTS];
    private int next;
    private long tokensRun;

    @Setup(Level.Trial)
    public void setUp() {
        if (!CachePolicies.names().contains(policy)) {
            throw new IllegalArgumentException("unknown policy '" + policy + "'; known: " + CachePolicies.names());
        }
        SplittableRandom rnd = new SplittableRandom(2026);
        double[][] p = new double[LAYERS][SLOTS];
        int[][] groupEnd = new int[LAYERS][SLOTS];
        for (int layer = 0; layer < LAYERS; layer++) {
            for (int s = 0; s < SLOTS; ) {
                int len = Math.min(rnd.nextInt(1, 5), SLOTS - s);
                Arrays.fill(groupEnd[layer], s, s + len, s + len);
                double pg = rnd.nextDouble() < HOT_GROUPS ? HOT_P : COLD_P;
                for (int i = 0; i < len; i++) {
                    p[layer][s++] = pg;
                }
            }
        }
        tokenSlots = new int[TOKENS][LAYERS][];
        long active = 0;
        int[] buf = new int[SLOTS];
        for (int t = 0; t < TOKENS; t++) {
            for (int layer = 0; layer < LAYERS; layer++) {
                int n = 0;
                for (int s = 0; s < SLOTS; ) {
                    boolean on = rnd.nextDouble() < p[layer][s];
                    for (int end = groupEnd[layer][s]; s < end; s++) {
                        if (on) {
                            buf[n++] = s;
                        }
                    }
                }
                tokenSlots[t][layer] = Arrays.copyOf(buf, n);
                active += n;
            }
        }
        arena = Arena.ofShared();
        MemorySegment source = arena.allocate((long) SLOTS * BUNDLE_BYTES, 64);
        for (long b = 0; b < source.byteSize(); b += Long.BYTES) {
            source.set(ValueLayout.JAVA_LONG_UNALIGNED, b, rnd.nextLong());
        }
        flash = new MemorySegment[SLOTS];
        for (int s = 0; s < SLOTS; s++) {
            flash[s] = source.asSlice((long) s * BUNDLE_BYTES, BUNDLE_BYTES);
        }
        out = arena.allocate((long) SLOTS * BUNDLE_BYTES, 64);
        int[] bundleBytes = new int[LAYERS];
        Arrays.fill(bundleBytes, BUNDLE_BYTES);
        long budget = (long) (BUDGET_SHARE * LAYERS * SLOTS * BUNDLE_BYTES);
        cache = new BundleCache(
                budget,
                bundleBytes,
                policy.equals("lfu") ? new CacheSettings.Lfu(p).newPolicy() : CachePolicies.create(policy));
        System.out.printf(
                "%n# %s: %.1f%% of slots active per token, budget %d B%n",
                policy, 100.0 * active / ((double) TOKENS * LAYERS * SLOTS), budget);
    }

    private final CacheAccess access = new CacheAccess();

    /** One token: lookup and admit in every layer; returns the hits. */
    @Benchmark
    public int token() {
        int[][] layers = tokenSlots[next];
        next = (next + 1) % TOKENS;
        int hits = 0;
        for (int layer = 0; layer < LAYERS; layer++) {
            int[] slots = layers[layer];
            hits += cache.lookup(access, layer, slots, slots.length, out, hit);
            int m = 0;
            for (int i = 0; i < slots.length; i++) {
                if (!hit[i]) {
                    missed[m] = slots[i];
                    missedBundles[m++] = flash[slots[i]];
                }
            }
            cache.admit(access, missed, m, missedBundles);
        }
        tokensRun++;
        return hits;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        CacheStats s = cache.stats();
        System.out.printf(
                "%n# %s over %d tokens: hit rate %.3f, %.1f miss runs per token-layer, %d evictions%n",
                policy, tokensRun, s.hitRate(), cache.missRuns() / (double) (tokensRun * LAYERS), s.evictions());
        cache.close();
        arena.close();
    }
}
