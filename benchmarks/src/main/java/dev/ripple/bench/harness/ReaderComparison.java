package dev.ripple.bench.harness;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ripple.io.Sizes;
import dev.ripple.io.device.PointPageCache;
import dev.ripple.io.device.ReaderCalibrator;
import dev.ripple.io.device.ReaderPoint;
import dev.ripple.io.json.NonFiniteAsNull;
import dev.ripple.io.reader.ReaderKind;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Ripple's readers and fio side by side on one file in one run: IOPS and CPU time per read at each
 * read size and queue depth ({@code ripple calibrate --reader direct,io_uring --fio io_uring,psync}).
 *
 * <p>Every point is measured {@code rounds} times; within a round the contestants take turns at
 * each point, in an order rotated per round, so none always runs first after a pause or last after
 * a long streak (this VM's host-cached disk drifts over minutes). Each contestant's entry is the
 * median over rounds, with every round's figure kept.
 *
 * @param file            the file read
 * @param fileBytes       its size
 * @param measuredAt      start of the run, ISO-8601
 * @param machine         processors, kernel, load average at start and end
 * @param rounds          measurements per point and contestant
 * @param secondsPerPoint measured seconds of each
 * @param contestants     readers first (in the order asked), then fio engines
 */
public record ReaderComparison(
        String file,
        long fileBytes,
        String measuredAt,
        String machine,
        int rounds,
        double secondsPerPoint,
        List<Contestant> contestants) {

    /**
     * One reader or fio engine.
     *
     * @param name        {@code direct}, {@code io_uring}, {@code fio io_uring}, {@code fio psync}
     * @param ran         which implementation ran (a reader's {@code kind()}; {@code fio} for fio)
     * @param description the reader's description or the fio command of the last point
     * @param pageCache   how its points met the page cache: "bypassed (O_DIRECT)" (fio too),
     *                    "evicted before each point", or "NOT evicted (reason)"
     * @param warning     for a page-cache reader whose points read more than the file holds
     *                    ({@link ReaderCalibrator#selfWarming}); else null
     * @param entries     one per size and queue depth: medians over rounds
     */
    public record Contestant(
            String name, String ran, String description, String pageCache, String warning, List<Point> entries) {
        public Point at(int sizeBytes, int queueDepth) {
            return entries.stream()
                    .filter(p -> p.sizeBytes() == sizeBytes && p.queueDepth() == queueDepth)
                    .findFirst()
                    .orElseThrow();
        }
    }

    /**
     * @param sizeBytes        read size
     * @param queueDepth       reads in flight
     * @param iops             median over rounds
     * @param cpuMicrosPerRead median over rounds, µs
     * @param iopsRuns         every round's IOPS, in run order
     * @param cpuRuns          every round's CPU per read
     */
    public record Point(
            int sizeBytes, int queueDepth, double iops, double cpuMicrosPerRead, double[] iopsRuns, double[] cpuRuns) {}

    /**
     * What to compare.
     *
     * @param file       an existing file on the device to measure (random content; see
     *                   {@link dev.ripple.io.device.DeviceCalibrator#writeTestFile})
     * @param readers    Ripple readers to measure
     * @param fioEngines fio engines to run on the same points ({@link FioRun#ENGINES}); empty: no fio
     * @param options    sizes, depths, warm-up and time per point
     * @param rounds     measurements per point
     */
    public record Settings(
            Path file,
            List<ReaderKind> readers,
            List<String> fioEngines,
            ReaderCalibrator.Options options,
            int rounds) {
        public Settings {
            readers = List.copyOf(readers);
            fioEngines = List.copyOf(fioEngines);
            if (readers.isEmpty() && fioEngines.isEmpty()) {
                throw new IllegalArgumentException("nothing to measure: no reader and no fio engine");
            }
            if (rounds < 1) {
                throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
            }
            fioEngines.forEach(e -> FioRun.command(e, file, 4096, 1, options.warmup(), options.perPoint()));
        }
    }

    /** Runs the comparison; {@code progress} gets one line per measured point. */
    public static ReaderComparison run(Settings s, Consumer<String> progress) throws IOException {
        String started = Instant.now().toString();
        double loadStart = MachineFacts.loadAverage();
        List<String> names = new ArrayList<>();
        s.readers().forEach(r -> names.add(r.cliName()));
        s.fioEngines().forEach(e -> names.add("fio " + e));
        Map<String, Map<String, double[][]>> runs = new LinkedHashMap<>(); // name -> "size/qd" -> {iops[], cpu[]}
        Map<String, String> ran = new LinkedHashMap<>();
        Map<String, String> described = new LinkedHashMap<>();
        Map<String, PointPageCache> pageCache = new LinkedHashMap<>();
        Map<String, List<ReaderPoint>> measured = new LinkedHashMap<>();
        names.forEach(n -> runs.put(n, new LinkedHashMap<>()));
        int k = names.size();
        long seed = s.options().seed();
        // Compile the readers' hot paths before anything is measured: the first point of a cold JVM
        // would otherwise time the JIT compiler, and it would fall on whichever reader runs first.
        ReaderCalibrator.Options jit = s.options().withTimes(Duration.ZERO, Duration.ofMillis(700));
        for (ReaderKind r : s.readers()) {
            for (int q : List.of(1, s.options().queueDepths().getLast())) {
                ReaderCalibrator.measurePoint(r, s.file(), s.options().sizes().getFirst(), q, jit, seed++);
            }
        }
        progress.accept("warmed up the readers' code");
        for (int round = 0; round < s.rounds(); round++) {
            for (int q : s.options().queueDepths()) {
                for (int size : s.options().sizes()) {
                    for (int j = 0; j < k; j++) {
                        String name = names.get((j + round) % k);
                        double iops;
                        double cpu;
                        if (name.startsWith("fio ")) {
                            FioRun f = FioRun.run(
                                    name.substring(4),
                                    s.file(),
                                    size,
                                    q,
                                    s.options().warmup(),
                                    s.options().perPoint());
                            iops = f.iops();
                            cpu = f.cpuMicrosPerRead();
                            ran.put(name, "fio");
                            described.put(name, f.command());
                            pageCache.put(name, PointPageCache.BYPASSED);
                        } else {
                            ReaderCalibrator.Outcome o = ReaderCalibrator.measurePoint(
                                    ReaderKind.parse(name), s.file(), size, q, s.options(), seed++);
                            iops = o.point().iops();
                            cpu = o.point().cpuMicrosPerRead();
                            ran.put(name, o.kind());
                            described.put(name, o.description());
                            pageCache.merge(name, o.pageCache(), PointPageCache::ofRun);
                            measured.computeIfAbsent(name, x -> new ArrayList<>())
                                    .add(o.point());
                        }
                        double[][] cell =
                                runs.get(name).computeIfAbsent(size + "/" + q, x -> new double[2][s.rounds()]);
                        cell[0][round] = iops;
                        cell[1][round] = cpu;
                        progress.accept(String.format(
                                "round %d/%d, %d KiB at queue depth %d, %s: %.0f IOPS, %.2f us CPU per read",
                                round + 1, s.rounds(), size >> 10, q, name, iops, cpu));
                    }
                }
            }
        }
        List<Contestant> out = new ArrayList<>();
        for (String name : names) {
            List<Point> points = new ArrayList<>();
            for (int q : s.options().queueDepths()) {
                for (int size : s.options().sizes()) {
                    double[][] cell = runs.get(name).get(size + "/" + q);
                    points.add(new Point(
                            size, q, Percentiles.median(cell[0]), Percentiles.median(cell[1]), cell[0], cell[1]));
                }
            }
            String warning = name.startsWith("fio ")
                    ? null
                    : ReaderCalibrator.selfWarming(ReaderKind.parse(name), Files.size(s.file()), measured.get(name))
                            .orElse(null);
            out.add(new Contestant(
                    name,
                    ran.get(name),
                    described.get(name),
                    pageCache.get(name).describeRun(),
                    warning,
                    points));
        }
        String machine = MachineFacts.summary(loadStart, MachineFacts.loadAverage());
        return new ReaderComparison(
                s.file().toAbsolutePath().toString(),
                Files.size(s.file()),
                started,
                machine,
                s.rounds(),
                s.options().perPoint().toMillis() / 1000.0,
                out);
    }

    public Contestant contestant(String name) {
        return contestants.stream()
                .filter(c -> c.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no contestant " + name));
    }

    /**
     * The goals at one point, when the contestants they compare were measured; a ratio whose
     * contestant did not run is null, and so is its verdict (JSON {@code null}: not measured, which
     * is neither met nor missed).
     *
     * @param uringOverFio     io_uring reader IOPS / fio io_uring IOPS (goal ≥ 0.9); null without fio's io_uring
     * @param uringCpuOverPool io_uring reader CPU per read / direct reader CPU per read (goal < 1); null
     *                         without the direct reader or a CPU clock
     */
    public record Goal(int sizeBytes, int queueDepth, Double uringOverFio, Double uringCpuOverPool) {
        public Goal {
            uringOverFio = measured(uringOverFio);
            uringCpuOverPool = measured(uringCpuOverPool);
        }

        private static Double measured(Double ratio) {
            return ratio == null || !Double.isFinite(ratio) ? null : ratio;
        }

        @JsonProperty("iopsMet")
        public Boolean iopsMet() {
            return uringOverFio == null ? null : uringOverFio >= 0.9;
        }

        @JsonProperty("cpuMet")
        public Boolean cpuMet() {
            return uringCpuOverPool == null ? null : uringCpuOverPool < 1;
        }
    }

    /** The goals at every point (null ratios where a contestant is missing). */
    @JsonProperty("goals")
    public List<Goal> goals() {
        List<Goal> goals = new ArrayList<>();
        Contestant uring = ranUring();
        Contestant fio = find("fio io_uring");
        Contestant pool = find("direct");
        if (uring == null) {
            return goals;
        }
        for (Point p : uring.entries()) {
            Double f = fio == null
                    ? null
                    : p.iops() / fio.at(p.sizeBytes(), p.queueDepth()).iops();
            Double c = pool == null
                    ? null
                    : p.cpuMicrosPerRead()
                            / pool.at(p.sizeBytes(), p.queueDepth()).cpuMicrosPerRead();
            goals.add(new Goal(p.sizeBytes(), p.queueDepth(), f, c));
        }
        return goals;
    }

    /**
     * The io_uring contestant if the io_uring reader ran, else null: where io_uring is unavailable the
     * direct reader runs in its place, and comparing it with itself (or fio's io_uring) would judge
     * io_uring on the thread-pool reader's figures.
     */
    private Contestant ranUring() {
        Contestant uring = find("io_uring");
        return uring != null && uring.ran().equals("io_uring") ? uring : null;
    }

    /** Whether any fio engine was among the contestants: the text names fio only then. */
    private boolean fioRan() {
        return contestants.stream().anyMatch(c -> c.ran().equals("fio"));
    }

    private boolean readersRan() {
        return contestants.stream().anyMatch(c -> !c.ran().equals("fio"));
    }

    private Contestant find(String name) {
        return contestants.stream()
                .filter(c -> c.name().equals(name))
                .findFirst()
                .orElse(null);
    }

    /** The table: one row per contestant and point, then the goals. */
    public void print(PrintWriter o) {
        o.printf(
                "%s on %s (%s), random reads; %d round(s) of %.2f s per point, medians; measured %s%n",
                fioRan() ? (readersRan() ? "readers against fio" : "fio") : "readers",
                file,
                Sizes.bytes(fileBytes),
                rounds,
                secondsPerPoint,
                MachineFacts.utc(measuredAt));
        o.printf("machine: %s%n", machine);
        for (Contestant c : contestants) {
            o.printf("%s: %s ran, page cache %s%n", c.name(), c.ran(), c.pageCache());
            if (c.warning() != null) {
                o.printf("WARNING, %s: %s%n", c.name(), c.warning());
            }
        }
        Contestant asked = find("io_uring");
        if (asked != null && ranUring() == null) {
            o.printf(
                    "io_uring: the %s reader ran in its place (%s), so no io_uring goal is judged%n",
                    asked.ran(), ReaderKind.IO_URING.fallbackReason().orElse("io_uring unavailable"));
        }
        // Columns as wide as their longest entry: "fio io_uring-fixed" is wider than any reader's name.
        int nameWidth = Math.max(
                "reader".length(),
                contestants.stream().mapToInt(c -> c.name().length()).max().orElse(0));
        int ranWidth = Math.max(
                "ran".length(),
                contestants.stream().mapToInt(c -> c.ran().length()).max().orElse(0));
        String row = "%-" + nameWidth + "s %-" + ranWidth + "s ";
        o.printf(
                row + "%6s %4s %12s %14s   %s%n",
                "reader",
                "ran",
                "size",
                "qd",
                "IOPS",
                "CPU us/read",
                "IOPS per round");
        for (Contestant c : contestants) {
            for (Point p : c.entries()) {
                StringBuilder perRound = new StringBuilder();
                for (double v : p.iopsRuns()) {
                    perRound.append(String.format(" %.0f", v));
                }
                o.printf(
                        row + "%5dK %4d %12.0f %14.2f  %s%n",
                        c.name(),
                        c.ran(),
                        p.sizeBytes() >> 10,
                        p.queueDepth(),
                        p.iops(),
                        p.cpuMicrosPerRead(),
                        perRound);
            }
        }
        List<String> cpu = new ArrayList<>();
        if (readersRan()) {
            cpu.add("Ripple's readers, the whole JVM process over the interval");
        }
        if (fioRan()) {
            cpu.add("fio, its job threads' usr + sys");
        }
        o.println("CPU: " + String.join("; ", cpu));
        for (Goal g : goals()) {
            List<String> judged = new ArrayList<>();
            if (g.uringOverFio() != null) {
                judged.add(String.format(
                        "io_uring reader at %s of fio's io_uring IOPS (goal >= 90%%: %s)",
                        percent(g.uringOverFio()), verdict(g.iopsMet())));
            }
            judged.add(String.format(
                    "CPU per read %s of the thread-pool reader's (goal < 100%%: %s)",
                    percent(g.uringCpuOverPool()), verdict(g.cpuMet())));
            o.printf("%d KiB, queue depth %d: %s%n", g.sizeBytes() >> 10, g.queueDepth(), String.join("; ", judged));
        }
        Contestant uring = ranUring();
        Contestant fixed = find("fio io_uring-fixed");
        if (uring != null && fixed != null) {
            for (Point p : uring.entries()) {
                o.printf(
                        "%d KiB, queue depth %d: io_uring reader at %s of fio's io_uring IOPS with --fixedbufs --registerfiles%n",
                        p.sizeBytes() >> 10,
                        p.queueDepth(),
                        percent(p.iops()
                                / fixed.at(p.sizeBytes(), p.queueDepth()).iops()));
            }
        }
    }

    private static String percent(Double ratio) {
        return ratio == null || !Double.isFinite(ratio) ? "-" : String.format("%.0f%%", 100 * ratio);
    }

    private static String verdict(Boolean met) {
        return met == null ? "not measured" : met ? "met" : "NOT met";
    }

    public String toJson() {
        try {
            return NonFiniteAsNull.mapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
