package dev.ripple.bench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.bench.harness.FioRun;
import dev.ripple.bench.harness.MachineFacts;
import dev.ripple.bench.harness.ReaderComparison;
import dev.ripple.core.format.AtomicFile;
import dev.ripple.io.Sizes;
import dev.ripple.io.device.CalibrationOptions;
import dev.ripple.io.device.CostLine;
import dev.ripple.io.device.CostModel;
import dev.ripple.io.device.DeviceCalibrator;
import dev.ripple.io.device.DeviceProfile;
import dev.ripple.io.device.Measurement;
import dev.ripple.io.device.ReaderCalibration;
import dev.ripple.io.device.ReaderCalibrator;
import dev.ripple.io.device.ReaderPoint;
import dev.ripple.io.reader.ReaderKind;
import dev.ripple.placement.InputFiles;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ripple calibrate --dir D [--json] [--out FILE]}: measure the storage under D with direct I/O;
 * with {@code --reader R[,R...]} (and {@code --fio ENGINE[,...]}) measure readers instead: IOPS and
 * CPU time per read at each size and queue depth, fio beside them on the same file.
 */
@Command(
        name = "calibrate",
        mixinStandardHelpOptions = true,
        description =
                "Measure read latency and bandwidth of the storage under a directory (direct I/O, sizes 4 KiB..1 MiB, "
                        + "queue depths 1..32), fit the cost model the read planner uses, and save it as JSON. With --reader: measure "
                        + "readers (IOPS and CPU time per read by size and queue depth); with --fio, fio on the same file "
                        + "(beside the readers, or alone).")
final class CalibrateCommand implements Callable<Integer> {

    @Option(
            names = "--dir",
            converter = PathArguments.ExistingDirectory.class,
            paramLabel = "DIR",
            description = "directory on the storage to measure (test files are written there and deleted);"
                    + " required but with --reader and --file, which reads the file where it is")
    Path dir;

    @Option(
            names = "--out",
            converter = PathArguments.OutputFile.class,
            paramLabel = "FILE",
            description = "where to save the profile (default: DIR/" + DeviceProfile.FILE_NAME
                    + ", where 'ripple generate' finds it for the models in DIR) "
                    + "or, with --reader, the JSON report (default: none)")
    Path out;

    @Option(names = "--json", description = "print JSON instead of a table")
    boolean json;

    @Option(names = "--quick", description = "a coarse grid with short points (seconds instead of minutes)")
    boolean quick;

    @Option(names = "--seconds-per-point", paramLabel = "S", description = "measuring time per size and queue depth")
    Double secondsPerPoint;

    @Option(
            names = "--file-mib",
            paramLabel = "MIB",
            description = "size of the temporary test file (default from the grid; " + "1024 with --reader)")
    Long fileMib;

    @Option(
            names = "--reader",
            split = ",",
            paramLabel = "R",
            description = "measure these readers instead of the device: " + "direct, io_uring, mmap, pread")
    List<String> readers;

    @Option(
            names = "--fio",
            split = ",",
            paramLabel = "ENGINE",
            description = "run fio on the same file and points, beside the readers of --reader or, without "
                    + "--reader, alone (engines: io_uring, io_uring-fixed = with --fixedbufs --registerfiles, psync);"
                    + " fio must be installed")
    List<String> fioEngines;

    @Option(
            names = "--sizes",
            split = ",",
            defaultValue = "4096",
            description = "with --reader: read sizes in bytes " + "(default: ${DEFAULT-VALUE})")
    List<Integer> sizes;

    @Option(
            names = "--queue-depths",
            split = ",",
            defaultValue = "1,8,32",
            description = "with --reader: queue depths " + "(default: ${DEFAULT-VALUE})")
    List<Integer> queueDepths;

    @Option(
            names = "--rounds",
            defaultValue = "1",
            description = "with --reader: measurements of every point, contestants "
                    + "interleaved, medians reported (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(
            names = "--file",
            converter = PathArguments.InputFile.class,
            paramLabel = "FILE",
            description = "with --reader: read this existing file instead of writing one")
    Path file;

    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        boolean measureReaders = readers != null || fioEngines != null;
        if (dir == null && !(measureReaders && file != null)) { // a given --file needs no directory to write in
            throw new ParameterException(
                    spec.commandLine(),
                    "Missing required option: '--dir=DIR' (with --reader, '--file=FILE' may stand in for it)");
        }
        if (measureReaders) {
            return readers();
        }
        OptionValues.requireNotGiven(
                spec,
                "only with --reader; without it calibrate measures the device on its own grid (--quick for a coarse"
                        + " one)",
                "--sizes",
                "--queue-depths",
                "--rounds",
                "--file");
        CalibrationOptions options = quick ? CalibrationOptions.quick() : CalibrationOptions.defaults();
        if (secondsPerPoint != null) {
            options = options.withTimePerPoint(timePerPoint());
        }
        if (fileMib != null) {
            options = withTestFile(options, fileBytes(0));
        }
        Path target = out != null ? out : dir.resolve(DeviceProfile.FILE_NAME);
        PathArguments.requireUsableOutput(InputFiles.none(), "--out", target); // saved after minutes of measuring
        DeviceProfile profile;
        try (CliProgress bar = CliProgress.start("calibrate", options.points(), quiet)) {
            profile = DeviceCalibrator.calibrate(dir, options, p -> {
                bar.stepTo(p.step());
                bar.message(p.phase());
            });
        }
        AtomicFile.write(target, profile.toJson().getBytes(StandardCharsets.UTF_8));
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            o.println(new ObjectMapper().readTree(profile.toJson()).toPrettyString());
            // on stderr, so that stdout stays the JSON: the file is also what generate plans by
            spec.commandLine().getErr().println("device profile saved to " + target);
            return 0;
        }
        o.printf(
                "device profile of %s, measured %s, saved to %s%n",
                dir, MachineFacts.utc(profile.measuredAt()), target);
        // how it was measured (O_DIRECT, the test file's size, the time per point), as the file's
        // "source" says it: a small --quick file may sit in a device's or VM host's cache
        o.println(profile.source());
        o.printf(
                "sequential %d KiB reads at queue depth %d: %.0f MiB/s; random 4 KiB at queue depth 1: %.0f IOPS%n",
                options.sequentialReadBytes() >> 10,
                options.sequentialQueueDepth(),
                profile.sequentialMiBps(),
                profile.random4kQd1Iops());
        o.printf("%10s %4s %12s %12s %10s %10s%n", "read size", "qd", "mean us", "p99 us", "MiB/s", "IOPS");
        for (Measurement m : profile.measurements()) {
            o.printf(
                    "%10d %4d %12.1f %12.1f %10.1f %10.0f%n",
                    m.readBytes(),
                    m.queueDepth(),
                    m.latencyMeanMicros(),
                    m.latencyP99Micros(),
                    m.mibPerSecond(),
                    m.iops());
        }
        printCostModel(o, profile.costModel());
        return 0;
    }

    /**
     * The fitted cost model the read planner uses, t(n) = a + n/b per queue depth, with the fit's
     * method and maximum relative error (in {@link CostModel#method()}) and each line's break-even
     * gap: what the profile is for, so the table is not the whole story.
     */
    static void printCostModel(PrintWriter o, CostModel model) {
        o.printf("cost model (%s):%n", model.method());
        o.printf("%4s %12s %14s %18s%n", "qd", "a us/read", "b MB/s", "break-even gap B");
        for (CostLine line : model.lines()) {
            o.printf(
                    "%4d %12.2f %14.1f %18.0f%n",
                    line.queueDepth(),
                    line.fixedMicros(),
                    line.bytesPerMicro(), // bytes per microsecond are 10^6 bytes per second
                    line.breakEvenGapBytes());
        }
    }

    /** The largest --file-mib taken: 1 TiB, beyond which the shift to bytes is a typo's, not a test file's. */
    static final long MAX_FILE_MIB = 1L << 20;

    /** {@code --file-mib}, or {@code mib} when not given, in bytes; a one-line error naming the option when out of range. */
    private long fileBytes(long mib) {
        long m = fileMib != null ? fileMib : mib;
        if (m < 1 || m > MAX_FILE_MIB) {
            throw new IllegalArgumentException("--file-mib must be in 1.." + MAX_FILE_MIB + ", got " + m);
        }
        return m << 20;
    }

    /**
     * {@code options} with a test file of {@code bytes}, or a refusal in the option's terms: the
     * options' own ("fileBytes must be ... at least twice the largest read (1048576)") named neither
     * the option nor the smallest it takes.
     */
    private static CalibrationOptions withTestFile(CalibrationOptions options, long bytes) {
        long largest = Math.max(
                options.readSizes().stream().mapToLong(Integer::longValue).max().orElse(0),
                options.sequentialReadBytes());
        requireFileMib(bytes, 2 * largest, "this grid (twice its largest read, " + Sizes.bytes(largest) + ")");
        return options.withFileBytes(bytes);
    }

    /**
     * The shortest {@code --seconds-per-point} taken, 10 ms: a point must run long enough for many
     * reads; a nanosecond's point times the clock and the first request, and printed as a normal
     * measurement it looks like the device's.
     */
    static final double MIN_SECONDS_PER_POINT = 0.01;

    /**
     * The longest {@code --seconds-per-point} taken, an hour ({@link CalibrationOptions#MAX_DURATION}):
     * 1e30 overflowed the deadline, so every point ended after one read and the profile was saved as
     * measured ("9223372036854 ms per point").
     */
    static final double MAX_SECONDS_PER_POINT = CalibrationOptions.MAX_DURATION.toSeconds();

    /** {@code --seconds-per-point}, given, as the time both the device and the readers measure each point. */
    private Duration timePerPoint() {
        if (!(secondsPerPoint > 0)) {
            throw new IllegalArgumentException("--seconds-per-point must be positive");
        }
        if (secondsPerPoint > MAX_SECONDS_PER_POINT) { // infinity too
            throw new IllegalArgumentException("--seconds-per-point must be at most " + (long) MAX_SECONDS_PER_POINT
                    + " (an hour per point), got " + secondsPerPoint);
        }
        if (secondsPerPoint < MIN_SECONDS_PER_POINT) {
            throw new IllegalArgumentException("--seconds-per-point must be at least " + MIN_SECONDS_PER_POINT
                    + " (a shorter point measures the clock, not the storage), got " + secondsPerPoint);
        }
        // In nanoseconds: whole milliseconds would round 0.0125 to 12 ms.
        return Duration.ofNanos(Math.round(secondsPerPoint * 1e9));
    }

    /**
     * The readers' grid of {@code --sizes} and {@code --queue-depths}, a refusal naming the option
     * whose value the options refused ("--queue-depths: queue depths must be in 1..1024, got 0"):
     * the sizes are checked first, alone, so that a refusal of the pair is the depths'.
     */
    private ReaderCalibrator.Options grid() {
        ReaderCalibrator.Options defaults = ReaderCalibrator.Options.defaults();
        ReaderCalibrator.Options withSizes;
        try {
            withSizes = defaults.withGrid(sizes, defaults.queueDepths());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--sizes: " + e.getMessage(), e);
        }
        try {
            return withSizes.withGrid(sizes, queueDepths);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--queue-depths: " + e.getMessage(), e);
        }
    }

    /**
     * A readers' test file of {@code bytes} holds one read of the largest of {@code sizes}, or a
     * refusal naming {@code --file-mib}: the readers refused it only after the file was written,
     * naming the temporary file (deleted by then) rather than the option.
     */
    private static void requireHoldsLargestRead(long bytes, List<Integer> sizes) {
        int largest = sizes.stream().mapToInt(Integer::intValue).max().orElse(0);
        requireFileMib(bytes, largest, "the largest of --sizes (" + Sizes.bytes(largest) + ")");
    }

    /** A test file of {@code bytes} of at least {@code least}, else a refusal naming --file-mib and {@code what} needs it. */
    private static void requireFileMib(long bytes, long least, String what) {
        if (bytes < least) {
            throw new IllegalArgumentException("--file-mib must be at least " + Math.ceilDiv(least, 1L << 20) + " for "
                    + what + ", got " + (bytes >> 20));
        }
    }

    /** {@code --reader}: one reader's table, or readers and fio side by side. */
    private int readers() throws Exception {
        List<ReaderKind> kinds = readers == null
                ? List.of()
                : readers.stream().map(ReaderKind::parse).toList();
        List<String> engines = fioEngines == null ? List.of() : fioEngines;
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be >= 1");
        }
        if (file != null) {
            OptionValues.requireNotGiven(
                    spec,
                    "not with --file, which is read whole; it sizes the test file written without --file",
                    "--file-mib");
        }
        ReaderCalibrator.Options options = grid();
        if (file == null) {
            requireHoldsLargestRead(fileBytes(1024), options.sizes());
        }
        if (quick) {
            options = options.withTimes(Duration.ofMillis(50), Duration.ofMillis(200));
        }
        if (secondsPerPoint != null) {
            options = options.withTimes(options.warmup(), timePerPoint());
        }
        if (!engines.isEmpty()) {
            FioRun.requireInstalled();
        }
        if (out != null) { // the report is written after the test file and the measuring
            PathArguments.requireUsableOutput(InputFiles.none().with(file, "--file"), "--out", out);
        }
        Path testFile = file;
        boolean temporary = file == null;
        if (temporary) {
            long bytes = fileBytes(1024);
            testFile = Files.createTempFile(dir, "ripple-readers-", ".bin");
            testFile.toFile().deleteOnExit(); // a run ended by a signal runs no finally, but this
            try (CliProgress _ = CliProgress.start("write a " + Sizes.bytes(bytes) + " test file", -1, quiet)) {
                DeviceCalibrator.writeTestFile(testFile, bytes, options.seed());
            }
        }
        PrintWriter o = spec.commandLine().getOut();
        try {
            String text;
            int points = options.sizes().size() * options.queueDepths().size();
            if (kinds.size() == 1 && engines.isEmpty() && rounds == 1) {
                ReaderCalibration c;
                try (CliProgress bar =
                        CliProgress.start("measure " + kinds.getFirst().cliName(), points, quiet)) {
                    c = ReaderCalibrator.measure(kinds.getFirst(), testFile, options, p -> {
                        bar.stepTo(p.step());
                        bar.message(p.phase());
                    });
                }
                text = c.toJson();
                if (!json) {
                    o.printf(
                            "reader %s on %s, %s; page cache %s; measured %s%n",
                            c.describeReader(),
                            c.file(),
                            c.description(),
                            c.pageCache(),
                            MachineFacts.utc(c.measuredAt()));
                    if (c.warning() != null) {
                        o.println("WARNING: " + c.warning());
                    }
                    o.printf("%10s %4s %12s %10s %14s%n", "read size", "qd", "IOPS", "MiB/s", "CPU us/read");
                    for (ReaderPoint p : c.entries()) {
                        o.printf(
                                "%10d %4d %12.0f %10.1f %14.2f%n",
                                p.sizeBytes(), p.queueDepth(), p.iops(), p.mibPerSecond(), p.cpuMicrosPerRead());
                    }
                    o.println("CPU: " + c.cpuClock());
                }
            } else {
                ReaderComparison r;
                int total = 1 + rounds * points * (kinds.size() + engines.size());
                String what = engines.isEmpty() ? "readers" : kinds.isEmpty() ? "fio" : "readers and fio";
                try (CliProgress bar = CliProgress.start(what, total, quiet)) {
                    int[] done = {0};
                    r = ReaderComparison.run(
                            new ReaderComparison.Settings(testFile, kinds, engines, options, rounds), line -> {
                                bar.stepTo(++done[0]);
                                bar.message(line);
                            });
                }
                text = r.toJson();
                if (!json) {
                    r.print(o);
                }
            }
            if (json) {
                o.println(text);
            }
            if (out != null) {
                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                AtomicFile.write(out, bytes);
                if (!json) {
                    o.printf("json: %s%n", out);
                }
            }
        } finally {
            if (temporary) {
                Files.deleteIfExists(testFile);
            }
        }
        return 0;
    }
}
