package dev.ripple.bench.harness;

import dev.ripple.io.device.CalibrationOptions;
import dev.ripple.io.device.DeviceCalibrator;
import dev.ripple.io.device.DeviceProfile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The storage of this machine, profiled in a few seconds ({@code ripple calibrate --quick}) where a run needs a device and none was given. */
public final class QuickCalibration {
    private QuickCalibration() {}

    /**
     * {@code given} when the run was handed a device, else the storage under {@code dir} profiled now,
     * at the quick grid's depths and the run's {@code queueDepth}: the quick grid stops at depth 4, and
     * a run at the default depth 8 had its reads planned and modelled on the depth-4 line.
     */
    public static DeviceProfile unlessGiven(DeviceProfile given, Path dir, int queueDepth, Progress progress)
            throws IOException {
        if (given != null) {
            return given;
        }
        CalibrationOptions quick = CalibrationOptions.quick();
        List<Integer> depths = Stream.concat(quick.queueDepths().stream(), Stream.of(queueDepth))
                .distinct()
                .sorted()
                .toList();
        try (Progress.Step _ = progress.start("calibrate", 1)) {
            return DeviceCalibrator.calibrate(dir, quick.withGrid(quick.readSizes(), depths), p -> {});
        }
    }
}
