package dev.ripple.io.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.io.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class DeviceCalibratorTest {

    @Test
    void quickCalibrationWritesASaneProfileAndCleansUp() throws IOException {
        Path dir = TestFiles.newDirectory("calibrate");
        try {
            List<CalibrationProgress> steps = new ArrayList<>();
            CalibrationOptions options = CalibrationOptions.quick();
            DeviceProfile profile = DeviceCalibrator.calibrate(dir, options, steps::add);

            // Progress: one step per point plus file and sequential pass, ending at 100%.
            assertEquals(2 + options.points(), steps.size());
            assertEquals(1.0, steps.getLast().fraction());
            assertNotNull(steps.getLast().latest());

            // The table covers the grid, and larger reads take longer but move more bytes.
            assertEquals(options.points(), profile.measurements().size());
            for (int qd : options.queueDepths()) {
                Measurement small = point(profile, 4096, qd);
                Measurement large = point(profile, 1 << 20, qd);
                assertTrue(large.latencyMeanMicros() > small.latencyMeanMicros(), small + " vs " + large);
                assertTrue(large.mibPerSecond() > small.mibPerSecond(), small + " vs " + large);
                assertTrue(small.latencyP99Micros() >= small.latencyP50Micros(), small.toString());
            }
            assertEquals(point(profile, 4096, 1).iops(), profile.random4kQd1Iops());
            assertTrue(profile.sequentialMiBps() > 0);
            // The fitted cost grows with size at every depth.
            for (int qd : options.queueDepths()) {
                assertTrue(profile.costMicros(1 << 20, qd) > profile.costMicros(4096, qd));
            }
            assertTrue(profile.source().contains("O_DIRECT"), profile.source());

            Path json = dir.resolve("device.json");
            Files.writeString(json, profile.toJson());
            assertEquals(profile, DeviceProfile.read(json));
            try (Stream<Path> left = Files.list(dir)) {
                assertEquals(List.of(json), left.toList(), "the temporary test file is deleted");
            }
        } finally {
            TestFiles.deleteRecursively(dir);
        }
    }

    static Measurement point(DeviceProfile profile, int size, int qd) {
        return profile.measurements().stream()
                .filter(m -> m.readBytes() == size && m.queueDepth() == qd)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no point " + size + "@" + qd));
    }

    @Test
    void optionsAreValidatedAndAlwaysInclude4kAtDepthOne() {
        CalibrationOptions o = CalibrationOptions.quick().withGrid(List.of(65536, 1 << 20), List.of(8));
        assertEquals(List.of(4096, 65536, 1 << 20), o.readSizes());
        assertEquals(List.of(1, 8), o.queueDepths());
        assertThrows(
                IllegalArgumentException.class, () -> CalibrationOptions.quick().withGrid(List.of(1000), List.of(1)));
        assertThrows(
                IllegalArgumentException.class, () -> CalibrationOptions.quick().withFileBytes(1 << 20));
        assertTrue(CalibrationOptions.defaults().estimatedDuration().toSeconds() < 180);
    }

    /**
     * A duration past an hour is refused: {@code System.nanoTime()} plus one of centuries overflowed,
     * so every point ended after one read and the profile looked measured.
     */
    @Test
    void aCalibrationDurationPastAnHourIsRefused() {
        Duration centuries = Duration.ofDays(365L * 300);
        for (Duration d : List.of(centuries, CalibrationOptions.MAX_DURATION.plusNanos(1))) {
            assertThrows(
                    IllegalArgumentException.class,
                    () -> CalibrationOptions.quick().withTimePerPoint(d));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> CalibrationOptions.quick().withSequentialTime(d));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> ReaderCalibrator.Options.defaults().withTimes(Duration.ZERO, d));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> ReaderCalibrator.Options.defaults().withTimes(d, Duration.ofSeconds(1)));
        }
        assertEquals(
                CalibrationOptions.MAX_DURATION,
                CalibrationOptions.quick()
                        .withTimePerPoint(CalibrationOptions.MAX_DURATION)
                        .timePerPoint());
    }

    @Test
    void missingDirectoryIsReported() {
        Path nowhere = Path.of("target", "no-such-dir-for-calibration");
        IOException e = assertThrows(
                IOException.class,
                () -> DeviceCalibrator.calibrate(nowhere, CalibrationOptions.quick(), ProgressListener.NONE));
        assertTrue(e.getMessage().contains("no-such-dir-for-calibration"), e.getMessage());
    }
}
