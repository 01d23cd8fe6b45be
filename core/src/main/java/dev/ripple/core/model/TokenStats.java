package dev.ripple.core.model;

/**
 * What one FFN call cost in one layer: one token, or a whole sequence read at once (prefill).
 * Returned by every {@link FeedForward} call, summed by the runtime's statistics and by a decoder
 * session per generated token. An FFN held in DRAM reports no I/O.
 *
 * @param layer            layer index
 * @param tokens           tokens computed by this call (1 for one token)
 * @param predicted        bundles needed: the predicted neurons (their union over the tokens)
 * @param tokenPredictions sum over the tokens of each token's predicted neurons
 * @param cacheHits        of the needed bundles, served from the DRAM cache: with a device's cost
 *                         model only the misses are read, so a run of hits splits a read where that
 *                         is cheaper; with a fixed gap a hit inside a read that holds a miss is read
 *                         through and not counted here (except after a read-ahead, when only the
 *                         misses are read in either mode)
 * @param readOps          read operations issued (after collapsing)
 * @param bytesNeeded      bytes of the needed bundles that were read from flash
 * @param bytesRead        bytes actually read (including collapsed gaps and alignment)
 * @param ioNanos          time planning the reads and in the reader (cache lookups and admission
 *                         copies are not included)
 * @param computeNanos     time in the sparse executor
 * @param stallNanos       time the calling thread spent on I/O: planning, and waiting for reads that
 *                         no computation covered; equal to {@code ioNanos} when the reads are not
 *                         overlapped with compute, less when they are
 */
public record TokenStats(
        int layer,
        int tokens,
        int predicted,
        long tokenPredictions,
        int cacheHits,
        int readOps,
        long bytesNeeded,
        long bytesRead,
        long ioNanos,
        long computeNanos,
        long stallNanos) {

    /** A call that read nothing: an FFN in DRAM. */
    public static TokenStats inMemory(int layer, int tokens, int neurons, long computeNanos) {
        return new TokenStats(layer, tokens, neurons, (long) neurons * tokens, 0, 0, 0, 0, 0, computeNanos, 0);
    }
}
