package dev.ripple.core.runtime;

import dev.ripple.cache.BundleCache;
import dev.ripple.core.activity.ActivationPredictor;
import dev.ripple.core.ffn.SparseFfnExecutor;
import dev.ripple.core.format.FfnLayerSection;
import dev.ripple.io.Extent;
import dev.ripple.io.ReadPlan;
import dev.ripple.io.ReadPlanner;
import dev.ripple.io.reader.ExtentReader;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * One FFN layer served from flash, per token:
 * predictor → active neurons → slots (placement order) → cache lookup → read planner (collapse)
 * → reader (parallel) → cache admission → sparse executor.
 *
 * <p>Thread-safe: per-call state lives in thread-local scratch; the cache and reader are shared.
 * A failed read throws {@link FlashReadException} and admits nothing to the cache.
 */
public final class FlashFfn {
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

    /** out = FFN(x) over the predicted neurons; returns what it cost. */
    public TokenStats forward(int token, float[] x, float[] out) {
        int index = layer.spec().index();
        int bundleBytes = layer.spec().bundleBytes();
        Scratch s = scratch.get();
        s.predicted.clear();
        predictor.predict(index, x, token, s.predicted);
        int n = s.predicted.size();
        s.ensure(n);
        for (int i = 0; i < n; i++) {
            s.slots[i] = neuronToSlot[s.predicted.get(i)];
        }
        Arrays.sort(s.slots, 0, n);

        MemorySegment hits = MemorySegment.NULL;
        if (cache != null && n > 0) {
            hits = s.hitBuffer((long) n * bundleBytes);
            cache.lookup(index, s.slots, n, hits, s.hit);
        } else {
            Arrays.fill(s.hit, 0, n, false);
        }
        // Plan over every needed bundle first, then issue only the reads that hold at least one
        // miss: a hit inside such a read is read through rather than splitting it in two, so the
        // cache can only remove whole reads, never add operations.
        s.extents.clear();
        for (int i = 0; i < n; i++) {
            s.extents.add(new Extent(layer.bundleOffset(s.slots[i]), bundleBytes));
        }
        s.refs.clear();
        int misses = 0;
        int served = 0;
        long ioStart = System.nanoTime();
        int ops = 0;
        long bytesRead = 0;
        long bytesNeeded = 0;
        if (n > 0) {
            ReadPlan all = planner.plan(s.extents);
            boolean[] readHasMiss = s.readFlags(all.operations());
            for (int i = 0; i < n; i++) {
                if (!s.hit[i]) {
                    readHasMiss[all.readOf(i)] = true;
                }
            }
            s.extents.clear();
            int[] readIndex = s.readIndex;
            int toRead = 0;
            for (int i = 0; i < n; i++) {
                if (readHasMiss[all.readOf(i)]) {
                    s.extents.add(new Extent(layer.bundleOffset(s.slots[i]), bundleBytes));
                    readIndex[toRead++] = i;
                } else {
                    s.refs.add(s.slots[i], hits, (long) i * bundleBytes);
                    served++;
                }
            }
            if (toRead > 0) {
                ReadPlan plan = planner.plan(s.extents);
                MemorySegment buffer = s.readBuffer(plan.bytesRead());
                try {
                    reader.read(plan, buffer);
                } catch (IOException e) {
                    stats.failed();
                    throw new FlashReadException(index, token, e);
                }
                ops = plan.operations();
                bytesRead = plan.bytesRead();
                bytesNeeded = (long) toRead * bundleBytes;
                for (int j = 0; j < toRead; j++) {
                    int i = readIndex[j];
                    MemorySegment bundle = plan.neededSlice(buffer, j);
                    s.refs.add(s.slots[i], bundle, 0);
                    if (!s.hit[i]) {
                        s.missSlots[misses] = s.slots[i];
                        s.missSegments[misses++] = bundle;
                    }
                }
                if (cache != null && misses > 0) {
                    cache.admit(index, s.missSlots, misses, s.missSegments);
                }
            }
        }
        long ioNanos = System.nanoTime() - ioStart;

        long computeStart = System.nanoTime();
        executor.forward(x, s.refs, out, null);
        long computeNanos = System.nanoTime() - computeStart;
        Arrays.fill(s.missSegments, 0, misses, null);

        TokenStats t = new TokenStats(index, token, n, served, ops, bytesNeeded, bytesRead, ioNanos, computeNanos);
        stats.add(t);
        if (listener != null) {
            listener.accept(t);
        }
        return t;
    }
}
