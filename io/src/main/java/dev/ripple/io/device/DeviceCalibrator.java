package dev.ripple.io.device;

import dev.ripple.io.Extent;
import dev.ripple.io.Sizes;
import dev.ripple.io.nativeio.PageCache;
import dev.ripple.io.reader.DirectReader;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures the storage under a directory and returns its {@link DeviceProfile}: the engine of
 * {@code ripple calibrate}.
 *
 * <p>Writes a temporary file of pseudo-random bytes (never zeros or a sparse file, which some
 * devices and file systems serve without touching flash), forces it to the device, and reads it
 * with {@link DirectReader} ({@code O_DIRECT}, so the page cache plays no part). For each read size
 * and queue depth, {@code queueDepth} threads each keep one read of that size at a random 4 KiB
 * aligned offset in flight for the configured time; every read's latency is recorded. Then a
 * sequential pass measures streaming bandwidth, and {@link CostModelFitter} fits the cost model.
 * The temporary file is deleted on every path. Fails with
 * {@link dev.ripple.io.reader.DirectIoUnsupportedException} where direct I/O is unavailable rather
 * than report page-cache speed.
 *
 * <pre>{@code
 * DeviceProfile profile = DeviceCalibrator.calibrate(Path.of("/data/models"),
 *         CalibrationOptions.defaults(), p -> bar.stepTo(p.step(), p.totalSteps()));
 * AtomicFile.write(Path.of("device.json"), profile.toJson().getBytes(StandardCharsets.UTF_8)); // core's
 * }</pre>
 */
public final class DeviceCalibrator {

    private static final int WRITE_CHUNK = 8 << 20;

    private DeviceCalibrator() {}

    /**
     * Calibrates the storage holding {@code directory}.
     *
     * @throws dev.ripple.io.reader.DirectIoUnsupportedException if its file system refuses direct I/O
     * @throws IOException if the directory is not writable or a read fails
     */
    public static DeviceProfile calibrate(Path directory, CalibrationOptions options, ProgressListener progress)
            throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new IOException(directory + ": calibration needs an existing directory on the device to measure");
        }
        int total = 2 + options.points();
        int step = 0;
        Path file = Files.createTempFile(directory, "ripple-calibrate-", ".bin");
        // the finally below deletes it; this covers a run ended by a signal (SIGTERM, Ctrl-C), which
        // runs no finally but the JVM's shutdown hooks: a GiB left on the device to measure otherwise
        file.toFile().deleteOnExit();
        try {
            writeTestFile(file, options.fileBytes(), options.seed());
            progress.onProgress(new CalibrationProgress(
                    ++step,
                    total,
                    "wrote " + Sizes.bytes(options.fileBytes()) + " test file " + file.getFileName(),
                    null));
            String fsType = Files.getFileStore(file).type();
            List<Measurement> table = new ArrayList<>();
            double sequential;
            try (DirectReader reader = DirectReader.open(file, 1);
                    Arena arena = Arena.ofShared()) {
                int maxDepth = Math.max(
                        options.sequentialQueueDepth(), options.queueDepths().getLast());
                int maxSize = Math.max(
                        options.sequentialReadBytes(), options.readSizes().getLast());
                MemorySegment[] buffers = new MemorySegment[maxDepth];
                for (int i = 0; i < maxDepth; i++) {
                    buffers[i] = arena.allocate(maxSize, DirectReader.ALIGNMENT);
                }
                sequential = measureSequential(reader, options, buffers);
                progress.onProgress(new CalibrationProgress(
                        ++step,
                        total,
                        String.format(
                                "sequential %d KiB reads at queue depth %d: %.0f MiB/s",
                                options.sequentialReadBytes() >> 10, options.sequentialQueueDepth(), sequential),
                        null));
                for (int depth : options.queueDepths()) {
                    for (int size : options.readSizes()) {
                        Measurement m = measurePoint(reader, options, size, depth, buffers);
                        table.add(m);
                        progress.onProgress(new CalibrationProgress(
                                ++step,
                                total,
                                String.format(
                                        "%d KiB random reads at queue depth %d: %.0f IOPS, %.0f MiB/s, p50 %.0f us",
                                        size >> 10, depth, m.iops(), m.mibPerSecond(), m.latencyP50Micros()),
                                m));
                    }
                }
            }
            CostModel fitted = CostModelFitter.fit(table);
            double error = CostModelFitter.maxRelativeError(fitted, table);
            CostModel model = new CostModel(
                    fitted.method() + String.format(", max relative error %.0f%%", 100 * error), fitted.lines());
            double qd1Iops = table.stream()
                    .filter(m -> m.readBytes() == 4096 && m.queueDepth() == 1)
                    .findFirst()
                    .orElseThrow()
                    .iops();
            String source = String.format(
                    "calibrated with O_DIRECT reads on %s (%s), %d MiB test file, %d ms per point",
                    directory.toAbsolutePath(),
                    fsType,
                    options.fileBytes() >> 20,
                    options.timePerPoint().toMillis());
            return new DeviceProfile(
                    DeviceProfile.FORMAT_VERSION,
                    options.name(),
                    source,
                    Instant.now().toString(),
                    sequential,
                    qd1Iops,
                    table,
                    model);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Writes {@code bytes} of pseudo-random content from {@code seed} to {@code file}, forces it to
     * the device and drops it from the page cache: the test file of a calibration (also what
     * {@link ReaderCalibrator} and the fio comparison read).
     */
    public static void writeTestFile(Path file, long bytes, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer chunk = ByteBuffer.allocateDirect(WRITE_CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            long written = 0;
            while (written < bytes) {
                chunk.clear();
                while (chunk.remaining() >= Long.BYTES) {
                    chunk.putLong(random.nextLong());
                }
                chunk.flip();
                chunk.limit((int) Math.min(chunk.limit(), bytes - written));
                while (chunk.hasRemaining()) {
                    written += channel.write(chunk, written);
                }
            }
            channel.force(true);
        }
        try {
            PageCache.evict(file); // O_DIRECT reads bypass the cache anyway; this only frees the memory
        } catch (IOException ignored) {
            // Harmless for the measurement, which uses O_DIRECT: nothing to report.
        }
    }

    private static double measureSequential(DirectReader reader, CalibrationOptions options, MemorySegment[] buffers)
            throws IOException {
        int size = options.sequentialReadBytes();
        long chunks = options.fileBytes() / size;
        AtomicLong cursor = new AtomicLong();
        long nanos = options.sequentialTime().toNanos();
        Worker[] workers = new Worker[options.sequentialQueueDepth()];
        for (int t = 0; t < workers.length; t++) {
            MemorySegment target = buffers[t].asSlice(0, size);
            workers[t] = new Worker((deadline, record) -> {
                long n = 0;
                do {
                    long chunk = cursor.getAndIncrement() % chunks;
                    reader.read(new Extent(chunk * size, size), target);
                    n++;
                } while (System.nanoTime() < deadline);
                return new long[] {n};
            });
        }
        Run run = runAll(workers, 0, nanos);
        long ops = Arrays.stream(run.results).mapToLong(r -> r[0]).sum();
        return ops * (double) size / (1 << 20) / (run.wallNanos / 1e9);
    }

    private static Measurement measurePoint(
            DirectReader reader, CalibrationOptions options, int size, int depth, MemorySegment[] buffers)
            throws IOException {
        long slots = (options.fileBytes() - size) / DirectReader.ALIGNMENT + 1;
        Worker[] workers = new Worker[depth];
        for (int t = 0; t < depth; t++) {
            SplittableRandom random = new SplittableRandom(options.seed() * 31 + (long) size * 1_000 + depth * 64L + t);
            MemorySegment target = buffers[t].asSlice(0, size);
            workers[t] = new Worker((deadline, record) -> {
                long[] latencies = new long[1024];
                int n = 0;
                do {
                    Extent e = new Extent(random.nextLong(slots) * DirectReader.ALIGNMENT, size);
                    long t0 = System.nanoTime();
                    reader.read(e, target);
                    long t1 = System.nanoTime();
                    if (record) {
                        if (n == latencies.length) {
                            latencies = Arrays.copyOf(latencies, n * 2);
                        }
                        latencies[n++] = t1 - t0;
                    }
                } while (System.nanoTime() < deadline);
                return Arrays.copyOf(latencies, n);
            });
        }
        Run run = runAll(
                workers,
                options.warmupPerPoint().toNanos(),
                options.timePerPoint().toNanos());
        long[] all = Arrays.stream(run.results)
                .flatMapToLong(Arrays::stream)
                .sorted()
                .toArray();
        if (all.length == 0) {
            throw new IOException("no reads completed for " + size + "-byte reads at queue depth " + depth);
        }
        double seconds = run.wallNanos / 1e9;
        double iops = all.length / seconds;
        double mean = Arrays.stream(all).average().orElseThrow() / 1e3;
        return new Measurement(
                size,
                depth,
                mean,
                percentile(all, 0.50) / 1e3,
                percentile(all, 0.99) / 1e3,
                iops * size / (1 << 20),
                iops);
    }

    private static double percentile(long[] sorted, double p) {
        int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(0, index)];
    }

    /**
     * A measuring loop that runs until {@code deadline} (System.nanoTime) and returns its samples;
     * {@code record} is false during warm-up.
     */
    @FunctionalInterface
    private interface Loop {
        long[] run(long deadline, boolean record) throws IOException;
    }

    private record Worker(Loop loop) {}

    private record Run(long[][] results, long wallNanos) {}

    /**
     * Runs the workers on their own threads: an optional warm-up (results discarded), then the
     * measured phase started together by a latch. Wall time runs from the common start to the last
     * worker's finish.
     */
    private static Run runAll(Worker[] workers, long warmupNanos, long measureNanos) throws IOException {
        int n = workers.length;
        long[][] results = new long[n][];
        long[] finished = new long[n];
        IOException[] failures = new IOException[n];
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        long[] start = new long[1];
        Thread[] threads = new Thread[n];
        for (int t = 0; t < n; t++) {
            int index = t;
            threads[t] = Thread.ofPlatform()
                    .name("ripple-calibrate-" + t)
                    .daemon()
                    .start(() -> {
                        try {
                            if (warmupNanos > 0) {
                                workers[index].loop().run(System.nanoTime() + warmupNanos, false);
                            }
                            ready.countDown();
                            go.await();
                            results[index] = workers[index].loop().run(start[0] + measureNanos, true);
                        } catch (IOException e) {
                            failures[index] = e;
                        } catch (InterruptedException e) {
                            failures[index] = new InterruptedIOException("calibration interrupted");
                        } finally {
                            finished[index] = System.nanoTime();
                            ready.countDown();
                        }
                    });
        }
        try {
            ready.await();
            start[0] = System.nanoTime();
            go.countDown();
            for (Thread thread : threads) {
                thread.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            go.countDown();
            throw new InterruptedIOException("calibration interrupted");
        }
        for (IOException failure : failures) {
            if (failure != null) {
                throw failure;
            }
        }
        long last = Arrays.stream(finished).max().orElseThrow();
        return new Run(results, last - start[0]);
    }
}
