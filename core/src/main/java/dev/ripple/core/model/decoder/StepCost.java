package dev.ripple.core.model.decoder;

import dev.ripple.core.model.TokenStats;

/**
 * What one forward step of a session cost: a decoded token, or a whole prompt (prefill), summed
 * over the layers' FFN calls, with the step's wall time.
 *
 * @param tokens       tokens the step ran through the model
 * @param ffnCalls     FFN calls (layers × chunks)
 * @param predicted    bundles needed, summed over calls
 * @param cacheHits    of those, served from the DRAM bundle cache
 * @param readOps      read operations issued to the storage
 * @param bytesRead    bytes read from the storage (collapsed gaps and alignment included)
 * @param bytesNeeded  bytes of the needed bundles that were read
 * @param ioNanos      time planning reads and in the reader
 * @param ffnNanos     time in the sparse FFN executor
 * @param totalNanos   wall time of the whole step (attention, norms, LM head included)
 * @param stallNanos   time the step's thread spent on I/O (planning, waiting for reads no computation
 *                     covered): {@code ioNanos} when reads are not overlapped with compute
 */
public record StepCost(
        int tokens,
        int ffnCalls,
        long predicted,
        long cacheHits,
        long readOps,
        long bytesRead,
        long bytesNeeded,
        long ioNanos,
        long ffnNanos,
        long totalNanos,
        long stallNanos) {

    /** Accumulates the FFN calls of one step; a session's, emptied at each step's start. */
    static final class Builder {
        private int ffnCalls;
        private long predicted;
        private long cacheHits;
        private long readOps;
        private long bytesRead;
        private long bytesNeeded;
        private long ioNanos;
        private long ffnNanos;
        private long stallNanos;

        Builder clear() {
            ffnCalls = 0;
            predicted = 0;
            cacheHits = 0;
            readOps = 0;
            bytesRead = 0;
            bytesNeeded = 0;
            ioNanos = 0;
            ffnNanos = 0;
            stallNanos = 0;
            return this;
        }

        void add(TokenStats s) {
            ffnCalls++;
            predicted += s.predicted();
            cacheHits += s.cacheHits();
            readOps += s.readOps();
            bytesRead += s.bytesRead();
            bytesNeeded += s.bytesNeeded();
            ioNanos += s.ioNanos();
            ffnNanos += s.computeNanos();
            stallNanos += s.stallNanos();
        }

        StepCost build(int tokens, long totalNanos) {
            return new StepCost(
                    tokens,
                    ffnCalls,
                    predicted,
                    cacheHits,
                    readOps,
                    bytesRead,
                    bytesNeeded,
                    ioNanos,
                    ffnNanos,
                    totalNanos,
                    stallNanos);
        }
    }

    /** Share of the needed bundles served from the cache. */
    public double hitRate() {
        return predicted == 0 ? 0 : cacheHits / (double) predicted;
    }

    public double ioMillis() {
        return ioNanos / 1e6;
    }

    /**
     * Time of the step outside I/O: its wall time less the time its thread spent on I/O. Reads
     * hidden behind compute do not shorten it.
     */
    public double computeMillis() {
        return (totalNanos - stallNanos) / 1e6;
    }

    public double totalMillis() {
        return totalNanos / 1e6;
    }
}
