package dev.ripple.core.runtime;

/**
 * What one FFN call cost in one layer: one token ({@link FlashFfn#forward}) or a whole sequence
 * read at once ({@link FlashFfn#forwardAll}). Given to the {@link RippleModel}'s listener after
 * every call, and summed in {@link RuntimeStats}.
 *
 * @param layer            layer index
 * @param token            position of the (first) token given by the caller
 * @param tokens           tokens computed by this call (1 for one token)
 * @param predicted        bundles needed: the predicted neurons (their union over the tokens)
 * @param tokenPredictions sum over the tokens of each token's predicted neurons
 * @param cacheHits        of the needed bundles, served from the DRAM cache (a cached bundle inside
 *                         a read that happens anyway is read through, so hits never split a read)
 * @param readOps          read operations issued (after collapsing)
 * @param bytesNeeded      bytes of the needed bundles that were read from flash
 * @param bytesRead        bytes actually read (including collapsed gaps and alignment)
 * @param ioNanos          time planning the reads and in the reader (cache lookups and admission
 *                         copies are not included)
 * @param computeNanos     time in the sparse executor
 */
public record TokenStats(int layer, int token, int tokens, int predicted, long tokenPredictions, int cacheHits,
                         int readOps, long bytesNeeded, long bytesRead, long ioNanos, long computeNanos) {
}
