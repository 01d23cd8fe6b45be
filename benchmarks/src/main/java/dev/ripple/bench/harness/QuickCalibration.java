package dev.ripple.bench.harness;

import dev.ripple.io.device.CalibrationOptions;
import dev.ripple.io.device.DeviceCalibrator;
import dev.ripple.io.device.DeviceProfile;
import java.io.IOException;
import java.nio.file.Path;

/** The storage of this machine, profiled in a few seconds ({@code ripple calibrate --quick}) where a run needs a device and none was given. */
public final class QuickCalibration {
    private QuickCalibration() {}

    /** {@code given} when the run was handed a device, else the storage under {@code dir} profiled now. */
    public static DeviceProfile unlessGiven(DeviceProfile given, Path dir, Progress progress) throws IOException {
        if (given != null) {
            return given;
        }
        try (Progress.Step _ = progress.start("calibrate", 1)) {
            return DeviceCalibrator.calibrate(dir, CalibrationOptions.quick(), p -> {});
        }
    }
}
