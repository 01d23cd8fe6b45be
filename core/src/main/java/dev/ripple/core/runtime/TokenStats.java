package dev.ripple.core.runtime;

/**
 * What one token cost in one layer: given to the {@link RippleModel}'s listener after every FFN
 * call, and summed in {@link RuntimeStats}.
 *
 * @param layer        layer index
 * @param token        token position given by the caller
 * @param predicted    neurons the predictor selected (bundles needed)
 * @param cacheHits    of those, served from the DRAM cache (a cached bundle inside a read that
 *                     happens anyway is read through, so hits never split a read)
 * @param readOps      read operations issued (after collapsing)
 * @param bytesNeeded  bytes of the needed bundles that were read from flash
 * @param bytesRead    bytes actually read (including collapsed gaps and alignment)
 * @param ioNanos      time in the reader
 * @param computeNanos time in the sparse executor
 */
public record TokenStats(int layer, int token, int predicted, int cacheHits, int readOps, long bytesNeeded, long bytesRead,
                         long ioNanos, long computeNanos) {
}
