package dev.ripple.bench.jmh;

import dev.ripple.placement.stats.CoActivationCounter;
import dev.ripple.placement.stats.CoActivationCounter.DenseMethod;
import dev.ripple.placement.stats.CountingOptions;
import dev.ripple.placement.stats.LayerStats;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;
import org.roaringbitmap.RoaringBitmap;

/**
 * Exact co-activation counting of one MiniLM-sized layer ({@value #NEURONS} neurons) with each
 * {@link DenseMethod}: scattered pair increments against per-neuron bitsets and popcounts, across
 * densities, to find where the bitsets start to pay. {@link CoActivationCounter} switches a token
 * block to bitsets when {@code sum_t |S_t|^2} exceeds a constant factor times
 * {@code n^2 x ceil(T/64)}; this benchmark is what that factor is read from. With every token
 * active at density {@code p}, {@code sum_t |S_t|^2 ~ p^2 n^2 T}, so a factor {@code c} puts the
 * switch at {@code p = sqrt(c/64)}: 0.25 gives 6.25%.
 *
 * <p>The trace is drawn once per trial (seeded): each of {@code tokens} tokens has each neuron
 * active independently with probability {@code density}. Real traces are correlated, but neither
 * method's work depends on which neurons co-fire, only on how many are active (pairs) or on
 * {@code n} and {@code T} (bitsets). The default {@code tokens} is one token block (below
 * {@link CountingOptions#tokenBlock}, so the whole trace is one block) and keeps the slowest case,
 * pair increments at 40%, under a second per operation on average on this machine. One operation is a whole
 * {@link CoActivationCounter#count(List, int)}: the {@code f(i)} pass, flattening the block and the
 * triangle's allocation are common to both methods, the bitset transposition is the bitset path's
 * own cost. Threads: {@link CountingOptions#defaults()} (2 on this machine), as in the product.
 * The break-even depends on the block length, so check {@code -p tokens=8192} (a full default
 * block) near the switch as well.
 *
 * <p>Setup prints the block's {@code sum_t |S_t|^2 / (n^2 ceil(T/64))}: the method that wins at a
 * density says whether the factor should sit below or above that value.
 *
 * <pre>
 * ./ripple jmh CoActivationBenchmark -f 1 -wi 3 -i 5
 * ./ripple jmh CoActivationBenchmark -f 1 -wi 3 -i 5 -p tokens=8192 -p density=0.04,0.05,0.06,0.07,0.08,0.1,0.12
 * </pre>
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CoActivationBenchmark extends ForkedBenchmark {

    static final int NEURONS = 1536;

    @Param({"0.01", "0.02", "0.05", "0.08", "0.1", "0.12", "0.15", "0.2", "0.4"})
    public double density;

    @Param({"PAIRS", "BITSETS"})
    public DenseMethod method;

    @Param({"2048"})
    public int tokens;

    private List<RoaringBitmap> trace;
    private CoActivationCounter counter;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom rnd = new SplittableRandom(2026);
        trace = new ArrayList<>(tokens);
        double squares = 0;
        long active = 0;
        for (int t = 0; t < tokens; t++) {
            RoaringBitmap set = new RoaringBitmap();
            for (int i = 0; i < NEURONS; i++) {
                if (rnd.nextDouble() < density) {
                    set.add(i);
                }
            }
            trace.add(set);
            double s = set.getCardinality();
            squares += s * s;
            active += set.getCardinality();
        }
        CountingOptions options = CountingOptions.defaults();
        if (!options.dense(NEURONS) || tokens > options.tokenBlock()) {
            throw new IllegalStateException("the layer must be counted exactly, as one token block");
        }
        counter = new CoActivationCounter(options, method);
        double words = (double) NEURONS * NEURONS * ((tokens + 63) / 64);
        System.out.printf(
                "%n# %s: %d tokens, %.1f of %d neurons active per token (%.2f%%), %d threads;"
                        + " sum |S_t|^2 / (n^2 ceil(T/64)) = %.4f%n",
                method,
                tokens,
                active / (double) tokens,
                NEURONS,
                100.0 * active / ((double) tokens * NEURONS),
                options.threads(),
                squares / words);
    }

    @Benchmark
    public LayerStats count() {
        return counter.count(trace, NEURONS);
    }
}
