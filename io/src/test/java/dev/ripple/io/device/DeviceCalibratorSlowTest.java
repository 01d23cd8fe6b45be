package dev.ripple.io.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.io.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The full default calibration of the disk under {@code target/} (about a minute and a half).
 * Writes {@code target/device-profile.json} and prints the table. Run with
 * {@code ./mvnw -q -pl io test -Dripple.slow=true -Dtest=DeviceCalibratorSlowTest}.
 */
@Tag("slow")
class DeviceCalibratorSlowTest {

    @Test
    void defaultCalibrationOfThisDisk() throws IOException {
        Path dir = TestFiles.newDirectory("calibrate-default");
        try {
            DeviceProfile profile = DeviceCalibrator.calibrate(
                    dir,
                    CalibrationOptions.defaults(),
                    p -> System.out.printf("[%2d/%2d] %s%n", p.step(), p.totalSteps(), p.phase()));
            Path out = Path.of("target", "device-profile.json");
            Files.writeString(out, profile.toJson());
            System.out.println(profile.costModel().method());
            for (CostLine line : profile.costModel().lines()) {
                System.out.printf(
                        "qd %2d: a = %7.2f us, b = %7.1f B/us, break-even gap %8.0f B%n",
                        line.queueDepth(), line.fixedMicros(), line.bytesPerMicro(), line.breakEvenGapBytes());
            }
            System.out.printf(
                    "sequential %.0f MiB/s, 4 KiB QD1 %.0f IOPS; written to %s%n",
                    profile.sequentialMiBps(), profile.random4kQd1Iops(), out.toAbsolutePath());
            assertEquals(profile, DeviceProfile.read(out));
            assertTrue(
                    profile.sequentialMiBps() > profile.random4kQd1Iops() * 4096 / (1 << 20),
                    "sequential reads beat 4 KiB QD1 random reads");
        } finally {
            TestFiles.deleteRecursively(dir);
        }
    }
}
