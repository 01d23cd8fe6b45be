package dev.ripple.core.runtime;

import dev.ripple.cache.BundleCache;
import dev.ripple.core.TaskFailure;
import dev.ripple.core.activity.ActivationPredictor;
import dev.ripple.core.ffn.SparseFfnExecutor;
import dev.ripple.core.format.FfnLayerSection;
import dev.ripple.core.model.ModelCall;
import dev.ripple.core.model.TokenStats;
import dev.ripple.io.ReadPlanBuffer;
import dev.ripple.io.ReadPlanner;
import dev.ripple.io.concurrent.PerThread;
import dev.ripple.io.reader.ExtentReader;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;

/**
 * One FFN layer served from flash, per token:
 * predictor → active neurons → slots (placement order) → cache lookup → read planner (collapse)
 * → reader (parallel) → cache admission → sparse executor.
 *
 * <p>Thread-safe: per-call state lives in the calling thread's own scratch (the model's
 * {@link PerThread} holder); the cache and reader are shared.
 * A failed read throws {@link FlashReadException} and admits nothing to the cache.
 *
 * <p>An input that holds a NaN or an infinity gives an output of NaN everywhere, whatever the
 * predictor, and reads nothing. Such an input is a numeric fault upstream, and no step here may
 * turn it into a plausible output: before this rule a low-rank or trained predictor predicted no
 * neuron for a NaN input (a NaN score reads as inactive) and the output was the finite mean
 * fill-in (the dense predictor reads every neuron, so ReLU's NaN reaches its output). One pass over
 * the input per token, before anything is read.
 */
public final class FlashFfn {
    /**
     * Whether a token's misses are read on a read-ahead thread while its thread computes the
     * activations of the bundles at hand: off unless {@code -Dripple.overlap=true} when the model
     * is opened. Measured on a loaded 2-core machine (PERFORMANCE.md, "Compute speed (issue 15):
     * decode"), the hand-off cost more than the hits' compute it hid.
     */
    private final boolean overlapHits = Boolean.getBoolean("ripple.overlap");

    private final FfnLayerSection layer;
    private final int[] neuronToSlot;
    private final ActivationPredictor predictor;
    /**
     * What {@link #prefetch} predicts with from the layer input, or null when it does nothing
     * ({@link RippleModel#readAheadPredictor}): its sets only choose the bundles read early, never
     * the neurons computed, which {@link #predictor} picks from the real FFN input.
     */
    private final ActivationPredictor aheadPredictor;

    private final BundleCache cache;
    private final ReadPlanner planner;
    private final ExtentReader reader;
    private final SparseFfnExecutor executor;
    private final RuntimeStats stats;
    private final Consumer<TokenStats> listener;
    /** Shared by all layers of a model: see {@link Scratch}. */
    private final PerThread<Scratch> scratch;
    /**
     * The model this layer belongs to: every call {@link RippleModel#begin begins} a call on it, so
     * that a close waits for the call, and holding it keeps the model reachable while a layer is in
     * use, whose {@link java.lang.ref.Cleaner} would otherwise free what the layer reads.
     */
    private final RippleModel owner;

    FlashFfn(
            RippleModel owner,
            FfnLayerSection layer,
            ActivationPredictor predictor,
            ActivationPredictor aheadPredictor,
            BundleCache cache,
            ReadPlanner planner,
            ExtentReader reader,
            SparseFfnExecutor executor,
            RuntimeStats stats,
            Consumer<TokenStats> listener,
            PerThread<Scratch> scratch) {
        this.owner = owner;
        this.scratch = scratch;
        this.layer = layer;
        this.neuronToSlot = layer.neuronToSlot();
        this.predictor = predictor;
        this.aheadPredictor = aheadPredictor;
        this.cache = cache;
        this.planner = planner;
        this.reader = reader;
        this.executor = executor;
        this.stats = stats;
        this.listener = listener;
    }

    public FfnLayerSection section() {
        return layer;
    }

    /** True when this layer applies mean fill-in. */
    public boolean fillIn() {
        return executor.fillIn();
    }

    /**
     * Starts reading, on a read-ahead thread, the bundles the read-ahead predictor ({@link
     * RippleModel#readAheadPredictor}) proposes for {@code layerInput} (the layer's input before
     * attention, normalized as the FFN input will be) that the cache does not hold; the next {@link
     * #forward} of this layer on this thread takes the bundles it needs from there instead of
     * reading them, and waits only for what is still in flight. The prediction, planning and reads
     * all run off the calling thread, while it computes attention. Does nothing when there is no
     * read-ahead predictor (the run's predictor keeps per-call state). {@code layerInput} must stay
     * unchanged until that forward call.
     */
    public void prefetch(float[] layerInput) {
        try (ModelCall call = owner.begin()) {
            startReadAhead(layerInput);
        } finally {
            Reference.reachabilityFence(this); // as in forwardAll; the task itself holds this layer
        }
    }

    private void startReadAhead(float[] layerInput) {
        if (aheadPredictor == null) {
            return;
        }
        Scratch s = scratch.get();
        Prefetch pf = s.prefetch;
        pf.discard();
        int index = layer.spec().index();
        int dFfn = layer.spec().dFfn();
        int bundleBytes = layer.spec().bundleBytes();
        pf.layer = index;
        pf.pending = ReadAhead.pool().submit(() -> {
            try (ModelCall call = owner.beginWithoutWaiting()) { // the caller's call may have ended
                return readAhead(pf, layerInput, index, dFfn, bundleBytes);
            }
        });
    }

    /** The read-ahead's prediction, plan and read, on a read-ahead thread; the read's nanoseconds. */
    private long readAhead(Prefetch pf, float[] layerInput, int index, int dFfn, int bundleBytes) throws IOException {
        long start = System.nanoTime();
        IntArrayList set = new IntArrayList();
        aheadPredictor.predict(index, layerInput, set);
        for (int i = 0; i < set.size(); i++) {
            set.set(i, neuronToSlot[set.get(i)]);
        }
        set.sortThis();
        int[] resident = cache == null ? new int[0] : cache.residentSlots(index);
        pf.ensure(set.size(), dFfn);
        int count = 0;
        int r = 0;
        for (int i = 0; i < set.size(); i++) {
            int slot = set.get(i);
            while (r < resident.length && resident[r] < slot) {
                r++;
            }
            if (r < resident.length && resident[r] == slot) {
                continue;
            }
            pf.bundleOffsets[count++] = layer.bundleOffset(slot);
        }
        pf.count = count;
        if (count == 0) {
            pf.planNanos = System.nanoTime() - start;
            return 0L;
        }
        ReadPlanBuffer plan = pf.plan;
        planner.planInto(pf.bundleOffsets, count, bundleBytes, plan);
        MemorySegment buffer = pf.buffer(plan.bytesRead());
        pf.readOps = plan.operations();
        pf.bytesRead = plan.bytesRead();
        long readStart = System.nanoTime();
        pf.planNanos = readStart - start;
        reader.read(plan, buffer);
        pf.index(layer.bundleOffset(0), bundleBytes, dFfn);
        return System.nanoTime() - readStart;
    }

    /** Whether the calling thread's read-ahead, if it has one, has ended (for tests that must act after it). */
    boolean readAheadEnded() {
        Prefetch pf = scratch.get().prefetch;
        return pf.pending == null || pf.pending.isDone();
    }

    /** out = FFN(x) over the predicted neurons; returns what it cost. */
    public TokenStats forward(float[] x, float[] out) {
        return forwardAll(new float[][] {x}, 1, new float[][] {out});
    }

    /**
     * Prefill: the FFN of a whole sequence with one read per layer. Each token's active set is
     * predicted, their union is read once (cache, collapse and reader as for one token), and each
     * token is then computed over its own predicted set only, so the outputs equal those of
     * calling {@link #forward} token by token; only the I/O is shared. An encoder processes a
     * sentence this way, and an LLM its prompt.
     *
     * @param xs     one input of {@code dModel} floats per token (the first {@code tokens} are used)
     * @param tokens how many rows of {@code xs} to compute
     * @param outs   receive the outputs, one per token
     * @return what the sequence cost in this layer ({@code predicted} counts the union)
     * @throws FlashReadException when a read fails or the calling thread is interrupted
     * @throws java.io.UncheckedIOException caused by a {@link dev.ripple.io.FileShrankException}
     *     when the model's file was truncated while open
     */
    public TokenStats forwardAll(float[][] xs, int tokens, float[][] outs) {
        try (ModelCall call = owner.begin()) {
            return serve(xs, tokens, outs);
        } catch (InternalError fault) {
            // A fault on a mapped page (the predictor's factors; the bundles with the mmap reader)
            // of a file that shrank while open: the exception a decoder step throws for it, not an
            // Error no caller expects. The try costs nothing.
            throw owner.file().uncheckedFault(fault);
        } finally {
            // This layer, and through it its model, stays reachable until the call ends: the
            // model's Cleaner must not free the reader or buffers under it.
            Reference.reachabilityFence(this);
        }
    }

    /** {@link #forwardAll}, its layer kept reachable by the caller. */
    private TokenStats serve(float[][] xs, int tokens, float[][] outs) {
        if (tokens < 1 || xs.length < tokens || outs.length < tokens) {
            throw new IllegalArgumentException("layer " + layer.spec().index() + ": " + tokens + " tokens but "
                    + xs.length + " inputs and " + outs.length + " outputs");
        }
        int width = layer.spec().dModel();
        for (int t = 0; t < tokens; t++) {
            if (xs[t].length != width || outs[t].length != width) {
                throw new IllegalArgumentException("layer " + layer.spec().index() + " is " + width
                        + " wide (dModel): token " + t + "'s input holds " + xs[t].length + " floats and its output "
                        + outs[t].length);
            }
        }
        Scratch s = scratch.get();
        LayerCall c = s.call;
        c.reset();
        if (Thread.currentThread().isInterrupted()) {
            // Refused as a read of an interrupted thread is, whether or not this call would read:
            // a call served from the cache alone must not outlive its cancelled generation. A
            // read-ahead still writing into this thread's buffer ends first (awaitReadAhead waits
            // for it and throws), as when the interrupt comes while the call waits for it; one
            // already ended is dropped, so that a retry reads as usual.
            try {
                awaitReadAhead(s, c, tokens);
            } finally {
                s.prefetch.discard();
            }
            throw new FlashReadException(
                    layer.spec().index(),
                    new InterruptedIOException("call refused: the calling thread is interrupted"));
        }
        predictUnion(s, c, xs, tokens);
        awaitReadAhead(s, c, tokens);
        long computeNanos;
        try {
            ReadPlanBuffer all = plan(s, c);
            MemorySegment hits = lookup(s, c, all);
            if (c.n > 0) {
                chooseReads(s, c, all);
                int toRead = locateServed(s, c, hits);
                if (toRead > 0) {
                    read(s, c, all, toRead, xs, tokens);
                }
                admit(s, c);
            }
            if (c.ahead) {
                c.ops += s.prefetch.readOps;
                c.bytesRead += s.prefetch.bytesRead;
                c.bytesNeeded += (long) c.fromAhead * layer.spec().bundleBytes();
            }
            computeNanos = compute(s, c, xs, tokens, outs);
            if (c.nonFinite > 0) {
                poison(xs, tokens, outs);
            }
            s.release(c.misses);
        } finally {
            if (c.ahead) {
                s.prefetch.clear(); // used once, even by a call that failed: a retry reads as usual
            }
        }
        // I/O time is planning plus the reader: the cache's lookup and admission copies are DRAM
        // work, counted in the wall time of the caller but not charged to the storage.
        TokenStats t = new TokenStats(
                layer.spec().index(),
                tokens,
                c.n,
                c.tokenPredictions,
                c.served,
                c.ops,
                c.bytesNeeded,
                c.bytesRead,
                c.planNanos + c.readNanos + c.aheadIo,
                computeNanos,
                c.planNanos + c.waitNanos + c.aheadWait);
        stats.add(t);
        if (listener != null) {
            listener.accept(t);
        }
        return t;
    }

    /** Each token's predicted neurons as sorted slots, and their union. */
    private void predictUnion(Scratch s, LayerCall c, float[][] xs, int tokens) {
        int index = layer.spec().index();
        for (int t = 0; t < tokens; t++) {
            var set = s.tokenSet(t);
            predictor.predict(index, xs[t], set); // even for a NaN input: a trace's replay stays in step
            if (!finite(xs[t])) {
                set.clear();
                c.nonFinite++;
            }
            for (int i = 0; i < set.size(); i++) {
                set.set(i, neuronToSlot[set.get(i)]);
            }
            set.sortThis();
            c.tokenPredictions += set.size();
        }
        c.n = s.union(tokens, layer.spec().dFfn());
    }

    /** Whether the FFN input {@code x} is finite: {@code v − v} is 0 for a finite v, NaN for NaN and ±∞. */
    private boolean finite(float[] x) {
        float sum = 0f;
        for (int i = 0, d = layer.spec().dModel(); i < d; i++) {
            sum += x[i] - x[i];
        }
        return sum == 0f;
    }

    /** NaN everywhere in the output of each token whose input is not finite (the class comment). */
    private void poison(float[][] xs, int tokens, float[][] outs) {
        for (int t = 0; t < tokens; t++) {
            if (!finite(xs[t])) {
                Arrays.fill(outs[t], 0, layer.spec().dModel(), Float.NaN);
            }
        }
    }

    /**
     * A read-ahead of this layer (started before attention): wait for it, then serve the bundles it
     * holds. A failed or foreign one is dropped: everything is read as usual.
     */
    private void awaitReadAhead(Scratch s, LayerCall c, int tokens) {
        Prefetch pf = s.prefetch;
        int index = layer.spec().index();
        if (pf.layer == index && tokens == 1) {
            long waitStart = System.nanoTime();
            try {
                c.aheadIo = pf.planNanos + pf.pending.get();
                c.ahead = pf.count > 0;
            } catch (ExecutionException e) {
                pf.clear();
                if (!(e.getCause() instanceof IOException)) {
                    throw TaskFailure.unwrap(e); // a fault in the read-ahead's own code is not hidden
                }
                // a failed read: dropped, everything is read as usual (and fails there if it must)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                pf.discard();
                throw interrupted(index, "reading ahead", e);
            }
            c.aheadWait = System.nanoTime() - waitStart;
            if (!c.ahead) {
                pf.clear();
            }
        } else if (pf.layer >= 0) {
            pf.discard();
        }
    }

    /**
     * Plans over every needed bundle first (the plan does not depend on the cache). The cache is
     * told these planned reads, the grouping a read-aware policy ("linking") judges by; what is
     * issued is chosen by {@link #chooseReads}.
     */
    private ReadPlanBuffer plan(Scratch s, LayerCall c) {
        long planStart = System.nanoTime();
        int bundleBytes = layer.spec().bundleBytes();
        for (int i = 0; i < c.n; i++) {
            s.bundleOffsets[i] = layer.bundleOffset(s.slots[i]);
        }
        ReadPlanBuffer all = s.plan;
        planner.planInto(s.bundleOffsets, c.n, bundleBytes, all);
        for (int i = 0; i < c.n; i++) {
            s.readOf[i] = all.readOf(i);
        }
        c.planNanos = System.nanoTime() - planStart;
        return all;
    }

    /** The cache's hits (copied out) and the read-ahead's bundles, both marked as not to read. */
    private MemorySegment lookup(Scratch s, LayerCall c, ReadPlanBuffer all) {
        int n = c.n;
        MemorySegment hits = MemorySegment.NULL;
        if (cache != null && n > 0) {
            hits = s.hitBuffer((long) n * layer.spec().bundleBytes());
            cache.lookup(s.cacheAccess, layer.spec().index(), s.slots, s.readOf, n, hits, s.hit);
        } else {
            Arrays.fill(s.hit, 0, n, false);
        }
        if (c.ahead) {
            for (int i = 0; i < n; i++) {
                s.fromAhead[i] = !s.hit[i] && s.prefetch.holds(s.slots[i]);
                if (s.fromAhead[i]) {
                    s.hit[i] = true;
                    c.fromAhead++;
                }
            }
        } else {
            Arrays.fill(s.fromAhead, 0, n, false);
        }
        return hits;
    }

    /**
     * Marks in {@code s.inRead} the bundles this call reads. With a planner that weighs gaps by the
     * device's cost model, or after a read-ahead, those neither cached nor read ahead, planned anew
     * among themselves ({@link #readsToIssue}): a run of hits then splits a read exactly when
     * skipping it is cheaper on the device than reading it. Issuing the planned reads that hold a
     * miss instead read the hits inside them again, so a cache saved bytes only where it held a
     * whole read (PERFORMANCE.md §18), and a read-ahead's bundles were read twice (§17(b)). With a
     * fixed gap, which knows nothing of what an operation costs, every bundle of a planned read that
     * holds a miss is read, the hits inside it read through: the cache removes whole reads and
     * never adds one (a hit in a contiguous run of a gap-0 plan would otherwise cost an operation
     * to save a few KiB).
     */
    private void chooseReads(Scratch s, LayerCall c, ReadPlanBuffer all) {
        if (planner.weighsGaps() || c.fromAhead > 0) {
            for (int i = 0; i < c.n; i++) {
                s.inRead[i] = !s.hit[i];
            }
            return;
        }
        boolean[] readHasMiss = s.readFlags(all.operations());
        for (int i = 0; i < c.n; i++) {
            if (!s.hit[i]) {
                readHasMiss[all.readOf(i)] = true;
            }
        }
        for (int i = 0; i < c.n; i++) {
            s.inRead[i] = readHasMiss[all.readOf(i)];
        }
    }

    /**
     * Locates the bundles not read (cache hits, read-ahead) and lists those to read in
     * {@code s.readIndex}; returns how many are read.
     */
    private int locateServed(Scratch s, LayerCall c, MemorySegment hits) {
        int bundleBytes = layer.spec().bundleBytes();
        int toRead = 0;
        for (int i = 0; i < c.n; i++) {
            if (s.inRead[i]) {
                s.readIndex[toRead++] = i;
            } else if (s.fromAhead[i]) {
                s.located(i, s.prefetch.data(), s.prefetch.placeOf(s.slots[i]));
            } else {
                s.located(i, hits, (long) i * bundleBytes);
                c.served++;
            }
        }
        return toRead;
    }

    /**
     * Reads the misses ({@link #readsToIssue}) and locates their bundles. One token with bundles at hand
     * (hits or read-ahead) reads on a read-ahead thread while this one computes those bundles'
     * activations, when overlap is on or a read-ahead served some.
     */
    private void read(Scratch s, LayerCall c, ReadPlanBuffer all, int toRead, float[][] xs, int tokens) {
        ReadPlanBuffer plan = readsToIssue(s, c, all, toRead);
        MemorySegment buffer = s.readBuffer(plan.bytesRead());
        if ((overlapHits || c.fromAhead > 0) && tokens == 1 && c.served + c.fromAhead > 0) {
            readWhileComputingHits(s, c, plan, buffer, xs[0]);
        } else {
            long readStart = System.nanoTime();
            try {
                reader.read(plan, buffer);
            } catch (IOException e) {
                stats.failed();
                throw new FlashReadException(layer.spec().index(), e);
            }
            c.readNanos = System.nanoTime() - readStart;
            c.waitNanos = c.readNanos;
        }
        c.ops = plan.operations();
        c.bytesRead = plan.bytesRead();
        c.bytesNeeded = (long) toRead * layer.spec().bundleBytes();
        for (int j = 0; j < toRead; j++) {
            // Located in the buffer at its offset, not as a slice: a slice is an object per bundle read.
            s.located(s.readIndex[j], buffer, plan.bufferOffset(j));
        }
    }

    /**
     * What this call reads: the bundles {@link #chooseReads} marked ({@code s.readIndex}), as the
     * whole plan when that is every needed bundle, else planned anew among themselves into this
     * thread's second plan buffer (whole planned reads, with a fixed gap, plan into the same reads:
     * the gaps between them only widen).
     */
    private ReadPlanBuffer readsToIssue(Scratch s, LayerCall c, ReadPlanBuffer all, int toRead) {
        if (toRead == c.n) {
            return all;
        }
        long planStart = System.nanoTime();
        for (int j = 0; j < toRead; j++) { // the union's offsets are planned already
            s.bundleOffsets[j] = layer.bundleOffset(s.slots[s.readIndex[j]]);
        }
        planner.planInto(s.bundleOffsets, toRead, layer.spec().bundleBytes(), s.issued);
        c.planNanos += System.nanoTime() - planStart;
        return s.issued;
    }

    /**
     * The reads on a read-ahead thread; meanwhile the activations of the bundles at hand, kept for
     * the forward. Returns or throws only once the read has ended, as a read on this thread would:
     * it writes into this thread's scratch buffer.
     */
    private void readWhileComputingHits(Scratch s, LayerCall c, ReadPlanBuffer plan, MemorySegment buffer, float[] x) {
        int index = layer.spec().index();
        Future<Long> pending = ReadAhead.pool().submit(() -> {
            long t0 = System.nanoTime();
            reader.read(plan, buffer);
            return System.nanoTime() - t0;
        });
        try {
            computeHitsThenAwait(s, c, x, pending, index);
        } finally {
            if (!pending.isDone()) {
                awaitEnd(pending);
            }
        }
    }

    /**
     * The hits' activations, then the wait for {@code pending}; when either throws, the read may
     * still be running, and {@link #readWhileComputingHits} waits for it to end.
     */
    private void computeHitsThenAwait(Scratch s, LayerCall c, float[] x, Future<Long> pending, int index) {
        long earlyStart = System.nanoTime();
        s.earlyCapacity(c.n);
        int e = 0;
        for (int i = 0; i < c.n; i++) {
            if (!s.inRead[i]) {
                s.early.add(s.slots[i], s.where(i), s.whereOffset(i));
                s.earlyIndex[e++] = i;
            }
        }
        executor.activations(x, s.early, s.earlyActivations);
        for (int j = 0; j < e; j++) {
            s.known[s.earlyIndex[j]] = true;
            s.precomputed[s.earlyIndex[j]] = s.earlyActivations[j];
        }
        c.earlyNanos = System.nanoTime() - earlyStart;
        long waitStart = System.nanoTime();
        try {
            c.readNanos = pending.get();
        } catch (ExecutionException ex) {
            stats.failed();
            Throwable cause = ex.getCause();
            if (cause instanceof IOException io) {
                throw new FlashReadException(index, io);
            }
            throw TaskFailure.unwrap(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw interrupted(index, "reading", ex);
        }
        c.waitNanos = System.nanoTime() - waitStart;
        c.overlapped = true;
    }

    /**
     * Waits for a read that this call abandons (its activations threw, or its wait was interrupted)
     * to end, whatever its outcome: it writes into this thread's scratch buffer, which the thread's
     * next call reuses or frees ({@link Scratch#readBuffer} closes an outgrown arena), so it must
     * not outlive the call, as a read on the caller's own thread would not. Cancelling would not
     * stop a running read. An interrupt, before or during the wait, is kept for the caller. A
     * read-ahead nobody will use waits the same way ({@link Prefetch#discard}).
     */
    static void awaitEnd(Future<?> pending) {
        boolean interrupted = Thread.interrupted();
        while (true) {
            try {
                pending.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException | CancellationException e) {
                break; // the call already fails; a failed read only has to be over
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Offers the cache every bundle that came from flash in this call or its read-ahead, ascending. */
    private void admit(Scratch s, LayerCall c) {
        for (int i = 0; i < c.n; i++) {
            if (s.fromAhead[i] || s.inRead[i] && !s.hit[i]) {
                s.missSlots[c.misses] = s.slots[i];
                s.missOffsets[c.misses] = s.whereOffset(i);
                s.missSegments[c.misses++] = s.where(i);
            }
        }
        if (cache != null && c.misses > 0) {
            cache.admit(s.cacheAccess, s.missSlots, c.misses, s.missSegments, s.missOffsets);
        }
    }

    /** Each token over its own predicted set; returns the compute time (with what ran during the reads). */
    private long compute(Scratch s, LayerCall c, float[][] xs, int tokens, float[][] outs) {
        long computeStart = System.nanoTime();
        if (c.overlapped) {
            s.unionRefs(c.n); // one token: its set is the union, in the same order
            executor.forward(xs[0], s.refs, outs[0], null, s.known, s.precomputed);
        } else if (tokens == 1) {
            s.refsOf(0);
            executor.forward(xs[0], s.refs, outs[0], null);
        } else {
            s.unionRefs(c.n);
            s.users(tokens, c.n);
            executor.forwardAll(xs, tokens, s.refs, s.usersStart, s.users, outs);
        }
        return System.nanoTime() - computeStart + c.earlyNanos;
    }

    /**
     * The one exception an interrupted call ends with, wherever it waited: a {@link FlashReadException}
     * whose {@link FlashReadException#interrupted()} is true, as when the reader refuses an interrupted
     * thread's request, so that a caller cancelling generations catches one type.
     */
    private static FlashReadException interrupted(int layer, String what, InterruptedException cause) {
        InterruptedIOException io = new InterruptedIOException("interrupted while " + what + " layer " + layer);
        io.initCause(cause);
        return new FlashReadException(layer, io);
    }
}
