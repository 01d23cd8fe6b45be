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
 */
public record StepCost(int tokens, int ffnCalls, long predicted, long cacheHits, long readOps, long bytesRead,
                       long bytesNeeded, long ioNanos, long ffnNanos, long totalNanos) {

    /** Accumulates the FFN calls of one step. */
    static final class Builder {
        private int ffnCalls;
        private long predicted;
        private long cacheHits;
        private long readOps;
        private long bytesRead;
        private long bytesNeeded;
        private long ioNanos;
        private long ffnNanos;

        void add(TokenStats s) {
            ffnCalls++;
            predicted += s.predicted();
            cacheHits += s.cacheHits();
            readOps += s.readOps();
            bytesRead += s.bytesRead();
            bytesNeeded += s.bytesNeeded();
            ioNanos += s.ioNanos();
            ffnNanos += s.computeNanos();
        }

        StepCost build(int tokens, long totalNanos) {
            return new StepCost(tokens, ffnCalls, predicted, cacheHits, readOps, bytesRead, bytesNeeded, ioNanos, ffnNanos,
                    totalNanos);
        }
    }

    /** Share of the needed bundles served from the cache. */
    public double hitRate() {
        return predicted == 0 ? 0 : cacheHits / (double) predicted;
    }

    public double ioMillis() {
        return ioNanos / 1e6;
    }

    public double totalMillis() {
        return totalNanos / 1e6;
    }
}
