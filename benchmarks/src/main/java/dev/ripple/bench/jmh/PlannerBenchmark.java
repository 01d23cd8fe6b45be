package dev.ripple.bench.jmh;

import dev.ripple.io.Extent;
import dev.ripple.io.ReadPlan;
import dev.ripple.io.ReadPlanBuffer;
import dev.ripple.io.ReadPlanner;
import dev.ripple.io.device.UfsPresets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU cost of {@link ReadPlanner#plan} on one token-layer, from extents ({@link #plan}), from
 * bundle offsets ({@link #planOffsets}) and from bundle offsets into a reused
 * {@link ReadPlanBuffer} ({@link #planInto}, the runtime's form): {@value #NEEDED} needed bundles of
 * {@value #BUNDLE_BYTES} B, sorted, one extent per bundle, in runs of 1–3 adjacent bundles separated
 * by gaps of 1 + Exp(mean 5.8) bundles (so about 175 runs over a layer of ~1,450 slots, most gaps
 * short and some long, close to MiniLM's
 * 344 active neurons in ~164 runs per token and layer, docs/PERFORMANCE.md section 2). 64 such
 * tokens are drawn once (seeded) and planned in turn. Planners: the cost model of the UFS 4.0 preset
 * at queue depth 32 and 1, the same at depth 32 with aligned reads (the direct-I/O mode), and fixed
 * gaps of 0 and 2 bundles (6,152 B).
 *
 * <p>Setup prints, per planner, the mean read operations and bytes read per token, so that the time
 * can be set against what the plan achieves.
 *
 * <pre>./ripple jmh PlannerBenchmark</pre>
 */
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
public class PlannerBenchmark extends ForkedBenchmark {

    static final int NEEDED = 350;
    static final int BUNDLE_BYTES = 3_076;
    static final int TOKENS = 64;
    /** Slots of the layer as far as the file size given to the aligned planner is concerned. */
    static final long MAX_SLOTS = 4096;
    /** Where the layer's bundles start in the file (some header and earlier layers before it). */
    static final long LAYER_OFFSET = 5L << 20;

    @Param({"cost-ufs40-q32", "cost-ufs40-q1", "cost-ufs40-q32-aligned", "fixed-0", "fixed-6152"})
    public String planner;

    private ReadPlanner readPlanner;
    private List<List<Extent>> tokens;
    /** The same tokens as bundle offsets, as the runtime plans them ({@link #planOffsets}). */
    private long[][] tokenOffsets;

    /** The plan {@link #planInto} overwrites on every call. */
    private final ReadPlanBuffer reused = new ReadPlanBuffer();

    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        readPlanner = switch (planner) {
            case "cost-ufs40-q32" -> ReadPlanner.costModel(UfsPresets.ufs40(), 32);
            case "cost-ufs40-q1" -> ReadPlanner.costModel(UfsPresets.ufs40(), 1);
            case "cost-ufs40-q32-aligned" ->
                ReadPlanner.costModel(UfsPresets.ufs40(), 32)
                        .withAlignedReads(4096, LAYER_OFFSET + MAX_SLOTS * BUNDLE_BYTES);
            case "fixed-0" -> ReadPlanner.fixedGap(0);
            case "fixed-6152" -> ReadPlanner.fixedGap(2L * BUNDLE_BYTES);
            default -> throw new IllegalArgumentException("unknown planner '" + planner + "'");
        };
        SplittableRandom rnd = new SplittableRandom(2026);
        tokens = new ArrayList<>(TOKENS);
        tokenOffsets = new long[TOKENS][];
        long ops = 0;
        long bytes = 0;
        int maxSlot = 0;
        for (int t = 0; t < TOKENS; t++) {
            List<Extent> token = new ArrayList<>(NEEDED);
            int slot = gap(rnd);
            while (token.size() < NEEDED) {
                int run = Math.min(rnd.nextInt(1, 4), NEEDED - token.size());
                for (int i = 0; i < run; i++, slot++) {
                    token.add(new Extent(LAYER_OFFSET + (long) slot * BUNDLE_BYTES, BUNDLE_BYTES));
                }
                slot += gap(rnd);
            }
            maxSlot = Math.max(maxSlot, slot);
            tokens.add(List.copyOf(token));
            tokenOffsets[t] = token.stream().mapToLong(Extent::offset).toArray();
            ReadPlan plan = readPlanner.plan(token);
            ops += plan.operations();
            bytes += plan.bytesRead();
        }
        if (maxSlot > MAX_SLOTS) {
            throw new IllegalStateException(
                    "token reaches slot " + maxSlot + ", past the " + MAX_SLOTS + " slots the file size assumes");
        }
        System.out.printf(
                "%n# %s: %s; per token: %.1f read operations, %.0f bytes read for %d needed%n",
                planner,
                readPlanner.describe(),
                ops / (double) TOKENS,
                bytes / (double) TOKENS,
                (long) NEEDED * BUNDLE_BYTES);
    }

    /** 1 + an exponential variate of mean 5.8 bundles: mean gap ~6.3, a tail of long gaps. */
    private static int gap(SplittableRandom rnd) {
        return 1 + (int) (-Math.log(1 - rnd.nextDouble()) * 5.8);
    }

    /** The extents as objects: the form of callers that hold their extents as a list. */
    @Benchmark
    public ReadPlan plan() {
        List<Extent> token = tokens.get(next);
        next = (next + 1) % TOKENS;
        return readPlanner.plan(token);
    }

    /** The bundles as offsets of one length, planned as a new value. */
    @Benchmark
    public ReadPlan planOffsets() {
        long[] token = tokenOffsets[next];
        next = (next + 1) % TOKENS;
        return readPlanner.plan(token, token.length, BUNDLE_BYTES);
    }

    /**
     * The bundles as offsets, planned into one reused buffer: the form {@code FlashFfn} plans every
     * token-layer in. Returns the buffer, so the plan is consumed.
     */
    @Benchmark
    public ReadPlanBuffer planInto() {
        long[] token = tokenOffsets[next];
        next = (next + 1) % TOKENS;
        readPlanner.planInto(token, token.length, BUNDLE_BYTES, reused);
        return reused;
    }
}
