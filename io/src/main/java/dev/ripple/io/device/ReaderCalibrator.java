package dev.ripple.io.device;

import com.sun.management.OperatingSystemMXBean;
import dev.ripple.io.Extent;
import dev.ripple.io.Sizes;
import dev.ripple.io.nativeio.NativeAccess;
import dev.ripple.io.nativeio.PageCache;
import dev.ripple.io.reader.DirectReader;
import dev.ripple.io.reader.ExtentReader;
import dev.ripple.io.reader.ReaderKind;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Measures one reader the way the runtime drives it: IOPS and CPU time per read at each read size
 * and queue depth, on a given file. The engine of {@code ripple calibrate --reader R}.
 *
 * <p>At each point the reader is opened with queue depth {@code q} and given requests of
 * {@code max(64, 32·q)} random reads of the size at 4 KiB-aligned offsets (into {@code q}
 * 4 KiB-aligned buffers), one request after another, for the configured time after a warm-up. The
 * reader keeps {@code q} reads in flight within a request as it does at run time: the thread-pool
 * readers from the caller plus {@code q − 1} threads, the io_uring reader from the caller alone;
 * only a request's last {@code q} reads see a shallower queue (a tail of at most {@code 1/32} of
 * the reads). IOPS is reads over wall time; CPU per read is the process's CPU time (user +
 * system, all threads, the JVM's compiler and collector included, so an upper bound on the
 * reader's own) over the same interval divided by the reads. Page-cache readers ({@code mmap},
 * {@code pread}) have the file evicted before each point and say so: repeated offsets within a
 * point still hit the cache.
 *
 * <pre>{@code
 * ReaderCalibration c = ReaderCalibrator.measure(ReaderKind.IO_URING, file, ReaderCalibrator.Options.defaults(),
 *         ProgressListener.NONE);
 * System.out.println(c.point(4096, 32).iops());
 * }</pre>
 */
public final class ReaderCalibrator {

    private ReaderCalibrator() {}

    /**
     * @param sizes       read sizes, bytes, multiples of 4 KiB
     * @param queueDepths queue depths
     * @param warmup      unmeasured time before each point
     * @param perPoint    measured time per point
     * @param seed        seed of the random offsets
     */
    public record Options(
            List<Integer> sizes, List<Integer> queueDepths, Duration warmup, Duration perPoint, long seed) {
        public Options {
            sizes = List.copyOf(sizes);
            queueDepths = List.copyOf(queueDepths);
            if (sizes.isEmpty() || queueDepths.isEmpty()) {
                throw new IllegalArgumentException("need at least one read size and one queue depth");
            }
            for (int s : sizes) {
                if (s <= 0 || s % DirectReader.ALIGNMENT != 0) {
                    throw new IllegalArgumentException("read sizes must be positive multiples of 4096, got " + s);
                }
            }
            for (int q : queueDepths) {
                if (q < 1 || q > 1024) {
                    throw new IllegalArgumentException("queue depths must be in 1..1024, got " + q);
                }
            }
            CalibrationOptions.requireDuration(warmup);
            CalibrationOptions.requireDuration(perPoint);
            if (perPoint.isZero()) {
                throw new IllegalArgumentException("the time per point must be > 0");
            }
        }

        /** 4 KiB reads at queue depths 1, 8 and 32, 2 s per point after 0.3 s of warm-up. */
        public static Options defaults() {
            return new Options(List.of(4096), List.of(1, 8, 32), Duration.ofMillis(300), Duration.ofSeconds(2), 42);
        }

        public Options withGrid(List<Integer> newSizes, List<Integer> newDepths) {
            return new Options(newSizes, newDepths, warmup, perPoint, seed);
        }

        public Options withTimes(Duration newWarmup, Duration newPerPoint) {
            return new Options(sizes, queueDepths, newWarmup, newPerPoint, seed);
        }
    }

    /** Measures {@code kind} on {@code file} at every size and queue depth of {@code options}. */
    public static ReaderCalibration measure(ReaderKind kind, Path file, Options options, ProgressListener progress)
            throws IOException {
        long fileBytes = Files.size(file);
        List<ReaderPoint> points = new ArrayList<>();
        String ran = null;
        String description = null;
        PointPageCache pageCache = null;
        int total = options.sizes().size() * options.queueDepths().size();
        for (int q : options.queueDepths()) {
            for (int size : options.sizes()) {
                Outcome o = measurePoint(kind, file, size, q, options, options.seed() + 1_000L * q + size);
                points.add(o.point());
                ran = o.kind();
                description = o.description();
                pageCache = PointPageCache.ofRun(pageCache, o.pageCache());
                progress.onProgress(new CalibrationProgress(
                        points.size(),
                        total,
                        String.format(
                                "%s, %d KiB at queue depth %d: %.0f IOPS, %.2f us CPU per read",
                                o.kind(),
                                size >> 10,
                                q,
                                o.point().iops(),
                                o.point().cpuMicrosPerRead()),
                        null));
            }
        }
        boolean asked = kind.cliName().equals(ran);
        return new ReaderCalibration(
                ran,
                asked ? null : kind.cliName(),
                asked ? null : kind.fallbackReason().orElse("the reader opened was " + ran),
                description,
                file.toAbsolutePath().toString(),
                fileBytes,
                Instant.now().toString(),
                cpuClock(),
                pageCache.describeRun(),
                selfWarming(kind, fileBytes, points).orElse(null),
                points);
    }

    /**
     * For a page-cache reader ({@code mmap}, {@code pread}), a warning when a point read more bytes
     * than the file holds: its later reads find the pages its earlier ones brought in, so the point
     * measures the page cache as much as the device (identical rounds on a small file differed many
     * times over in a walkthrough). Empty for O_DIRECT readers and for points that read less than the
     * file.
     */
    public static Optional<String> selfWarming(ReaderKind kind, long fileBytes, List<ReaderPoint> points) {
        if (!kind.effective().usesPageCache()) {
            return Optional.empty();
        }
        long most =
                points.stream().mapToLong(p -> p.reads() * p.sizeBytes()).max().orElse(0);
        if (most <= fileBytes) {
            return Optional.empty();
        }
        return Optional.of(String.format(
                Locale.ROOT,
                "the file (%s) is smaller than the data read per point (up to %s): a point's later reads "
                        + "hit the pages its earlier ones cached, so its IOPS are partly the page cache's "
                        + "(use a larger --file-mib or a shorter --seconds-per-point)",
                Sizes.bytes(fileBytes),
                Sizes.bytes(most)));
    }

    /**
     * One point: the reader's measurement and which reader ran.
     *
     * @param kind        {@link ExtentReader#kind()} of the reader that ran
     * @param description its {@link ExtentReader#describe()}
     * @param pageCache   how the point met the page cache
     */
    public record Outcome(ReaderPoint point, String kind, String description, PointPageCache pageCache) {}

    /** Opens {@code kind} on {@code file} at queue depth {@code queueDepth} and measures one point. */
    public static Outcome measurePoint(ReaderKind kind, Path file, int size, int queueDepth, Options options, long seed)
            throws IOException {
        PointPageCache pageCache = kind.effective().usesPageCache()
                ? PointPageCache.after(PageCache.attempt(file))
                : PointPageCache.BYPASSED;
        try (ExtentReader reader = kind.open(file, queueDepth)) {
            ReaderPoint p = measurePoint(reader, size, options.warmup(), options.perPoint(), seed);
            return new Outcome(p, reader.kind(), reader.describe(), pageCache);
        }
    }

    /** Drives {@code reader} (at its queue depth) with random reads of {@code size} bytes and measures them. */
    public static ReaderPoint measurePoint(ExtentReader reader, int size, Duration warmup, Duration time, long seed)
            throws IOException {
        int q = reader.queueDepth();
        // Compared before dividing: integer division rounds (4095 - 4096) / 4096 up to 0, one slot
        // for a file that holds no whole read.
        if (reader.fileSize() < size) {
            throw new IllegalArgumentException(reader.path() + ": the file (" + reader.fileSize()
                    + " bytes) is smaller than one " + size + "-byte read");
        }
        long slots = (reader.fileSize() - size) / DirectReader.ALIGNMENT + 1;
        int perRequest = Math.max(64, 32 * q);
        SplittableRandom random = new SplittableRandom(seed);
        try (Arena arena = Arena.ofShared()) {
            List<MemorySegment> buffers = new ArrayList<>(q);
            for (int i = 0; i < q; i++) {
                buffers.add(arena.allocate(size, DirectReader.ALIGNMENT));
            }
            List<MemorySegment> targets = new ArrayList<>(perRequest);
            for (int i = 0; i < perRequest; i++) {
                targets.add(buffers.get(i % q));
            }
            Extent[] extents = new Extent[perRequest];
            List<Extent> request = Arrays.asList(extents);
            long warmupEnd = System.nanoTime() + warmup.toNanos();
            while (System.nanoTime() < warmupEnd) {
                fill(extents, random, slots, size);
                reader.read(request, targets);
            }
            long reads = 0;
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            long deadline = t0 + time.toNanos();
            long now;
            do {
                fill(extents, random, slots, size);
                reader.read(request, targets);
                reads += perRequest;
                now = System.nanoTime();
            } while (now < deadline);
            long cpu = processCpuNanos() - cpu0;
            double seconds = (now - t0) / 1e9;
            double iops = reads / seconds;
            double cpuPerRead = cpu0 < 0 ? Double.NaN : cpu / 1e3 / reads;
            return new ReaderPoint(size, q, iops, iops * size / (1 << 20), cpuPerRead, reads, seconds);
        }
    }

    private static void fill(Extent[] extents, SplittableRandom random, long slots, int size) {
        for (int i = 0; i < extents.length; i++) {
            extents[i] = new Extent(random.nextLong(slots) * DirectReader.ALIGNMENT, size);
        }
    }

    /**
     * CPU time of this process (all threads, user + system), ns: {@code clock_gettime} where native
     * access works (nanosecond resolution), else the JVM's figure (which may count in 10 ms ticks);
     * -1 where neither says.
     */
    public static long processCpuNanos() {
        long nanos = NativeAccess.get().map(NativeAccess::processCpuNanos).orElse(-1L);
        if (nanos >= 0) {
            return nanos;
        }
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    static String cpuClock() {
        return "process CPU time (user + system, all JVM threads) over the measured interval";
    }
}
