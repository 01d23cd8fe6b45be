package dev.ripple.core.runtime;

import dev.ripple.core.format.PlacedLayer;
import dev.ripple.core.format.ResidentTensor;
import dev.ripple.core.format.RippleContents;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.SectionEntry;
import dev.ripple.core.model.decoder.DecoderConfig;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.Tensor;
import dev.ripple.io.Sizes;
import java.util.Locale;

/**
 * How a DRAM budget is spent: the resident tensors (embeddings, attention, norms, LM head,
 * predictor, fill-in: every tensor section of the file, held as mapped or copied), the KV caches
 * of the sessions at their context length, the working buffers each session's thread fills as it
 * reads (a layer's cache hits, its reads and the read-ahead of the next layer), and what is left
 * for the bundle cache. LLM in a flash
 * kept about half of OPT-6.7B in DRAM this way; here the split is explicit and printed.
 *
 * <pre>{@code
 * MemoryPlan plan = MemoryPlan.of(file, config, 512L << 20, 2048, DType.F16, 1);
 * RippleModel m = RippleModel.open(path, RuntimeOptions.defaults().withCacheBytes("linking", plan.cacheBytes()));
 * }</pre>
 *
 * @param budgetBytes   the DRAM the user gave
 * @param residentBytes tensors kept in DRAM
 * @param kvCacheBytes  the sessions' KV caches
 * @param workingBytes  the most the sessions' working buffers can grow to ({@link #workingBytes(RippleFile, int)})
 * @param cacheBytes    what is left for FFN bundles
 */
public record MemoryPlan(long budgetBytes, long residentBytes, long kvCacheBytes, long workingBytes, long cacheBytes) {

    /**
     * Buffers one thread may hold at once while it runs a layer from flash: the cache hits copied
     * out, the layer's reads, and the read-ahead of the next layer (decode).
     */
    static final int WORKING_BUFFERS = 3;

    /**
     * Splits {@code budgetBytes} for {@code sessions} sessions of {@code context} tokens each.
     *
     * @throws IllegalArgumentException saying how much is needed when the budget is below the
     *                                  resident tensors and the KV caches
     */
    public static MemoryPlan of(
            RippleFile file, DecoderConfig config, long budgetBytes, int context, DType kvType, int sessions) {
        long resident = residentBytes(file);
        long kv = config.kvBytesPerToken(kvType) * context * sessions;
        long working = workingBytes(file, sessions);
        long left = budgetBytes - resident - kv - working;
        if (left < 0) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "a DRAM budget of %s is below what %s needs in "
                            + "memory: %s of resident tensors, %s of KV cache (%d tokens of context, %s) and %s of working "
                            + "buffers; give at least %s (more leaves room to cache FFN bundles), or a shorter context",
                    Sizes.bytes(budgetBytes),
                    file.path(),
                    Sizes.bytes(resident),
                    Sizes.bytes(kv),
                    context,
                    kvType.label(),
                    Sizes.bytes(working),
                    Sizes.bytes(resident + kv + working)));
        }
        return new MemoryPlan(budgetBytes, resident, kv, working, left);
    }

    /**
     * Splits {@code budgetBytes} for an encoder, which keeps no KV cache: resident tensors, then the
     * bundle cache.
     *
     * @throws IllegalArgumentException saying how much is needed when the budget is below the resident tensors
     */
    public static MemoryPlan withoutKvCache(RippleFile file, long budgetBytes) {
        long resident = residentBytes(file);
        long working = workingBytes(file, 1);
        if (budgetBytes < resident + working) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "a DRAM budget of %s is below the %s of resident "
                            + "tensors and %s of working buffers %s keeps in memory; give at least %s (more leaves room to cache FFN "
                            + "bundles)",
                    Sizes.bytes(budgetBytes),
                    Sizes.bytes(resident),
                    Sizes.bytes(working),
                    file.path(),
                    Sizes.bytes(resident + working)));
        }
        return new MemoryPlan(budgetBytes, resident, 0, working, budgetBytes - resident - working);
    }

    /**
     * The least an encoder's budget must hold for a file of {@code contents} and more, before any is
     * written: its resident tensors and one thread's working buffers. A command that profiles and
     * places for minutes before it writes refuses a budget below this at once; the files it writes
     * hold more (a predictor, fill-in means), so {@link #withoutKvCache} still decides on them.
     */
    public static long leastWithoutKvCache(RippleContents contents) {
        long resident = 0;
        for (ResidentTensor t : contents.tensors()) {
            resident += t.dtype().bytes(Tensor.elementCount(t.shape()));
        }
        long largestLayer = 0;
        for (PlacedLayer layer : contents.layers()) {
            largestLayer = Math.max(largestLayer, layer.weights().spec().sectionBytes());
        }
        return resident + workingBytes(largestLayer, 1);
    }

    /**
     * What one session of a run without a budget holds: the resident tensors, a KV cache of
     * {@code kvBytes}, its working buffers and the bundle cache the run was given; the budget is their sum.
     */
    public static MemoryPlan held(RippleFile file, long kvBytes, long cacheBytes) {
        long resident = residentBytes(file);
        long working = workingBytes(file, 1);
        return new MemoryPlan(resident + kvBytes + working + cacheBytes, resident, kvBytes, working, cacheBytes);
    }

    /** Bytes of every resident tensor section of {@code file}. */
    public static long residentBytes(RippleFile file) {
        long bytes = 0;
        for (SectionEntry e : file.tensors()) {
            bytes += e.length();
        }
        return bytes;
    }

    /**
     * The most the working buffers of {@code threads} threads can grow to: each holds up to
     * {@link #WORKING_BUFFERS} buffers of a whole layer's bundles (a prefill's union can need every
     * neuron), each grown a quarter beyond what was asked and rounded up to a MiB, as the runtime's
     * scratch grows them. A decode step on a sparse layer fills far less; this is the bound.
     */
    public static long workingBytes(RippleFile file, int threads) {
        long largestLayer = 0;
        for (var layer : file.layers()) {
            largestLayer = Math.max(largestLayer, layer.bundles().length());
        }
        return workingBytes(largestLayer, threads);
    }

    /** {@link #workingBytes(RippleFile, int)} of a file whose largest layer's bundles take {@code largestLayer} bytes. */
    private static long workingBytes(long largestLayer, int threads) {
        long grown = largestLayer + largestLayer / 4;
        long perBuffer = (grown + (1 << 20) - 1) & -(1L << 20);
        return (long) threads * WORKING_BUFFERS * perBuffer;
    }

    @Override
    public String toString() {
        return "resident " + Sizes.bytes(residentBytes) + ", KV cache " + Sizes.bytes(kvCacheBytes)
                + ", working buffers " + Sizes.bytes(workingBytes) + ", bundle cache " + Sizes.bytes(cacheBytes)
                + " (of " + Sizes.bytes(budgetBytes) + ")";
    }
}
