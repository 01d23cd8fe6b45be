package dev.ripple.core.runtime;

import dev.ripple.core.model.TokenStats;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * Running totals over all tokens and layers of a {@link RippleModel}, every session and thread
 * together since it opened; safe to read while it runs. Never reset: a figure over some work is
 * the difference of two readings, and one generation's own figures (speed, I/O per token) come
 * from its steps, {@code GenerationStats.of(result)}, which other sessions do not mix into.
 *
 * <pre>{@code
 * long reads = model.stats().readOps(), bytes = model.stats().bytesRead();
 * float[] embedding = encoder.embed(ids);
 * System.out.printf("%d reads, %d bytes, hit rate so far %.2f%n", model.stats().readOps() - reads,
 *         model.stats().bytesRead() - bytes, model.stats().hitRate());
 * }</pre>
 */
public final class RuntimeStats {
    private final LongAdder calls = new LongAdder();
    private final LongAdder tokenCalls = new LongAdder();
    private final LongAdder tokenPredictions = new LongAdder();
    private final LongAdder predicted = new LongAdder();
    private final LongAdder hits = new LongAdder();
    private final LongAdder ops = new LongAdder();
    private final LongAdder bytesNeeded = new LongAdder();
    private final LongAdder bytesRead = new LongAdder();
    private final LongAdder ioNanos = new LongAdder();
    private final LongAdder computeNanos = new LongAdder();
    private final LongAdder failures = new LongAdder();

    void add(TokenStats s) {
        calls.increment();
        tokenCalls.add(s.tokens());
        tokenPredictions.add(s.tokenPredictions());
        predicted.add(s.predicted());
        hits.add(s.cacheHits());
        ops.add(s.readOps());
        bytesNeeded.add(s.bytesNeeded());
        bytesRead.add(s.bytesRead());
        ioNanos.add(s.ioNanos());
        computeNanos.add(s.computeNanos());
    }

    void failed() {
        failures.increment();
    }

    /** FFN calls (one token, or one sequence read at once, × layer). */
    public long calls() {
        return calls.sum();
    }

    /** Tokens computed, summed over layers (equals {@link #calls()} when every call is one token). */
    public long tokenCalls() {
        return tokenCalls.sum();
    }

    /** Sum of each token's predicted neurons, over tokens and layers. */
    public long tokenPredictions() {
        return tokenPredictions.sum();
    }

    /** Bundles needed: per call the predicted neurons, or their union over a sequence. */
    public long predicted() {
        return predicted.sum();
    }

    public long cacheHits() {
        return hits.sum();
    }

    public long readOps() {
        return ops.sum();
    }

    public long bytesNeeded() {
        return bytesNeeded.sum();
    }

    public long bytesRead() {
        return bytesRead.sum();
    }

    public long ioNanos() {
        return ioNanos.sum();
    }

    public long computeNanos() {
        return computeNanos.sum();
    }

    /** FFN calls that ended in a read error. */
    public long failures() {
        return failures.sum();
    }

    public double hitRate() {
        long p = predicted();
        return p == 0 ? 0 : cacheHits() / (double) p;
    }

    /**
     * The totals a reader wants first: calls and tokens, bundles needed and the cache's share of
     * them, reads and bytes, time in I/O and compute, failures.
     */
    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "RuntimeStats[calls=%d, tokens=%d, bundles=%d (cache hits %.1f%%), reads=%d, bytesRead=%d of"
                        + " %d needed, io=%.1f ms, compute=%.1f ms, failures=%d]",
                calls(),
                tokenCalls(),
                predicted(),
                100 * hitRate(),
                readOps(),
                bytesRead(),
                bytesNeeded(),
                ioNanos() / 1e6,
                computeNanos() / 1e6,
                failures());
    }
}
