package dev.ripple.io.device;

/**
 * The linear cost of one read at one queue depth: {@code cost(n) = fixedMicros + n / bytesPerMicro}.
 *
 * <p>"Cost" is the device time a read occupies when {@code queueDepth} reads are kept in flight
 * (the inverse of IOPS at that size); at queue depth 1 it is the read's latency. {@code fixedMicros}
 * is the per-operation overhead, {@code bytesPerMicro} the streaming bandwidth (1 byte/µs = 1 MB/s).
 *
 * @param queueDepth    reads in flight this line was measured or assumed at
 * @param fixedMicros   per-operation cost, µs (≥ 0)
 * @param bytesPerMicro transfer rate once an operation streams, bytes per µs (&gt; 0)
 */
public record CostLine(int queueDepth, double fixedMicros, double bytesPerMicro) {

    public CostLine {
        if (queueDepth <= 0) {
            throw new IllegalArgumentException("cost line queueDepth must be positive, got " + queueDepth);
        }
        if (!(fixedMicros >= 0) || Double.isInfinite(fixedMicros)) {
            throw new IllegalArgumentException("cost line at queue depth " + queueDepth
                    + ": fixedMicros must be a finite number >= 0, got " + fixedMicros);
        }
        if (!(bytesPerMicro > 0) || Double.isInfinite(bytesPerMicro)) {
            throw new IllegalArgumentException("cost line at queue depth " + queueDepth
                    + ": bytesPerMicro must be a finite number > 0, got " + bytesPerMicro);
        }
    }

    /** Cost of one read of {@code bytes}, µs. */
    public double costMicros(long bytes) {
        return fixedMicros + bytes / bytesPerMicro;
    }

    /**
     * The gap below which reading through is cheaper than issuing another read:
     * {@code fixedMicros × bytesPerMicro} bytes (see docs/IO.md for the derivation).
     */
    public double breakEvenGapBytes() {
        return fixedMicros * bytesPerMicro;
    }
}
