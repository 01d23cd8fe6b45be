package dev.ripple.io.device;

/**
 * One point of {@link ReaderCalibrator}: random reads of {@code sizeBytes} at 4 KiB-aligned
 * offsets with {@code queueDepth} in flight, through one reader.
 *
 * @param sizeBytes        bytes per read
 * @param queueDepth       reads kept in flight (the reader's queue depth)
 * @param iops             completed reads per second of wall time
 * @param mibPerSecond     {@code iops × sizeBytes} in MiB/s
 * @param cpuMicrosPerRead CPU time of the whole process (user + system, every thread, the JVM's own
 *                         included) over the measured interval, divided by the reads completed, µs
 * @param reads            reads completed in the measured interval
 * @param seconds          length of the measured interval
 */
public record ReaderPoint(
        int sizeBytes,
        int queueDepth,
        double iops,
        double mibPerSecond,
        double cpuMicrosPerRead,
        long reads,
        double seconds) {

    public ReaderPoint {
        if (sizeBytes <= 0 || queueDepth <= 0 || reads <= 0 || !(seconds > 0)) {
            throw new IllegalArgumentException("a reader point needs positive size, depth, reads and time, got "
                    + sizeBytes + ", " + queueDepth + ", " + reads + ", " + seconds);
        }
    }
}
