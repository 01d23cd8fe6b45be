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

    /**
     * The rates a line may have: 1 byte/s to 1 PB/s. Physical devices lie far inside; the bounds
     * keep every rate the model derives finite (between two lines it interpolates {@code
     * 1/bytesPerMicro}, and a rate near 0 or near {@code Double.MAX_VALUE} made that infinite or
     * NaN, an exception inside the planner for a profile that had been read without complaint).
     */
    public static final double MIN_BYTES_PER_MICRO = 1e-6;

    public static final double MAX_BYTES_PER_MICRO = 1e9;

    /** The largest per-operation cost, 10^12 µs (11.6 days), so that the break-even gap stays finite. */
    public static final double MAX_FIXED_MICROS = 1e12;

    public CostLine {
        if (queueDepth <= 0) {
            throw new IllegalArgumentException("cost line queueDepth must be positive, got " + queueDepth);
        }
        if (!(fixedMicros >= 0 && fixedMicros <= MAX_FIXED_MICROS)) {
            throw new IllegalArgumentException("cost line at queue depth " + queueDepth
                    + ": fixedMicros must be between 0 and " + MAX_FIXED_MICROS + ", got " + fixedMicros);
        }
        if (!(bytesPerMicro >= MIN_BYTES_PER_MICRO && bytesPerMicro <= MAX_BYTES_PER_MICRO)) {
            throw new IllegalArgumentException("cost line at queue depth " + queueDepth
                    + ": bytesPerMicro must be between " + MIN_BYTES_PER_MICRO + " and " + MAX_BYTES_PER_MICRO
                    + " (1 byte/s to 1 PB/s), got " + bytesPerMicro);
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
