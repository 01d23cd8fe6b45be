package dev.ripple.bench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.io.device.CalibrationOptions;
import dev.ripple.io.device.DeviceCalibrator;
import dev.ripple.io.device.DeviceProfile;
import dev.ripple.io.device.Measurement;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ripple calibrate --dir D [--json] [--out FILE]}: measure the storage under D with direct I/O. */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Measure read latency and bandwidth of the storage under a directory (direct I/O, sizes 4 KiB..1 MiB, "
                + "queue depths 1..32), fit the cost model the read planner uses, and save it as JSON.")
final class CalibrateCommand implements Callable<Integer> {

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "directory on the storage to measure")
    Path dir;

    @Option(names = "--out", paramLabel = "FILE", description = "where to save the profile (default: DIR/device-profile.json)")
    Path out;

    @Option(names = "--json", description = "print the profile as JSON instead of a table")
    boolean json;

    @Option(names = "--quick", description = "a coarse grid with short points (seconds instead of minutes)")
    boolean quick;

    @Option(names = "--seconds-per-point", paramLabel = "S", description = "measuring time per size and queue depth")
    Double secondsPerPoint;

    @Option(names = "--file-mib", paramLabel = "MIB", description = "size of the temporary test file (default from the grid)")
    Long fileMib;

    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;

    @Spec
    CommandSpec spec;

    /** The quick profile of the storage under {@code dir} that bench and policies measure when given none. */
    static DeviceProfile quick(Path dir, boolean quiet) throws java.io.IOException {
        try (CliProgress bar = CliProgress.start("calibrate", 1, quiet)) {
            return DeviceCalibrator.calibrate(dir, CalibrationOptions.quick(), p -> bar.message(p.phase()));
        }
    }

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + ": not a directory");
        }
        CalibrationOptions options = quick ? CalibrationOptions.quick() : CalibrationOptions.defaults();
        if (secondsPerPoint != null) {
            if (!(secondsPerPoint > 0)) {
                throw new IllegalArgumentException("--seconds-per-point must be positive");
            }
            options = options.withTimePerPoint(Duration.ofMillis((long) (secondsPerPoint * 1000)));
        }
        if (fileMib != null) {
            options = options.withFileBytes(fileMib << 20);
        }
        DeviceProfile profile;
        try (CliProgress bar = CliProgress.start("calibrate", options.points(), quiet)) {
            profile = DeviceCalibrator.calibrate(dir, options, p -> {
                bar.stepTo(p.step());
                bar.message(p.phase());
            });
        }
        Path target = out != null ? out : dir.resolve("device-profile.json");
        profile.write(target);
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            o.println(new ObjectMapper().readTree(profile.toJson()).toPrettyString());
            return 0;
        }
        o.printf("device profile of %s, saved to %s%n", dir, target);
        o.printf("sequential read: %.0f MiB/s; random 4 KiB at queue depth 1: %.0f IOPS%n",
                profile.sequentialMiBps(), profile.random4kQd1Iops());
        o.printf("%10s %4s %12s %12s %10s %10s%n", "read size", "qd", "mean us", "p99 us", "MiB/s", "IOPS");
        for (Measurement m : profile.measurements()) {
            o.printf("%10d %4d %12.1f %12.1f %10.1f %10.0f%n", m.readBytes(), m.queueDepth(), m.latencyMeanMicros(), m.latencyP99Micros(),
                    m.mibPerSecond(), m.iops());
        }
        return 0;
    }
}
