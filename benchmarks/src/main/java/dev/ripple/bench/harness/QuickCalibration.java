package dev.ripple.bench.harness;

import dev.ripple.io.device.CalibrationOptions;
import dev.ripple.io.device.DeviceCalibrator;
import dev.ripple.io.device.DeviceProfile;
import dev.ripple.io.reader.DirectIoUnsupportedException;
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
     * {@code dir} is where the run's files are read from, so that the profile is of their storage.
     *
     * @throws IOException also when {@code dir} has no direct I/O (a tmpfs), saying that a device
     *     must be given there
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
        } catch (DirectIoUnsupportedException e) {
            // the reader's own advice ("use the positional or mmap reader") does not help here: the
            // profile is measured with O_DIRECT whatever reader the run uses
            throw new IOException(
                    dir + ": no device was given, so the run first profiles the storage here with O_DIRECT reads"
                            + " (as 'ripple calibrate --quick' does), and its file system (" + e.fileSystemType()
                            + ") has no direct I/O to a storage device; give a device (--device ufs-3.1, ufs-4.0,"
                            + " nvme or a profile 'ripple calibrate' measured) or keep the files on a disk-backed"
                            + " file system",
                    e);
        }
    }
}
