package dev.ripple.io.device;

import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;

/**
 * How {@link DeviceCalibrator} measures: size of the temporary file, the grid of read sizes and
 * queue depths, and the time spent per point.
 *
 * <p>{@link #defaults()} takes a little over a minute on an SSD (54 points of 1 s plus a 1 GiB
 * file); {@link #quick()} a few seconds, for tests and smoke runs. 4 KiB and queue depth 1 are
 * always measured, since the profile's {@code random4kQd1Iops} comes from that point. Each component
 * has a wither ({@code withTimePerPoint(t)}, ...) from {@link CalibrationOptionsBuilder.With}.
 *
 * <pre>{@code
 * CalibrationOptions options = CalibrationOptions.defaults().withTimePerPoint(Duration.ofMillis(500));
 * }</pre>
 *
 * @param name                  name given to the resulting profile
 * @param fileBytes             size of the temporary test file; larger than any device cache is best
 * @param readSizes             random read sizes to measure, bytes, multiples of 4 KiB
 * @param queueDepths           queue depths to measure
 * @param timePerPoint          measured time per (size, queue depth) point
 * @param warmupPerPoint        unmeasured time before each point
 * @param sequentialTime        time for the sequential-bandwidth measurement
 * @param sequentialReadBytes   read size of the sequential measurement
 * @param sequentialQueueDepth  reads in flight during the sequential measurement
 * @param seed                  seed of the random offsets and of the file's content
 */
@RecordBuilder
public record CalibrationOptions(
        String name,
        long fileBytes,
        List<Integer> readSizes,
        List<Integer> queueDepths,
        Duration timePerPoint,
        Duration warmupPerPoint,
        Duration sequentialTime,
        int sequentialReadBytes,
        int sequentialQueueDepth,
        long seed)
        implements CalibrationOptionsBuilder.With {

    private static final int ALIGN = 4096;

    public CalibrationOptions {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("calibration needs a profile name");
        }
        TreeSet<Integer> sizes = new TreeSet<>(readSizes);
        sizes.add(ALIGN);
        TreeSet<Integer> depths = new TreeSet<>(queueDepths);
        depths.add(1);
        for (int s : sizes) {
            if (s <= 0 || s % ALIGN != 0) {
                throw new IllegalArgumentException(
                        "read sizes must be positive multiples of 4096 (direct I/O), got " + s);
            }
        }
        if (sizes.size() < 2) {
            throw new IllegalArgumentException("need at least two read sizes to fit a cost model, got " + sizes);
        }
        for (int q : depths) {
            if (q <= 0 || q > 1024) {
                throw new IllegalArgumentException("queue depths must be in 1..1024, got " + q);
            }
        }
        if (sequentialReadBytes <= 0 || sequentialReadBytes % ALIGN != 0 || sequentialQueueDepth <= 0) {
            throw new IllegalArgumentException("sequential read size must be a positive multiple of 4096 and its queue"
                    + " depth positive, got " + sequentialReadBytes + " and " + sequentialQueueDepth);
        }
        long largest = Math.max(sizes.last(), sequentialReadBytes);
        if (fileBytes < 2 * largest || fileBytes % ALIGN != 0) {
            throw new IllegalArgumentException(
                    "fileBytes must be a multiple of 4096 and at least twice the largest read (" + largest + "), got "
                            + fileBytes);
        }
        for (Duration d : List.of(timePerPoint, warmupPerPoint, sequentialTime)) {
            requireDuration(d);
        }
        if (timePerPoint.isZero() || sequentialTime.isZero()) {
            throw new IllegalArgumentException("timePerPoint and sequentialTime must be positive");
        }
        readSizes = List.copyOf(sizes);
        queueDepths = List.copyOf(depths);
    }

    /**
     * The longest calibration duration taken, an hour per point (or per sequential measurement): a
     * deadline of {@code System.nanoTime()} plus a longer one can overflow (the JVM's clock may start
     * anywhere), which ended every point after one read and saved that as the device's profile.
     */
    public static final Duration MAX_DURATION = Duration.ofHours(1);

    /** Refuses a null, negative or overlong calibration duration. */
    static void requireDuration(Duration d) {
        if (d == null || d.isNegative() || d.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("calibration durations must be in 0.." + MAX_DURATION + ", got " + d);
        }
    }

    /** 1 GiB file, 4 KiB..1 MiB by powers of two × queue depth 1..32, 1 s per point: about a minute and a half. */
    public static CalibrationOptions defaults() {
        return new CalibrationOptions(
                "this-machine",
                1L << 30,
                List.of(4096, 8192, 16384, 32768, 65536, 131072, 262144, 524288, 1 << 20),
                List.of(1, 2, 4, 8, 16, 32),
                Duration.ofSeconds(1),
                Duration.ofMillis(100),
                Duration.ofSeconds(2),
                1 << 20,
                4,
                42);
    }

    /** 16 MiB file, 3 sizes × 2 depths, 100 ms per point: a few seconds, for tests and smoke runs. */
    public static CalibrationOptions quick() {
        return new CalibrationOptions(
                "quick",
                16L << 20,
                List.of(4096, 65536, 1 << 20),
                List.of(1, 4),
                Duration.ofMillis(100),
                Duration.ofMillis(20),
                Duration.ofMillis(200),
                1 << 20,
                2,
                42);
    }

    /** The grid of read sizes and queue depths measured (4 KiB and depth 1 are always added). */
    public CalibrationOptions withGrid(List<Integer> sizes, List<Integer> depths) {
        return with(b -> b.readSizes(sizes).queueDepths(depths));
    }

    /** Number of measured points: sizes × depths. */
    public int points() {
        return readSizes.size() * queueDepths.size();
    }

    /** Rough wall time of a run, excluding writing the test file. */
    public Duration estimatedDuration() {
        return timePerPoint.plus(warmupPerPoint).multipliedBy(points()).plus(sequentialTime);
    }
}
