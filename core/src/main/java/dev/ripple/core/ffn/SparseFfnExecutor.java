package dev.ripple.core.ffn;

import static dev.ripple.core.tensor.LittleEndian.F32;
import static dev.ripple.core.tensor.LittleEndian.I16;

import dev.ripple.core.format.FfnLayerSpec;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.ThreadScratch;
import dev.ripple.core.tensor.kernels.KernelProvider;
import dev.ripple.core.tensor.kernels.Kernels;
import dev.ripple.io.concurrent.PerThread;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Computes an FFN layer over the bundles of its active neurons only:
 * {@code out = downBias + Σ_{i ∈ active} act_i · down[:, i]}. Activations are recomputed exactly
 * from the loaded rows, so a predictor's false positives cost I/O but never accuracy.
 *
 * <pre>{@code
 * SparseFfnExecutor ffn = new SparseFfnExecutor(spec, downBias);
 * BundleRefs refs = new BundleRefs();
 * refs.add(slot, segment, offsetOfBundle);   // for each active neuron
 * ffn.forward(x, refs, out, null);
 * }</pre>
 *
 * <p>Thread-safe: a call's state is its own or, for the widening scratch and the sums, its
 * thread's. Large active sets are split into parts, run across the cores, each part accumulating
 * privately, then summed in part order. How many parts, and where each begins, depends on the
 * call's work alone, never on the cores or on which thread ran a part: the same inputs give the
 * same bits on any number of cores, cold or warm (the kernels round alike whether compiled or
 * not, see {@link Kernels}), on one machine and on machines of the same vector width.
 */
public final class SparseFfnExecutor {
    /** Below this many weight elements touched per token, one thread is faster than forking. */
    static final long PARALLEL_ELEMENTS = 1L << 18;

    /**
     * At most this many parts per call: a part per {@link #PARALLEL_ELEMENTS} of work up to this.
     * Fixed, not the cores, because the parts' sums are added in part order and so a different
     * number of parts rounds differently. 8 uses up to 8 cores, a phone's or a laptop's, for one
     * call; each part costs one more add of its sums (dModel floats a token) into the total.
     */
    static final int MAX_PARTS = 8;

    /**
     * The most floats of sums and transposed tokens a thread keeps between split calls (16 MiB):
     * room for the sets a decode step or a 64-token prefill chunk of a 7B model takes (16 KB a
     * token at dModel 4,096, a set per part that needed one), not for a long chunk's.
     */
    static final long SPLIT_KEPT_FLOATS = 4L << 20;

    /**
     * Where a one-part token's non-f32 rows are widened: one array per thread, not one per call (a
     * sequence stages its rows in its {@link SequenceScratch}).
     */
    private static final ThreadScratch WIDENING = new ThreadScratch();

    /**
     * Where {@link #forward} sums a token that runs as one part: one array per thread, not one per
     * token. Its own holder, because a token's rows are widened while its sum is live.
     */
    private static final ThreadScratch SUM = new ThreadScratch();
    /** A one-part sequence's tokens transposed, per thread. */
    private static final ThreadScratch TRANSPOSED = new ThreadScratch();

    /**
     * {@link #forwardAll}'s working memory on each thread: see {@link SequenceScratch}. Per thread
     * by a {@link PerThread}, which a common-pool worker keeps across its idle gaps (a thread-local
     * is cleared in each), as {@link #SPLIT}.
     */
    private static final PerThread<SequenceScratch> SEQUENCE = PerThread.of(SequenceScratch::new);

    /** A split call's sums and transposed tokens, on its calling thread: see {@link SplitScratch}. */
    private static final PerThread<SplitScratch> SPLIT = PerThread.of(SplitScratch::new);

    private final FfnLayerSpec spec;
    private final float[] downBias;
    private final Kernels kernels;
    /** Mean fill-in: m by slot (null when off); its constant is folded into {@link #downBias}. */
    private final float[] fillMeanBySlot;

    public SparseFfnExecutor(FfnLayerSpec spec, float[] downBias) {
        this(spec, downBias, KernelProvider.best());
    }

    public SparseFfnExecutor(FfnLayerSpec spec, float[] downBias, Kernels kernels) {
        this(spec, downBias, kernels, null, null);
    }

    /**
     * An executor with mean fill-in (see {@link dev.ripple.core.activity.FillIn}): loaded neurons
     * contribute {@code (a − m_slot)·d}, and {@code fillConstant} is added to the bias.
     *
     * @param fillMeanBySlot m per slot, or null for no fill-in
     * @param fillConstant   Σ m·d over all neurons, or null for no fill-in
     */
    public SparseFfnExecutor(
            FfnLayerSpec spec, float[] downBias, Kernels kernels, float[] fillMeanBySlot, float[] fillConstant) {
        if ((fillMeanBySlot == null) != (fillConstant == null)
                || (fillMeanBySlot != null
                        && (fillMeanBySlot.length != spec.dFfn() || fillConstant.length != spec.dModel()))) {
            throw new IllegalArgumentException("layer " + spec.index() + ": fill-in needs " + spec.dFfn()
                    + " means and a constant of " + spec.dModel());
        }
        if (downBias.length != spec.dModel()) {
            throw new IllegalArgumentException("layer " + spec.index() + ": down bias has " + downBias.length
                    + " elements, expected " + spec.dModel());
        }
        this.spec = spec;
        this.downBias = downBias.clone();
        this.kernels = kernels;
        this.fillMeanBySlot = fillMeanBySlot == null ? null : fillMeanBySlot.clone();
        if (fillConstant != null) {
            for (int k = 0; k < spec.dModel(); k++) {
                this.downBias[k] += fillConstant[k];
            }
        }
    }

    public FfnLayerSpec spec() {
        return spec;
    }

    public Kernels kernels() {
        return kernels;
    }

    /** True when this executor applies mean fill-in. */
    public boolean fillIn() {
        return fillMeanBySlot != null;
    }

    /**
     * {@code out} may be {@code x} (the output replaces the input): the sum is kept apart from
     * {@code out} until every bundle has been applied, because each bundle's activation reads all of
     * {@code x}, and summing into {@code out} directly would change the input of the bundles after
     * the first. Keeping it apart also leaves {@code out} as it was when a call fails part way (a
     * closed segment). A one-part token sums in an array of its thread's, not a new one: nothing
     * can run on that thread between the zeroing and the last add (the kernels never wait). A split
     * token sums in arrays of its calling thread's too ({@link SplitScratch}), which that thread
     * holds, marked busy, until the output is written: the parts on other threads write into them,
     * and a call that found them busy (if its thread ever ran another forward while waiting for
     * parts) takes new ones rather than share.
     *
     * @param x           the layer input, {@code dModel} floats
     * @param bundles     the active neurons' bundles
     * @param out         receives the layer output, {@code dModel} floats; may be {@code x}
     * @param activations if not null, receives act_i for bundle i of {@code bundles}
     */
    public void forward(float[] x, BundleRefs bundles, float[] out, float[] activations) {
        forward(x, bundles, out, activations, null, null);
    }

    /**
     * As {@link #forward(float[], BundleRefs, float[], float[])}, with the activations of some
     * bundles already computed by {@link #activations} (while the others were being read): bundle
     * i uses {@code precomputed[i]} where {@code known[i]}. The activation is the same
     * deterministic dot product either way, and the down rows are summed in the same order, so the
     * output is bit for bit the one without precomputation.
     */
    public void forward(
            float[] x, BundleRefs bundles, float[] out, float[] activations, boolean[] known, float[] precomputed) {
        int d = spec.dModel();
        if (x.length < d || out.length < d) {
            throw new IllegalArgumentException("layer " + spec.index() + ": input and output need " + d + " floats");
        }
        int n = bundles.size();
        int parts = parts((long) n * spec.bundleElements(), n);
        if (parts <= 1) {
            float[] acc = SUM.floats(d);
            Arrays.fill(acc, 0, d, 0f);
            accumulate(x, bundles, 0, n, acc, activations, known, precomputed, WIDENING.floats(d));
            finish(acc, out);
            return;
        }
        SplitScratch split = SplitScratch.acquire();
        try {
            float[][] acc = runParts(
                    split,
                    parts,
                    shared(bundles),
                    1,
                    d,
                    (p, sums, own) -> accumulate(
                            x,
                            bundles,
                            bounds(n, parts, p),
                            bounds(n, parts, p + 1),
                            sums[0],
                            activations,
                            known,
                            precomputed,
                            own.widening(d)));
            finish(acc[0], out);
        } catch (Throwable t) {
            split.abandon();
            throw t;
        }
        split.release();
    }

    /**
     * A sequence at once (prefill): {@code outs[t]} is the FFN of {@code xs[t]} over the bundles
     * that token t uses. Each bundle of {@code union} is visited once and applied to every token
     * that uses it while its rows are in the CPU cache, instead of streaming the bundles from
     * memory once per token; for a sentence this divides the memory traffic by its length.
     * Contributions reach each token's sum in the order of {@code union}, so with one part the
     * results equal {@link #forward} token by token over the same bundles up to the rounding of
     * the dot products, which sum in the tiles' order.
     *
     * <p>{@code outs[t]} may be {@code xs[t]}: the sums are kept apart from {@code outs} and written
     * to them only after every bundle has been applied, since each bundle reads its users' inputs.
     * A sequence that runs in one part sums, and transposes its tokens, in arrays of its thread's
     * ({@link SequenceScratch}); a split one in other arrays of its calling thread's
     * ({@link SplitScratch}), for the reason {@link #forward} gives.
     *
     * @param union       every bundle used by at least one token
     * @param usersStart  for bundle i of union, its users are {@code users[usersStart[i] .. usersStart[i + 1])}
     * @param users       token indices, ascending within each bundle
     */
    public void forwardAll(float[][] xs, BundleRefs union, int[] usersStart, int[] users, float[][] outs) {
        if (outs.length != xs.length) {
            throw new IllegalArgumentException(
                    "layer " + spec.index() + ": " + xs.length + " inputs but " + outs.length + " outputs");
        }
        forwardAll(xs, xs.length, union, usersStart, users, outs);
    }

    /** As {@link #forwardAll(float[][], BundleRefs, int[], int[], float[][])} for the first {@code tokens} rows. */
    public void forwardAll(float[][] xs, int tokens, BundleRefs union, int[] usersStart, int[] users, float[][] outs) {
        int d = spec.dModel();
        if (xs.length < tokens || outs.length < tokens) {
            throw new IllegalArgumentException("layer " + spec.index() + ": " + tokens + " tokens but " + xs.length
                    + " inputs and " + outs.length + " outputs");
        }
        for (int t = 0; t < tokens; t++) {
            if (xs[t].length < d || outs[t].length < d) {
                throw new IllegalArgumentException(
                        "layer " + spec.index() + ": input and output need " + d + " floats");
            }
        }
        int n = union.size();
        int parts = parts((long) usersStart[n] * spec.bundleElements(), n);
        float[][] acc;
        // The tokens transposed once for every bundle, unless padding them to whole vectors would
        // waste more than it saves (a handful of tokens).
        int stride = kernels.transposedStride(tokens);
        boolean transposed = stride <= 2 * tokens;
        if (parts <= 1) {
            SequenceScratch own = SEQUENCE.get();
            float[] xT = null;
            if (transposed) {
                xT = TRANSPOSED.floats(d * stride);
                kernels.transpose(xs, tokens, d, xT);
            }
            acc = own.sums(tokens, d);
            accumulateAll(xs, xT, stride, union, usersStart, users, 0, n, tokens, acc, own);
        } else {
            SplitScratch split = SplitScratch.acquire();
            try {
                float[] xT = null;
                if (transposed) {
                    xT = split.transposed(d * stride);
                    kernels.transpose(xs, tokens, d, xT);
                }
                float[] tokensT = xT;
                acc = runParts(
                        split,
                        parts,
                        shared(union),
                        tokens,
                        d,
                        (p, sums, own) -> accumulateAll(
                                xs,
                                tokensT,
                                stride,
                                union,
                                usersStart,
                                users,
                                bounds(n, parts, p),
                                bounds(n, parts, p + 1),
                                tokens,
                                sums,
                                own));
                for (int t = 0; t < tokens; t++) {
                    finish(acc[t], outs[t]);
                }
            } catch (Throwable t) {
                split.abandon();
                throw t;
            }
            split.release();
            return;
        }
        for (int t = 0; t < tokens; t++) {
            finish(acc[t], outs[t]);
        }
    }

    /**
     * Adds, for bundles [from, to) of the union, each one's contribution to each of its users, four
     * bundles at a time: their up (and gate) rows against every token, transposed
     * ({@link Kernels#dotRowsTransposed}; for a handful of tokens only against those that use one of
     * the four, {@link Kernels#dotRows}), then their down columns into their users' sums, each sum
     * loaded and stored once per four bundles ({@link Kernels#axpyRows}). A passage's tokens share
     * most of their neurons, so computing a bundle's pre-activation for a token that does not use it
     * costs less than the horizontal sums the tiles need. A token that does
     * not use a bundle of the block gets coefficient 0 for it, which adds nothing; each token's sum
     * still receives its bundles in union order. Its working arrays, rows staged among them, are
     * {@code arrays}: its thread's for a one-part sequence (it never waits, so nothing else runs on
     * the thread meanwhile), the call's for a part ({@link SplitScratch}).
     *
     * @param tokens the sequence's length; {@code acc} has a sum for each of them, perhaps more rows
     */
    private void accumulateAll(
            float[][] xs,
            float[] xT,
            int stride,
            BundleRefs b,
            int[] usersStart,
            int[] users,
            int from,
            int to,
            int tokens,
            float[][] acc,
            SequenceScratch arrays) {
        SequenceScratch own = arrays.forTokens(tokens);
        // own.segs is the thread's (or the call's), emptied when the call ends (normally or not): an array kept full
        // would hold the last call's segments, and with them an automatic arena's memory, reachable.
        try {
            accumulateBlocks(xs, xT, stride, b, usersStart, users, from, to, tokens, acc, own);
        } finally {
            Arrays.fill(own.segs, null);
        }
    }

    /** {@link #accumulateAll}'s loop over blocks of four bundles, with its arrays. */
    private void accumulateBlocks(
            float[][] xs,
            float[] xT,
            int stride,
            BundleRefs b,
            int[] usersStart,
            int[] users,
            int from,
            int to,
            int tokens,
            float[][] acc,
            SequenceScratch own) {
        int d = spec.dModel();
        float[] scratch = own.widening(Kernels.MAX_ROWS * d);
        MemorySegment[] segs = own.segs;
        DType t = spec.dtype();
        int rowsMax = Kernels.MAX_ROWS;
        long[] ups = own.ups;
        long[] gates = own.gates;
        long[] downs = own.downs;
        float[] upBias = own.upBias;
        float[] gateBias = own.gateBias;
        float[] mean = own.mean;
        int[] block = own.block;
        int[] position = own.position;
        int[] stamp = own.stamp;
        Arrays.fill(stamp, 0, tokens, -1);
        float[] up = own.up;
        float[] gate = own.gate;
        float[] coef = own.coef;
        boolean vectorGelu = !spec.gated() && spec.activation() == Activation.GELU;
        for (int i = from; i < to; i += rowsMax) {
            int rows = Math.min(rowsMax, to - i);
            int count = 0;
            for (int r = 0; r < rows; r++) {
                segs[r] = b.segment(i + r);
                long base = b.offset(i + r);
                ups[r] = base;
                gates[r] = base + spec.gateOffsetBytes();
                downs[r] = base + spec.downOffsetBytes();
                upBias[r] = biasAt(segs[r], base + spec.upBiasOffsetBytes());
                gateBias[r] = spec.gated() ? biasAt(segs[r], base + spec.gateBiasOffsetBytes()) : 0f;
                mean[r] = fillMeanBySlot == null ? 0f : fillMeanBySlot[b.slot(i + r)];
                for (int u = usersStart[i + r]; u < usersStart[i + r + 1]; u++) {
                    int tok = users[u];
                    if (stamp[tok] != i) {
                        stamp[tok] = i;
                        position[tok] = count;
                        block[count++] = tok;
                    }
                }
            }
            if (count == 0) {
                continue;
            }
            // pre-activations at [r·width + column], column the token (transposed) or its place in block
            int width = xT != null ? tokens : count;
            if (xT != null) {
                kernels.dotRowsTransposed(t, segs, ups, rows, xT, stride, tokens, d, scratch, up);
                if (spec.gated()) {
                    kernels.dotRowsTransposed(t, segs, gates, rows, xT, stride, tokens, d, scratch, gate);
                }
            } else {
                kernels.dotRows(t, segs, ups, rows, xs, block, count, d, scratch, up);
                if (spec.gated()) {
                    kernels.dotRows(t, segs, gates, rows, xs, block, count, d, scratch, gate);
                }
            }
            Arrays.fill(coef, 0, rows * count, 0f);
            if (vectorGelu) { // the block's pre-activations through the vector GELU at once
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < width; c++) {
                        up[r * width + c] += upBias[r];
                    }
                }
                kernels.gelu(up, 0, rows * width);
                for (int r = 0; r < rows; r++) {
                    for (int u = usersStart[i + r]; u < usersStart[i + r + 1]; u++) {
                        int tok = users[u];
                        coef[r * count + position[tok]] = up[r * width + (xT != null ? tok : position[tok])] - mean[r];
                    }
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    for (int u = usersStart[i + r]; u < usersStart[i + r + 1]; u++) {
                        int tok = users[u];
                        int at = r * width + (xT != null ? tok : position[tok]);
                        float z = up[at] + upBias[r];
                        coef[r * count + position[tok]] =
                                (spec.gated() ? spec.neuron(z, gate[at] + gateBias[r]) : spec.activate(z)) - mean[r];
                    }
                }
            }
            kernels.axpyRows(t, segs, downs, rows, coef, acc, block, count, d, scratch);
        }
    }

    /**
     * {@link #forwardAll}'s working memory on one thread, grown on demand and reused: the block
     * arrays of {@link #accumulateAll}, where it stages its rows among them, and, for a sequence that runs in one part, its sums (its
     * transposed tokens: {@link #TRANSPOSED}). A split call's parts take theirs, with their rows'
     * widening scratch, from the call ({@link SplitScratch}), not from the threads that run them.
     * The contents are garbage between calls; each call writes before it reads (the sums are zeroed,
     * the stamps reset). A split sequence's sums and transposed tokens are not these: they live while
     * its thread waits for the other parts, and other threads write them ({@link SplitScratch}).
     */
    private static final class SequenceScratch {
        /** The block's segments; null outside a call ({@link #accumulateAll} empties it). */
        final MemorySegment[] segs = new MemorySegment[Kernels.MAX_ROWS];

        final long[] ups = new long[Kernels.MAX_ROWS];
        final long[] gates = new long[Kernels.MAX_ROWS];
        final long[] downs = new long[Kernels.MAX_ROWS];
        final float[] upBias = new float[Kernels.MAX_ROWS];
        final float[] gateBias = new float[Kernels.MAX_ROWS];
        final float[] mean = new float[Kernels.MAX_ROWS];
        /** By token: for the current block, its place in the block and the block it was placed for. */
        int[] block = new int[0];

        int[] position = new int[0];
        int[] stamp = new int[0];
        /** Pre-activations and coefficients, {@code MAX_ROWS} rows by token. */
        float[] up = new float[0];

        float[] gate = new float[0];
        float[] coef = new float[0];
        private float[][] sums = new float[0][0];
        /** Where {@link #accumulateAll} widens or stages its block's rows. */
        private float[] widening = new float[0];

        /** At least {@code n} floats of widening scratch, contents garbage. */
        float[] widening(int n) {
            if (widening.length < n) {
                widening = new float[n];
            }
            return widening;
        }

        /** This, with the block arrays for {@code tokens} tokens. */
        SequenceScratch forTokens(int tokens) {
            if (block.length < tokens) {
                block = new int[tokens];
                position = new int[tokens];
                stamp = new int[tokens];
                up = new float[Kernels.MAX_ROWS * tokens];
                gate = new float[Kernels.MAX_ROWS * tokens];
                coef = new float[Kernels.MAX_ROWS * tokens];
            }
            return this;
        }

        /** Zeroed sums of {@code d} floats for {@code tokens} tokens (the rows may be longer, and more). */
        float[][] sums(int tokens, int d) {
            if (sums.length < tokens || (tokens > 0 && sums[0].length < d)) {
                sums = new float[Math.max(tokens, sums.length)][Math.max(d, sums.length == 0 ? 0 : sums[0].length)];
            }
            for (int t = 0; t < tokens; t++) {
                Arrays.fill(sums[t], 0, d, 0f);
            }
            return sums;
        }
    }

    /** A thread that never runs: asks whether a segment may be touched by threads other than its owner. */
    private static final Thread ANY_OTHER_THREAD = Thread.ofVirtual().unstarted(() -> {});

    /**
     * Confined segments (a caller's {@code Arena.ofConfined()}) keep the work on the calling thread.
     * Which threads may touch a segment is its arena's property, and segments of one arena have equal
     * {@link MemorySegment#scope() scopes}: bundles of one mapped file, cache or read buffer (separate
     * slices of it when read from flash) are asked once per run of one scope, not each bundle.
     */
    private static boolean shared(BundleRefs b) {
        MemorySegment.Scope checked = null;
        for (int i = 0; i < b.size(); i++) {
            MemorySegment s = b.segment(i);
            if (!s.scope().equals(checked)) {
                if (!s.isAccessibleBy(ANY_OTHER_THREAD)) {
                    return false;
                }
                checked = s.scope();
            }
        }
        return true;
    }

    /** The floats of sums and transposed tokens the calling thread keeps for its next split call. */
    static long keptSplitFloats() {
        return SPLIT.get().keptFloats();
    }

    /** The parts of a call of {@code work} weight elements over {@code n} bundles: from the work alone. */
    private static int parts(long work, int n) {
        return (int) Math.min(Math.min(MAX_PARTS, work / PARALLEL_ELEMENTS), n);
    }

    /**
     * One part of a split call: adds its bundles' contributions into {@code sums}, zeroed, with
     * {@code own} as its working arrays (those of the worker that runs it, for this call).
     */
    private interface Part {
        void run(int part, float[][] sums, SequenceScratch own);
    }

    /**
     * Runs parts 0 .. parts − 1 of a split call, each once into sums of its own, and returns their
     * sums added in part order, {@code ((s0 + s1) + s2) + …}: each s_p is its part's alone, so the
     * bits depend neither on which thread ran a part nor on how many threads ran. The calling thread
     * works and, when {@code spread}, up to cores − 1 common-pool threads (the pool's parallelism),
     * each taking the next part not yet taken until none is left: every core works, a caller on a
     * pool thread cannot starve, parts of uneven cost balance. Confined segments ({@code spread}
     * false) keep every part on the calling thread. A part's sums are added as soon as those of
     * the parts before it are, and its arrays then serve a later part on the same thread, so a call
     * usually holds about one set of arrays per thread; while part 0 is still running, the parts
     * finished after it wait with theirs, up to one set per part. The sets are {@code split}'s, the
     * calling thread's, kept for its next split call, and so are the working arrays of each worker
     * that takes a part: after the first calls of a size, none is allocated. Only the few small
     * objects that hand the parts out (the counter, the tasks) are new; they are per call because a
     * helper the pool starts late must find its own call's parts gone, not the next call's.
     *
     * @return the total, {@code rows} sums of d floats (its rows may be longer, and more)
     */
    private static float[][] runParts(SplitScratch split, int parts, boolean spread, int rows, int d, Part part) {
        InOrder order = new InOrder(split, parts, rows, d);
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            float[][] free = null;
            SequenceScratch own = null;
            try {
                for (int p = next.getAndIncrement(); p < parts; p = next.getAndIncrement()) {
                    float[][] sums = p == 0 ? order.total : zeroed(free != null ? free : order.take(), rows, d);
                    if (own == null) {
                        own = order.worker();
                    }
                    part.run(p, sums, own);
                    free = order.finished(p, sums);
                }
            } catch (Throwable t) {
                order.failed(t);
                throw t;
            }
        };
        int helpers = spread ? Math.min(parts, Runtime.getRuntime().availableProcessors()) - 1 : 0;
        // Plain tasks, not CompletableFutures: cancelling a CompletableFuture that has not
        // completed allocates a CancellationException (with its stack), at most calls.
        ForkJoinTask<?>[] others = new ForkJoinTask<?>[helpers];
        for (int h = 0; h < helpers; h++) {
            others[h] = ForkJoinTask.adapt(worker);
            ForkJoinPool.commonPool().execute(others[h]);
        }
        worker.run();
        // The parts, not the helpers: a helper the busy pool has not started yet would find no
        // part left, so the call does not wait for it (cancelled, it does not run at all).
        for (ForkJoinTask<?> other : others) {
            other.cancel(false);
        }
        order.awaitAll();
        return order.total;
    }

    /** {@code sums} with its first {@code rows} rows zeroed up to {@code d}: all a part adds into. */
    private static float[][] zeroed(float[][] sums, int rows, int d) {
        for (int r = 0; r < rows; r++) {
            Arrays.fill(sums[r], 0, d, 0f);
        }
        return sums;
    }

    /**
     * The total of a split call: part 0 sums into it directly, each later part's sums are added to
     * it once every part before has been, so in part order whatever order the parts finish in.
     */
    private static final class InOrder {
        final float[][] total;
        /** By part: sums finished but not yet added (a part before them is still running). */
        private final float[][][] waiting;
        /** Parts [0, added) are in the total. */
        private int added;

        private final SplitScratch split;
        private final int rows;
        private final int d;
        /** Sets of {@link #split} handed out so far; set 0 is the total. */
        private int taken = 1;
        /** Workers' arrays of {@link #split} handed out so far. */
        private int workers;

        InOrder(SplitScratch split, int parts, int rows, int d) {
            this.split = split;
            this.rows = rows;
            this.d = d;
            total = zeroed(split.set(0, rows, d), rows, d);
            waiting = new float[parts][][];
        }

        /** A set of sums no part of this call holds, not zeroed; at most one per part. */
        synchronized float[][] take() {
            return split.set(taken++, rows, d);
        }

        /** Working arrays no other worker of this call holds; at most one per worker. */
        synchronized SequenceScratch worker() {
            return split.worker(workers++);
        }

        /** The first failure of a part on another thread, which the caller throws. */
        private Throwable failure;

        /** Waits until every part is in the total; throws a part's failure instead. */
        synchronized void awaitAll() {
            boolean interrupted = false;
            while (added < waiting.length && failure == null) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true; // parts in progress still write into the call's arrays
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (failure != null) {
                throw new CompletionException(failure);
            }
        }

        synchronized void failed(Throwable t) {
            if (failure == null) {
                failure = t;
            }
            notifyAll();
        }

        /** Part p's sums are complete: adds what can be added; returns sums now added, free for reuse, or null. */
        synchronized float[][] finished(int p, float[][] sums) {
            waiting[p] = sums;
            float[][] free = null;
            for (; added < waiting.length && waiting[added] != null; added++) {
                float[][] s = waiting[added];
                waiting[added] = null;
                if (s != total) {
                    for (int r = 0; r < rows; r++) {
                        float[] into = total[r];
                        float[] from = s[r];
                        for (int k = 0; k < d; k++) {
                            into[k] += from[k];
                        }
                    }
                    free = s;
                }
            }
            if (added == waiting.length) {
                notifyAll();
            }
            return free;
        }
    }

    /**
     * A split call's arrays on its calling thread, grown on demand and kept for its next split call:
     * the sets of sums its parts add into (set 0 the total, the others taken by parts as the threads
     * need them, at most one per part), the working arrays of each thread that runs parts (block
     * arrays and widening scratch, at most one per thread; see {@link SequenceScratch}) and its
     * transposed tokens. Busy from {@link #acquire} until
     * the call has written its output; a call that finds its thread's busy takes new arrays, and a
     * call that fails lets go of its thread's ({@link #abandon}), since a part on another thread may
     * still be writing into them. The sets are written by the threads that run parts, under the
     * call's {@link InOrder} lock, and read by the caller after {@link InOrder#awaitAll}.
     */
    private static final class SplitScratch {
        private boolean busy;
        private float[][][] sets = new float[0][][];
        private SequenceScratch[] workers = new SequenceScratch[0];
        private float[] transposed = new float[0];

        /** Worker {@code i}'s arrays. */
        SequenceScratch worker(int i) {
            if (workers.length <= i) {
                workers = Arrays.copyOf(workers, Math.max(i + 1, 2));
            }
            if (workers[i] == null) {
                workers[i] = new SequenceScratch();
            }
            return workers[i];
        }

        /** The calling thread's arrays, now busy, or new ones if they already are. */
        static SplitScratch acquire() {
            SplitScratch s = SPLIT.get();
            if (s.busy) {
                s = new SplitScratch();
            }
            s.busy = true;
            return s;
        }

        /**
         * The call is over: the arrays serve the thread's next split call, unless they hold more than
         * {@link #SPLIT_KEPT_FLOATS}, in which case the thread lets them go. Sums grow with the tokens of a
         * call (a set is tokens x dModel floats), and a thread keeps its arrays as long as it lives: a
         * prefill chunk of 2,048 tokens at dModel 4,096 would leave up to 8 sets of 32 MiB each behind
         * on every thread that ran one. A call that large does enough work for its allocation not to
         * matter, which is what the arrays are kept to save.
         */
        void release() {
            busy = false;
            if (keptFloats() > SPLIT_KEPT_FLOATS) {
                SPLIT.discard(this);
            }
        }

        /** The floats of the sums and transposed tokens this holds. */
        long keptFloats() {
            long floats = transposed.length;
            for (float[][] set : sets) {
                if (set != null) {
                    for (float[] row : set) {
                        floats += row.length;
                    }
                }
            }
            return floats;
        }

        /** The call failed, perhaps with parts still writing: the thread's next call takes new arrays. */
        void abandon() {
            SPLIT.discard(this);
        }

        /** Set {@code i}, at least {@code rows} sums of {@code d} floats, contents garbage. */
        float[][] set(int i, int rows, int d) {
            if (sets.length <= i) {
                sets = Arrays.copyOf(sets, Math.max(i + 1, MAX_PARTS));
            }
            float[][] s = sets[i];
            if (s == null || s.length < rows || (rows > 0 && s[0].length < d)) {
                int oldRows = s == null ? 0 : s.length;
                int oldD = s == null || s.length == 0 ? 0 : s[0].length;
                s = new float[Math.max(rows, oldRows)][Math.max(d, oldD)];
                sets[i] = s;
            }
            return s;
        }

        /** At least {@code n} floats for the transposed tokens, contents garbage. */
        float[] transposed(int n) {
            if (transposed.length < n) {
                transposed = new float[n];
            }
            return transposed;
        }
    }

    private static int bounds(int n, int parts, int part) {
        return (int) ((long) n * part / parts);
    }

    private void finish(float[] acc, float[] out) {
        for (int k = 0; k < spec.dModel(); k++) {
            out[k] = acc[k] + downBias[k];
        }
    }

    /**
     * act_i of every bundle of {@code bundles} into {@code into[i]} (before fill-in): the first half
     * of a neuron's work, which needs only its own bundle, so it can run on the bundles at hand
     * while others are still being read.
     */
    public void activations(float[] x, BundleRefs bundles, float[] into) {
        float[] scratch = WIDENING.floats(spec.dModel());
        for (int i = 0; i < bundles.size(); i++) {
            var seg = bundles.segment(i);
            long base = bundles.offset(i);
            float upBias = biasAt(seg, base + spec.upBiasOffsetBytes());
            float gateBias = spec.gated() ? biasAt(seg, base + spec.gateBiasOffsetBytes()) : 0f;
            into[i] = activation(seg, base, base + spec.gateOffsetBytes(), upBias, gateBias, x, scratch);
        }
    }

    /** Adds the contributions of bundles [from, to) into acc, widening rows in {@code scratch} (d floats). */
    private void accumulate(
            float[] x,
            BundleRefs b,
            int from,
            int to,
            float[] acc,
            float[] activations,
            boolean[] known,
            float[] precomputed,
            float[] scratch) {
        int d = spec.dModel();
        DType t = spec.dtype();
        for (int i = from; i < to; i++) {
            var seg = b.segment(i);
            long base = b.offset(i);
            float a;
            if (known != null && known[i]) {
                a = precomputed[i];
            } else {
                float upBias = biasAt(seg, base + spec.upBiasOffsetBytes());
                float gateBias = spec.gated() ? biasAt(seg, base + spec.gateBiasOffsetBytes()) : 0f;
                a = activation(seg, base, base + spec.gateOffsetBytes(), upBias, gateBias, x, scratch);
            }
            if (activations != null) {
                activations[i] = a;
            }
            if (fillMeanBySlot != null) {
                a -= fillMeanBySlot[b.slot(i)];
            }
            if (a != 0f) {
                kernels.axpy(t, a, seg, base + spec.downOffsetBytes(), acc, d, scratch);
            }
        }
    }

    /** A bias stored at byte {@code at}, in the layer's bias type. */
    private float biasAt(MemorySegment seg, long at) {
        DType t = spec.biasType();
        return t == DType.F32 ? seg.get(F32, at) : t.decode(seg.get(I16, at));
    }

    /** act_i for one input: act(up·x + b) or, gated, act(gate·x + b_g)·(up·x + b). */
    private float activation(
            MemorySegment seg, long base, long gateAt, float upBias, float gateBias, float[] x, float[] scratch) {
        DType t = spec.dtype();
        int d = spec.dModel();
        float u = kernels.dot(t, seg, base, x, d, scratch) + upBias;
        if (!spec.gated()) {
            return spec.activate(u);
        }
        float g = kernels.dot(t, seg, gateAt, x, d, scratch) + gateBias;
        return spec.neuron(u, g);
    }
}
