package dev.ripple.placement.stats;

import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * How {@link CoActivationCounter} works. Each component has a wither from {@link CountingOptionsBuilder.With}.
 *
 * @param threads       worker threads for counting (the machine has 2 cores; more only adds
 *                      contention)
 * @param maxDenseBytes largest exact triangle allowed ({@code n(n-1)/2 x 4} bytes); larger
 *                      layers get top-K neighbour lists. The default, 512 MiB, admits exactly
 *                      16,384 neurons: a quarter of the 2 GiB goal, leaving room for the trace
 *                      and the placement working set. Layers counted at once (the
 *                      placement pipeline) share it: their whole working sets
 *                      ({@link CoActivationCounter#denseWorkingBytes}) together stay within it.
 * @param topK          partners kept per neuron beyond the threshold
 * @param tokenBlock    tokens flattened at a time for dense counting (bounds the copy of the trace)
 */
@RecordBuilder
public record CountingOptions(int threads, long maxDenseBytes, int topK, int tokenBlock)
        implements CountingOptionsBuilder.With {
    public static final long DEFAULT_MAX_DENSE_BYTES = 512L << 20;

    public CountingOptions {
        if (threads < 1 || topK < 1 || tokenBlock < 1 || maxDenseBytes < 0) {
            throw new IllegalArgumentException("invalid counting options: " + threads + " threads, top-K " + topK
                    + ", token block " + tokenBlock + ", max dense bytes " + maxDenseBytes);
        }
    }

    /** 2 threads (or fewer cores), 512 MiB dense limit, top-64 lists, blocks of 8,192 tokens. */
    public static CountingOptions defaults() {
        return new CountingOptions(
                Math.min(2, Runtime.getRuntime().availableProcessors()), DEFAULT_MAX_DENSE_BYTES, 64, 8192);
    }

    /** Whether a layer of {@code n} neurons is counted exactly under these options. */
    public boolean dense(int n) {
        return TriangleIndex.pairs(n) * Integer.BYTES <= maxDenseBytes
                && TriangleIndex.pairs(n) <= Integer.MAX_VALUE - 16;
    }
}
