package dev.ripple.core.runtime;

import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.SectionEntry;
import dev.ripple.core.model.decoder.DecoderConfig;
import dev.ripple.core.tensor.DType;
import java.util.Locale;

/**
 * How a DRAM budget is spent: the resident tensors (embeddings, attention, norms, LM head,
 * predictor, fill-in: every tensor section of the file, held as mapped or copied), the KV caches
 * of the sessions at their context length, and what is left for the bundle cache. LLM in a flash
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
 * @param cacheBytes    what is left for FFN bundles
 */
public record MemoryPlan(long budgetBytes, long residentBytes, long kvCacheBytes, long cacheBytes) {

    /**
     * Splits {@code budgetBytes} for {@code sessions} sessions of {@code context} tokens each.
     *
     * @throws IllegalArgumentException saying how much is needed when the budget is below the
     *                                  resident tensors and the KV caches
     */
    public static MemoryPlan of(RippleFile file, DecoderConfig config, long budgetBytes, int context, DType kvType,
                                int sessions) {
        long resident = residentBytes(file);
        long kv = config.kvBytesPerToken(kvType) * context * sessions;
        long left = budgetBytes - resident - kv;
        if (left < 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "a DRAM budget of %s is below what %s needs in "
                            + "memory: %s of resident tensors and %s of KV cache (%d tokens of context, %s); give at least %s "
                            + "(more leaves room to cache FFN bundles), or a shorter --context", mib(budgetBytes), file.path(),
                    mib(resident), mib(kv), context, kvType.label(), mib(resident + kv)));
        }
        return new MemoryPlan(budgetBytes, resident, kv, left);
    }

    /**
     * Splits {@code budgetBytes} for an encoder, which keeps no KV cache: resident tensors, then the
     * bundle cache.
     *
     * @throws IllegalArgumentException saying how much is needed when the budget is below the resident tensors
     */
    public static MemoryPlan withoutKvCache(RippleFile file, long budgetBytes) {
        long resident = residentBytes(file);
        if (budgetBytes < resident) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "a DRAM budget of %s is below the %s of resident "
                    + "tensors %s keeps in memory; give at least that (more leaves room to cache FFN bundles)",
                    mib(budgetBytes), mib(resident), file.path()));
        }
        return new MemoryPlan(budgetBytes, resident, 0, budgetBytes - resident);
    }

    /** Bytes of every resident tensor section of {@code file}. */
    public static long residentBytes(RippleFile file) {
        long bytes = 0;
        for (SectionEntry e : file.tensors()) {
            bytes += e.length();
        }
        return bytes;
    }

    /** {@code 12.3 MiB}. */
    public static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }

    @Override
    public String toString() {
        return "resident " + mib(residentBytes) + ", KV cache " + mib(kvCacheBytes) + ", bundle cache " + mib(cacheBytes)
                + " (of " + mib(budgetBytes) + ")";
    }
}
