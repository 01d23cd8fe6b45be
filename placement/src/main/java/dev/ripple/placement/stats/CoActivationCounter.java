package dev.ripple.placement.stats;

import dev.ripple.placement.trace.ActivationTrace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.roaringbitmap.ImmutableBitmapDataProvider;

/**
 * Counts {@code f(i)} and {@code f(i,j)} of one layer over a trace's tokens, in parallel.
 *
 * <p>Exact mode (the triangle fits {@link CountingOptions#maxDenseBytes}): the triangle is cut
 * into blocks of consecutive rows of about 512 KiB (one core's L2), which threads take from a
 * shared counter; for every token a thread adds the pairs whose smaller id lies in its block. No
 * two threads ever write the same count, so there are no atomics and no per-thread copies, and the
 * scattered increments stay in cache. Work is {@code sum_t |S_t|^2 / 2}.
 *
 * <p>That work grows with the square of the active set, so a dense layer (GELU models activate
 * ~40% of their neurons per token) spends most of its time on increments. For such token blocks
 * the counter instead transposes the block into a bitset per neuron ({@link NeuronBitsets}) and
 * takes each {@code f(i,j)} as the popcount of two bitsets' AND: {@code n^2/2 x T/64} word
 * operations, independent of density, which loses on sparse (ReLU) layers. Each token block picks
 * the cheaper one from its own {@code sum_t |S_t|^2}; the threads still own disjoint row blocks,
 * and both give the same exact counts.
 *
 * <p>Top-K mode (larger layers): blocks of rows are counted against all columns in a per-thread
 * scratch of about 512 KiB (a few rows), each row keeps its K partners of highest excess co-activation
 * ({@code f(i,j)·T − f(i)·f(j)}, see {@link NeighbourLists}) and the scratch is reused.
 * This needs the whole trace flattened once ({@code 4 x sum |S_t|} bytes) and twice the work.
 *
 * <pre>{@code
 * LayerStats stats = new CoActivationCounter(CountingOptions.defaults()).count(trace, layer);
 * }</pre>
 *
 * Results do not depend on the thread count.
 */
public final class CoActivationCounter {
    /** Triangle entries per row block in exact mode: 128 Ki ints = 512 KiB. */
    private static final int BLOCK_ENTRIES = 1 << 17;
    /**
     * Scratch ints per thread in top-K mode: 128 Ki ints = 512 KiB, a few full rows. Larger
     * scratch means fewer passes over the token cursors but increments that miss the cache; at
     * 32 MiB a 24,576-neuron layer of 20k tokens did not finish counting in two minutes.
     */
    private static final int SCRATCH_INTS = 1 << 17;
    /**
     * Cost of one popcounted word pair in pair increments, see {@link #useBitsets}. Measured with
     * {@code CoActivationBenchmark} (benchmarks module; docs/PERFORMANCE.md, "Co-activation
     * counting: pair increments against bitsets"), 1,536 neurons, random traces, the loaded 2-core
     * machine. In full blocks of 8,192 tokens (the default {@link CountingOptions#tokenBlock}) the
     * bitsets took over between 6% and 7% of neurons active per token in three runs (between 5% and
     * 8% in a fourth), where {@code sum_t |S_t|^2 / (n^2 x T/64)} is 0.23 to 0.32 (0.23 to 0.27 in
     * the run that tried 6.5%): hence 0.25, a switch at 6.25%. The 0.5 used before (an estimate
     * from a one-off timing) left full blocks of 6.5-8% on increments that took 1.10-1.81 times as
     * long as the bitsets.
     *
     * <p>The break-even is not a constant: shorter blocks break even later (2,048 tokens: between
     * 8% and 12%, ratio 0.41 to 0.92, in three runs), probably because the popcount loop also costs
     * something per neuron pair whatever the words. So a short block just above the switch takes the
     * bitsets although the increments would be faster. Either side the counts are the same; only the
     * time differs.
     */
    private static final double INCREMENTS_PER_WORD = 0.25;

    /**
     * How exact mode counts a token block. Both methods give identical counts, so the choice only
     * moves time: the product always uses {@link #BY_DENSITY}; forcing one method exists so that
     * the tests can compare the two exactly and the benchmark can time each at any density.
     */
    public enum DenseMethod {
        /** Scattered pair increments, {@code sum_t |S_t|^2/2} of them: cheap for sparse blocks. */
        PAIRS,
        /** Per-neuron bitsets and popcounts, {@code n^2/2 x T/64} words whatever the density. */
        BITSETS,
        /** Per token block, the cheaper of the two by the block's {@code sum_t |S_t|^2}. */
        BY_DENSITY
    }

    private final CountingOptions options;
    private final DenseMethod denseMethod;

    public CoActivationCounter(CountingOptions options) {
        this(options, DenseMethod.BY_DENSITY);
    }

    /**
     * A counter whose exact mode always uses {@code denseMethod}; top-K mode (layers beyond
     * {@link CountingOptions#maxDenseBytes}) is not affected. Use {@link #CoActivationCounter(CountingOptions)}
     * unless comparing the methods.
     */
    public CoActivationCounter(CountingOptions options, DenseMethod denseMethod) {
        this.options = options;
        this.denseMethod = Objects.requireNonNull(denseMethod, "denseMethod");
    }

    public CoActivationCounter() {
        this(CountingOptions.defaults());
    }

    public CountingOptions options() {
        return options;
    }

    /** Statistics of {@code layer} over all of the trace's tokens. */
    public LayerStats count(ActivationTrace trace, int layer) {
        return count(trace.layer(layer), trace.neurons(layer));
    }

    /** Statistics over the given active sets (ids in {@code 0..neurons-1}). */
    public LayerStats count(List<? extends ImmutableBitmapDataProvider> tokens, int neurons) {
        if (neurons < 1) {
            throw new IllegalArgumentException("a layer needs at least one neuron, got " + neurons);
        }
        for (int t = 0; t < tokens.size(); t++) {
            ImmutableBitmapDataProvider b = tokens.get(t);
            if (!b.isEmpty() && (b.last() < 0 || b.last() >= neurons)) { // ids are unsigned in a bitmap
                throw new IllegalArgumentException(
                        "token " + t + ": neuron ids " + b.first() + ".." + b.last() + " outside 0.." + (neurons - 1));
            }
        }
        int[] counts = new int[neurons];
        for (ImmutableBitmapDataProvider b : tokens) {
            b.forEach((int i) -> counts[i]++);
        }
        return options.dense(neurons) ? countDense(tokens, neurons, counts) : countTopK(tokens, neurons, counts);
    }

    /**
     * Heap bytes that counting {@code layer} exactly holds at its peak, or {@link Long#MAX_VALUE}
     * if the layer is beyond {@link CountingOptions#maxDenseBytes} and gets top-K lists (whose
     * whole-trace copy is not bounded by the token block). Callers that count several layers at
     * once use this to keep them together within the budget one layer alone was given; it covers
     * the counting only, not what a placement of the statistics allocates next to the triangle
     * ({@code PlacementAlgorithm.scratchBytes}).
     */
    public long denseWorkingBytes(ActivationTrace trace, int layer) {
        int n = trace.neurons(layer);
        if (!options.dense(n)) {
            return Long.MAX_VALUE;
        }
        List<ImmutableBitmapDataProvider> tokens = trace.layer(layer);
        long largestIds = 0;
        int blockTokens = Math.min(tokens.size(), options.tokenBlock());
        for (int from = 0; from < tokens.size(); from += options.tokenBlock()) {
            long ids = 0;
            for (int t = from; t < Math.min(tokens.size(), from + options.tokenBlock()); t++) {
                ids += tokens.get(t).getCardinality();
            }
            largestIds = Math.max(largestIds, ids);
        }
        return denseWorkingBytes(n, blockTokens, largestIds, options.threads());
    }

    /**
     * What {@link #countDense} allocates for {@code n} neurons at once: the triangle (kept as the
     * result), {@code f(i)} and the row bases, the token block's flattened copy ({@link TokenSets}:
     * an offset per token and {@code blockIds} ids), the block's {@link NeuronBitsets} (counted
     * whether or not the block takes them, since a dense block does) and each worker's cursors.
     * The one place this size is worked out, so that it follows the counter when that changes.
     */
    static long denseWorkingBytes(int n, int blockTokens, long blockIds, int threads) {
        long triangle = TriangleIndex.pairs(n) * Integer.BYTES;
        long perNeuron = 2L * n * Integer.BYTES; // counts, rowBase
        long tokenSets = ((long) blockTokens + 1 + blockIds) * Integer.BYTES;
        long bitsets = (long) n * NeuronBitsets.words(blockTokens) * Long.BYTES;
        long cursors = (long) threads * blockTokens * Integer.BYTES;
        return triangle + perNeuron + tokenSets + bitsets + cursors;
    }

    private DenseLayerStats countDense(List<? extends ImmutableBitmapDataProvider> tokens, int n, int[] counts) {
        int[] triangle = new int[(int) TriangleIndex.pairs(n)];
        int[] bounds = rowBlocks(n);
        int[] rowBase = new int[n];
        for (int i = 0; i < n; i++) {
            rowBase[i] = (int) TriangleIndex.rowBase(n, i);
        }
        for (int from = 0; from < tokens.size(); from += options.tokenBlock()) {
            Interrupts.stopIfInterrupted("co-activation counting");
            countBlock(
                    tokens, from, Math.min(tokens.size(), from + options.tokenBlock()), n, bounds, rowBase, triangle);
        }
        return new DenseLayerStats(tokens.size(), counts, triangle);
    }

    /**
     * Adds one token block's pairs to the triangle. A method of its own so that the block's copy
     * and bitsets become unreachable when it returns: as locals of the loop above, the previous
     * block's stayed referenced (from the frame's slots, in interpreted code) while the next block's
     * were built, twice what {@link #denseWorkingBytes} counts.
     */
    private void countBlock(
            List<? extends ImmutableBitmapDataProvider> tokens,
            int from,
            int to,
            int n,
            int[] bounds,
            int[] rowBase,
            int[] triangle) {
        TokenSets sets = TokenSets.of(tokens, from, to);
        AtomicInteger next = new AtomicInteger();
        if (useBitsets(sets, n)) {
            NeuronBitsets bits = NeuronBitsets.of(sets, n);
            parallel(() -> {
                for (int b; !interrupted() && (b = next.getAndIncrement()) < bounds.length - 1; ) {
                    bits.addRows(bounds[b], bounds[b + 1], n, rowBase, triangle);
                }
            });
        } else {
            parallel(() -> denseWorker(sets, bounds, rowBase, triangle, next));
        }
    }

    /**
     * Whether the block's pair increments ({@code sum_t |S_t|^2/2}) cost more than its popcounts
     * ({@code n^2/2 x T/64}, each {@link #INCREMENTS_PER_WORD} times as cheap as an increment).
     */
    private boolean useBitsets(TokenSets sets, int n) {
        return switch (denseMethod) {
            case PAIRS -> false;
            case BITSETS -> true;
            case BY_DENSITY -> {
                double increments = 0;
                for (int t = 0; t < sets.size(); t++) {
                    double s = sets.offsets[t + 1] - sets.offsets[t];
                    increments += s * s;
                }
                double words = (double) n * n * NeuronBitsets.words(sets.size());
                yield NeuronBitsets.fits(sets, n) && increments > words * INCREMENTS_PER_WORD;
            }
        };
    }

    private static void denseWorker(TokenSets sets, int[] bounds, int[] rowBase, int[] triangle, AtomicInteger next) {
        int[] off = sets.offsets;
        int[] ids = sets.ids;
        int tokens = sets.size();
        int[] cursor = Arrays.copyOf(off, tokens);
        for (int b; !interrupted() && (b = next.getAndIncrement()) < bounds.length - 1; ) {
            int r0 = bounds[b];
            int r1 = bounds[b + 1];
            for (int t = 0; t < tokens; t++) {
                int p = cursor[t];
                int end = off[t + 1];
                while (p < end && ids[p] < r0) {
                    p++;
                }
                while (p < end && ids[p] < r1) {
                    int base = rowBase[ids[p]];
                    for (int k = p + 1; k < end; k++) {
                        triangle[base + ids[k]]++;
                    }
                    p++;
                }
                cursor[t] = p;
            }
        }
    }

    /** Row boundaries so that each block holds about {@link #BLOCK_ENTRIES} triangle entries. */
    private static int[] rowBlocks(int n) {
        List<Integer> b = new ArrayList<>();
        b.add(0);
        long acc = 0;
        for (int i = 0; i < n; i++) {
            acc += n - 1 - i;
            if (acc >= BLOCK_ENTRIES) {
                b.add(i + 1);
                acc = 0;
            }
        }
        if (b.getLast() != n) {
            b.add(n);
        }
        return b.stream().mapToInt(Integer::intValue).toArray();
    }

    private TopKLayerStats countTopK(List<? extends ImmutableBitmapDataProvider> tokens, int n, int[] counts) {
        TokenSets sets = TokenSets.of(tokens, 0, tokens.size());
        int rowsPerBlock = Math.max(1, SCRATCH_INTS / n);
        int blocks = (n + rowsPerBlock - 1) / rowsPerBlock;
        int[][] ids = new int[n][];
        int[][] joints = new int[n][];
        AtomicInteger next = new AtomicInteger();
        parallel(() -> {
            int[] scratch = new int[rowsPerBlock * n];
            int[] cursor = Arrays.copyOf(sets.offsets, sets.size());
            for (int b; !interrupted() && (b = next.getAndIncrement()) < blocks; ) {
                int r0 = b * rowsPerBlock;
                int r1 = Math.min(n, r0 + rowsPerBlock);
                for (int t = 0; t < sets.size(); t++) {
                    int start = sets.offsets[t];
                    int end = sets.offsets[t + 1];
                    int p = cursor[t];
                    while (p < end && sets.ids[p] < r0) {
                        p++;
                    }
                    while (p < end && sets.ids[p] < r1) {
                        int row = (sets.ids[p] - r0) * n;
                        for (int k = start; k < end; k++) {
                            scratch[row + sets.ids[k]]++;
                        }
                        p++;
                    }
                    cursor[t] = p;
                }
                for (int i = r0; i < r1; i++) {
                    int row = (i - r0) * n;
                    scratch[row + i] = 0; // the diagonal counted f(i)
                    TopSelector top = new TopSelector(options.topK());
                    long tokenCount = tokens.size();
                    for (int j = 0; j < n; j++) {
                        int w = scratch[row + j];
                        if (w > 0) {
                            top.offer(j, w, TopSelector.excess(w, tokenCount, counts[i], counts[j]));
                        }
                    }
                    int[][] s = top.sorted();
                    ids[i] = s[0];
                    joints[i] = s[1];
                }
                Arrays.fill(scratch, 0, (r1 - r0) * n, 0);
            }
        });
        return new TopKLayerStats(tokens.size(), counts, NeighbourLists.of(ids, joints));
    }

    /**
     * Whether this thread was interrupted (left set): the workers check it before each row block,
     * so that a caller that gives up on a layer (placing several at once, one failed) stops its
     * counting within a block rather than after the whole layer.
     */
    private static boolean interrupted() {
        return Thread.currentThread().isInterrupted();
    }

    /** Runs {@code task} on {@code threads} threads and waits; the caller's thread is one of them. */
    private void parallel(Runnable task) {
        int extra = options.threads() - 1;
        if (extra == 0) {
            task.run();
        } else {
            onPool(task, extra);
        }
        // An interrupted caller took no rows; on several threads get() of a future already done
        // does not look at the interrupt, so without this a small count raced the workers and returned.
        Interrupts.stopIfInterrupted("co-activation counting");
    }

    /** {@code task} on this thread and {@code extra} pool threads, waited for. */
    private static void onPool(Runnable task, int extra) {
        try (ExecutorService pool = Executors.newFixedThreadPool(extra, r -> {
            Thread t = new Thread(r, "ripple-coactivation");
            t.setDaemon(true);
            return t;
        })) {
            List<Future<?>> futures = new ArrayList<>();
            for (int k = 0; k < extra; k++) {
                futures.add(pool.submit(task));
            }
            task.run();
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            // closing the pool above interrupted the workers, which stop at their next row block
            Thread.currentThread().interrupt();
            CancellationException stop = new CancellationException("co-activation counting interrupted");
            stop.initCause(e);
            throw stop;
        } catch (ExecutionException e) {
            throw new IllegalStateException("co-activation counting failed", e.getCause());
        }
    }
}
