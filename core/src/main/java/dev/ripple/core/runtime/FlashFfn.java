package dev.ripple.core.runtime;

import dev.ripple.cache.BundleCache;
import dev.ripple.core.activity.ActivationPredictor;
import dev.ripple.core.ffn.SparseFfnExecutor;
import dev.ripple.core.format.FfnLayerSection;
import dev.ripple.core.model.TokenStats;
import dev.ripple.io.Extent;
import dev.ripple.io.ReadPlan;
import dev.ripple.io.ReadPlanner;
import dev.ripple.io.reader.ExtentReader;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;

/**
 * One FFN layer served from flash, per token:
 * predictor → active neurons → slots (placement order) → cache lookup → read planner (collapse)
 * → reader (parallel) → cache admission → sparse executor.
 *
 * <p>Thread-safe: per-call state lives in thread-local scratch; the cache and reader are shared.
 * A failed read throws {@link FlashReadException} and admits nothing to the cache.
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
    private final BundleCache cache;
    private final ReadPlanner planner;
    private final ExtentReader reader;
    private final SparseFfnExecutor executor;
    private final RuntimeStats stats;
    private final Consumer<TokenStats> listener;
    /** Shared by all layers of a model: see {@link Scratch}. */
    private final ThreadLocal<Scratch> scratch;

    FlashFfn(FfnLayerSection layer, ActivationPredictor predictor, BundleCache cache, ReadPlanner planner,
             ExtentReader reader, SparseFfnExecutor executor, RuntimeStats stats, Consumer<TokenStats> listener,
             ThreadLocal<Scratch> scratch) {
        this.scratch = scratch;
        this.layer = layer;
        this.neuronToSlot = layer.neuronToSlot();
        this.predictor = predictor;
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
     * Starts reading, on a read-ahead thread, the bundles the predictor proposes for {@code
     * layerInput} (the layer's input before attention, normalized as the FFN input will be) that
     * the cache does not hold; the next {@link #forward} of this layer on this thread takes the
     * bundles it needs from there instead of reading them, and waits only for what is still in
     * flight. The prediction, planning and reads all run off the calling thread, while it computes
     * attention. Does nothing when the predictor keeps per-call state. {@code layerInput} must
     * stay unchanged until that forward call.
     */
    public void prefetch(float[] layerInput) {
        if (!predictor.predictsAhead()) {
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
            long start = System.nanoTime();
            IntArrayList set = new IntArrayList();
            predictor.predict(index, layerInput, set);
            for (int i = 0; i < set.size(); i++) {
                set.set(i, neuronToSlot[set.get(i)]);
            }
            set.sortThis();
            int[] resident = cache == null ? new int[0] : cache.residentSlots(index);
            pf.ensure(set.size(), dFfn);
            int count = 0;
            int r = 0;
            List<Extent> extents = new ArrayList<>();
            for (int i = 0; i < set.size(); i++) {
                int slot = set.get(i);
                while (r < resident.length && resident[r] < slot) {
                    r++;
                }
                if (r < resident.length && resident[r] == slot) {
                    continue;
                }
                pf.slots[count++] = slot;
                extents.add(new Extent(layer.bundleOffset(slot), bundleBytes));
            }
            pf.count = count;
            if (count == 0) {
                pf.planNanos = System.nanoTime() - start;
                return 0L;
            }
            ReadPlan plan = planner.plan(extents);
            MemorySegment buffer = pf.buffer(plan.bytesRead());
            for (int k = 0; k < count; k++) {
                pf.segments[k] = plan.neededSlice(buffer, k);
            }
            pf.readOps = plan.operations();
            pf.bytesRead = plan.bytesRead();
            long readStart = System.nanoTime();
            pf.planNanos = readStart - start;
            reader.read(plan, buffer);
            pf.index();
            return System.nanoTime() - readStart;
        });
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
     */
    public TokenStats forwardAll(float[][] xs, int tokens, float[][] outs) {
        if (tokens < 1 || xs.length < tokens || outs.length < tokens) {
            throw new IllegalArgumentException("layer " + layer.spec().index() + ": " + tokens + " tokens but "
                    + xs.length + " inputs and " + outs.length + " outputs");
        }
        int index = layer.spec().index();
        int bundleBytes = layer.spec().bundleBytes();
        Scratch s = scratch.get();
        long tokenPredictions = 0;
        for (int t = 0; t < tokens; t++) {
            var set = s.tokenSet(t);
            predictor.predict(index, xs[t], set);
            for (int i = 0; i < set.size(); i++) {
                set.set(i, neuronToSlot[set.get(i)]);
            }
            set.sortThis();
            tokenPredictions += set.size();
        }
        int n = s.union(tokens, layer.spec().dFfn());

        // A read-ahead of this layer (started before attention): wait for it, then serve the
        // bundles it holds. A failed or foreign one is dropped: everything is read as usual.
        Prefetch pf = s.prefetch;
        boolean ahead = false;
        long aheadIo = 0;
        long aheadWait = 0;
        if (pf.layer == index && tokens == 1) {
            long waitStart = System.nanoTime();
            try {
                aheadIo = pf.planNanos + pf.pending.get();
                ahead = pf.count > 0;
            } catch (ExecutionException e) {
                pf.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                pf.discard();
                throw new IllegalStateException("interrupted while reading ahead in layer " + index, e);
            }
            aheadWait = System.nanoTime() - waitStart;
            if (!ahead) {
                pf.clear();
            }
        } else if (pf.layer >= 0) {
            pf.discard();
        }

        // Plan over every needed bundle first (the plan does not depend on the cache), then issue
        // only the reads that hold at least one miss: a hit inside such a read is read through
        // rather than splitting it in two, so the cache can only remove whole reads, never add
        // operations. The cache is told these planned reads, so a read-aware policy ("linking")
        // judges by exactly the reads this runtime makes.
        long planStart = System.nanoTime();
        s.extents.clear();
        for (int i = 0; i < n; i++) {
            s.extents.add(new Extent(layer.bundleOffset(s.slots[i]), bundleBytes));
        }
        ReadPlan all = n > 0 ? planner.plan(s.extents) : null;
        for (int i = 0; i < n; i++) {
            s.readOf[i] = all.readOf(i);
        }
        long planNanos = System.nanoTime() - planStart;

        MemorySegment hits = MemorySegment.NULL;
        if (cache != null && n > 0) {
            hits = s.hitBuffer((long) n * bundleBytes);
            cache.lookup(s.cacheAccess, index, s.slots, s.readOf, n, hits, s.hit);
        } else {
            Arrays.fill(s.hit, 0, n, false);
        }
        int fromAhead = 0;
        if (ahead) {
            for (int i = 0; i < n; i++) {
                s.fromAhead[i] = !s.hit[i] && pf.bundle(s.slots[i]) != null;
                if (s.fromAhead[i]) {
                    s.hit[i] = true;
                    fromAhead++;
                }
            }
        } else {
            Arrays.fill(s.fromAhead, 0, n, false);
        }
        int misses = 0;
        int served = 0;
        long readNanos = 0;
        long waitNanos = 0;
        long earlyNanos = 0;
        boolean overlapped = false;
        int ops = 0;
        long bytesRead = 0;
        long bytesNeeded = 0;
        if (n > 0) {
            boolean[] readHasMiss = s.readFlags(all.operations());
            for (int i = 0; i < n; i++) {
                if (!s.hit[i]) {
                    readHasMiss[all.readOf(i)] = true;
                }
            }
            int[] readIndex = s.readIndex;
            int toRead = 0;
            for (int i = 0; i < n; i++) {
                if (readHasMiss[all.readOf(i)]) {
                    readIndex[toRead++] = i;
                } else if (s.fromAhead[i]) {
                    s.located(i, pf.bundle(s.slots[i]), 0);
                } else {
                    s.located(i, hits, (long) i * bundleBytes);
                    served++;
                }
            }
            if (toRead > 0) {
                ReadPlan plan = all.keep(readHasMiss);
                MemorySegment buffer = s.readBuffer(plan.bytesRead());
                if ((overlapHits || fromAhead > 0) && tokens == 1 && served + fromAhead > 0) {
                    // Read on a read-ahead thread while this one computes the hits' activations.
                    Future<Long> pending = ReadAhead.pool().submit(() -> {
                        long t0 = System.nanoTime();
                        reader.read(plan, buffer);
                        return System.nanoTime() - t0;
                    });
                    long earlyStart = System.nanoTime();
                    s.earlyCapacity(n);
                    int e = 0;
                    for (int i = 0; i < n; i++) {
                        if (!readHasMiss[all.readOf(i)]) {
                            s.early.add(s.slots[i], s.where(i), s.whereOffset(i));
                            s.earlyIndex[e++] = i;
                        }
                    }
                    executor.activations(xs[0], s.early, s.earlyActivations);
                    for (int j = 0; j < e; j++) {
                        s.known[s.earlyIndex[j]] = true;
                        s.precomputed[s.earlyIndex[j]] = s.earlyActivations[j];
                    }
                    earlyNanos = System.nanoTime() - earlyStart;
                    long waitStart = System.nanoTime();
                    try {
                        readNanos = pending.get();
                    } catch (ExecutionException ex) {
                        stats.failed();
                        Throwable cause = ex.getCause();
                        if (cause instanceof IOException io) {
                            throw new FlashReadException(index, io);
                        }
                        throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                        pending.cancel(false);
                        throw new IllegalStateException("interrupted while reading layer " + index, ex);
                    }
                    waitNanos = System.nanoTime() - waitStart;
                    overlapped = true;
                } else {
                    long readStart = System.nanoTime();
                    try {
                        reader.read(plan, buffer);
                    } catch (IOException e) {
                        stats.failed();
                        throw new FlashReadException(index, e);
                    }
                    readNanos = System.nanoTime() - readStart;
                    waitNanos = readNanos;
                }
                ops = plan.operations();
                bytesRead = plan.bytesRead();
                bytesNeeded = (long) toRead * bundleBytes;
                for (int j = 0; j < toRead; j++) {
                    int i = readIndex[j];
                    MemorySegment bundle = plan.neededSlice(buffer, j);
                    s.located(i, bundle, 0);
                }
            }
            // Admitted: every bundle that came from flash in this call or its read-ahead, ascending.
            for (int i = 0; i < n; i++) {
                boolean read = readHasMiss[all.readOf(i)];
                if (read ? !s.hit[i] || s.fromAhead[i] : s.fromAhead[i]) {
                    s.missSlots[misses] = s.slots[i];
                    s.missSegments[misses++] = s.where(i);
                }
            }
            if (cache != null && misses > 0) {
                cache.admit(s.cacheAccess, s.missSlots, misses, s.missSegments);
            }
        }
        // I/O time is planning plus the reader: the cache's lookup and admission copies are DRAM
        // work, counted in the wall time of the caller but not charged to the storage.
        long ioNanos = planNanos + readNanos + aheadIo;
        if (ahead) {
            ops += pf.readOps;
            bytesRead += pf.bytesRead;
            bytesNeeded += (long) fromAhead * bundleBytes;
        }

        long computeStart = System.nanoTime();
        if (overlapped) {
            s.unionRefs(n);   // one token: its set is the union, in the same order
            executor.forward(xs[0], s.refs, outs[0], null, s.known, s.precomputed);
        } else if (tokens == 1) {
            s.refsOf(0);
            executor.forward(xs[0], s.refs, outs[0], null);
        } else {
            s.unionRefs(n);
            s.users(tokens, n);
            executor.forwardAll(xs, tokens, s.refs, s.usersStart, s.users, outs);
        }
        long computeNanos = System.nanoTime() - computeStart + earlyNanos;
        s.release(misses);
        if (ahead) {
            pf.clear();
        }

        TokenStats t = new TokenStats(index, tokens, n, tokenPredictions, served, ops, bytesNeeded, bytesRead,
                ioNanos, computeNanos, planNanos + waitNanos + aheadWait);
        stats.add(t);
        if (listener != null) {
            listener.accept(t);
        }
        return t;
    }
}
