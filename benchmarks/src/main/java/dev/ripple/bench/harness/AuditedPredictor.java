package dev.ripple.bench.harness;

import dev.ripple.core.activity.ActivationPredictor;
import dev.ripple.placement.trace.ActivationTrace;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.collections.api.list.primitive.MutableIntList;
import org.roaringbitmap.ImmutableBitmapDataProvider;

/**
 * Wraps a predictor and scores each prediction against the true active set recorded by ONNX
 * Runtime for the same token (a held-out trace): recall (true active sets covered) and precision
 * (share of what is read that was needed). Like trace replay, each layer keeps a cursor into the
 * trace that every prediction advances; {@link #seek} sets it to a passage's first token.
 */
public final class AuditedPredictor implements ActivationPredictor {
    private final ActivationPredictor inner;
    private final ActivationTrace truth;
    private final LongAdder truePositives = new LongAdder();
    private final LongAdder predicted = new LongAdder();
    private final LongAdder actual = new LongAdder();
    private final int[] cursor;

    public AuditedPredictor(ActivationPredictor inner, ActivationTrace truth) {
        this.inner = inner;
        this.truth = truth;
        this.cursor = new int[truth.layers()];
    }

    /** The next prediction of every layer is for {@code token} of the trace. */
    public void seek(int token) {
        Arrays.fill(cursor, token);
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void predict(int layer, float[] x, MutableIntList out) {
        int before = out.size();
        int token = cursor[layer]++;
        inner.predict(layer, x, out);
        if (token < truth.tokens(layer)) {
            ImmutableBitmapDataProvider real = truth.active(layer, token);
            long hits = 0;
            for (int i = before; i < out.size(); i++) {
                if (real.contains(out.get(i))) {
                    hits++;
                }
            }
            truePositives.add(hits);
            predicted.add(out.size() - before);
            actual.add(real.getCardinality());
        }
    }

    /** Share of the truly active neurons that were predicted. */
    public double recall() {
        long a = actual.sum();
        return a == 0 ? 1 : truePositives.sum() / (double) a;
    }

    /** Share of the predicted neurons that were truly active. */
    public double precision() {
        long p = predicted.sum();
        return p == 0 ? 1 : truePositives.sum() / (double) p;
    }
}
