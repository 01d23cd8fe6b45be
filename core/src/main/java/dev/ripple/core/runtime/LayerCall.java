package dev.ripple.core.runtime;

/**
 * What one {@link FlashFfn#forwardAll} call has done so far, step by step: the union's size, the
 * read-ahead it took bundles from, and the times and bytes its steps spent. One per thread, in its
 * {@link Scratch}, reset at the start of each call, so a call allocates nothing for its bookkeeping.
 */
final class LayerCall {
    /** Bundles in the union of the tokens' predicted sets. */
    int n;
    /** Sum over tokens of their predicted set sizes. */
    long tokenPredictions;
    /** Tokens whose input holds a NaN or an infinity: nothing is read for them, their output is NaN. */
    int nonFinite;
    /** Whether a read-ahead of this layer is served from, its I/O time and the time waited for it. */
    boolean ahead;

    long aheadIo;
    long aheadWait;
    /** Union bundles served from the read-ahead, from the cache (hits not read through). */
    int fromAhead;

    int served;
    /** Bundles admitted to the cache. */
    int misses;

    long planNanos;
    long readNanos;
    long waitNanos;
    /** Compute done while the reads were in flight (the hits' activations). */
    long earlyNanos;

    boolean overlapped;
    int ops;
    long bytesRead;
    long bytesNeeded;

    void reset() {
        n = 0;
        tokenPredictions = 0;
        nonFinite = 0;
        ahead = false;
        aheadIo = 0;
        aheadWait = 0;
        fromAhead = 0;
        served = 0;
        misses = 0;
        planNanos = 0;
        readNanos = 0;
        waitNanos = 0;
        earlyNanos = 0;
        overlapped = false;
        ops = 0;
        bytesRead = 0;
        bytesNeeded = 0;
    }
}
