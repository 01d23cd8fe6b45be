package dev.ripple.io.device;

/**
 * One point of a device's measured table: random reads of {@code readBytes} with
 * {@code queueDepth} reads in flight.
 *
 * @param readBytes         size of each read, bytes
 * @param queueDepth        reads kept in flight
 * @param latencyMeanMicros mean time from issue to completion of one read, µs
 * @param latencyP50Micros  median of the same, µs
 * @param latencyP99Micros  99th percentile of the same, µs
 * @param mibPerSecond      achieved throughput, MiB/s
 * @param iops              completed reads per second
 */
public record Measurement(
        int readBytes,
        int queueDepth,
        double latencyMeanMicros,
        double latencyP50Micros,
        double latencyP99Micros,
        double mibPerSecond,
        double iops) {

    public Measurement {
        if (readBytes <= 0 || queueDepth <= 0) {
            throw new IllegalArgumentException(
                    "measurement needs positive readBytes and queueDepth, got " + readBytes + " and " + queueDepth);
        }
        requirePositive("latencyMeanMicros", latencyMeanMicros);
        requirePositive("latencyP50Micros", latencyP50Micros);
        requirePositive("latencyP99Micros", latencyP99Micros);
        requirePositive("mibPerSecond", mibPerSecond);
        requirePositive("iops", iops);
    }

    private static void requirePositive(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(
                    "measurement field " + name + " must be a positive finite number, got " + v);
        }
    }

    /** Device time one read occupies when {@code queueDepth} are kept in flight: 1/IOPS, in µs. */
    public double amortizedMicros() {
        return 1e6 / iops;
    }
}
