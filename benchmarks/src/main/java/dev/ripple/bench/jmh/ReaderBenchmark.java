package dev.ripple.bench.jmh;

import dev.ripple.io.Extent;
import dev.ripple.io.ReadStats;
import dev.ripple.io.nativeio.PageCache;
import dev.ripple.io.reader.ExtentReader;
import dev.ripple.io.reader.ReaderKind;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One cold read request of {@code extents} random extents of {@code readBytes} bytes each, through
 * each reader at each queue depth. Time per request (one JMH operation = one request).
 *
 * <p>The test file ({@value #FILE_BYTES} bytes of seeded random bytes) is written once to the
 * directory {@code dataDir} names ({@code -p dataDir=/mnt/nvme/ripple}: the storage to measure),
 * by default {@code benchmarks/target/jmh-data/} (next to the benchmarks jar, so on the project's
 * disk, not tmpfs), and reused by later trials. Each request draws new random extents, starting at multiples
 * of a 3,076-byte bundle (a MiniLM f32 bundle), so, as in a real {@code .ripple} file, extents are
 * not 4 KiB-aligned and the direct reader goes through its bounce buffers.
 *
 * <p><b>Every measured request is cold.</b> Before each invocation (outside the measured time) the
 * file is evicted from the page cache with {@link PageCache#evict} for {@code MMAP} and
 * {@code POSITIONAL}; the mmap reader is also closed and reopened first, because pages still mapped
 * into the process are not dropped by {@code POSIX_FADV_DONTNEED}. If eviction is unavailable (no
 * native access, not Linux) the trial fails instead of printing warm numbers as cold ones.
 * {@code DIRECT} bypasses the page cache and is not evicted; on a VM the host may still cache the
 * file, which no guest call can prevent. {@code POSITIONAL} is subject to kernel read-ahead, so it
 * fetches more from the device than it returns (see docs/IO.md).
 *
 * <p>{@code IO_URING} is among the default readers; where io_uring is unavailable it runs the
 * direct reader (as {@link ReaderKind#IO_URING} does everywhere), so its row is then the direct
 * reader's: the trial says so on its output ({@link #fallbackNote}), and {@code -p
 * reader=MMAP,POSITIONAL,DIRECT} leaves the row out.
 *
 * <pre>./ripple jmh ReaderBenchmark -p dataDir=/mnt/nvme/ripple</pre>
 */
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
public class ReaderBenchmark extends ForkedBenchmark {

    /** Size of the test file: 256 MiB. */
    static final long FILE_BYTES = 256L << 20;
    /** Extents start at multiples of this (a 384-wide f32 bundle with its bias: 3,076 B). */
    static final int BUNDLE_BYTES = 3_076;

    @Param({"MMAP", "POSITIONAL", "DIRECT", "IO_URING"})
    public ReaderKind reader;

    /**
     * Directory for the test file, on the storage to measure; empty: {@code benchmarks/target/jmh-data}.
     * A JMH parameter, so it reaches the forked JVMs as the others do.
     */
    @Param({""})
    public String dataDir;

    @Param({"1", "8", "32"})
    public int queueDepth;

    /** Length of each extent of the request. */
    @Param({"4096", "65536"})
    public int readBytes;

    /** Extents per request. */
    @Param({"32"})
    public int extents;

    private Path file;
    private Arena arena;
    private ExtentReader extentReader;
    private final List<MemorySegment> targets = new ArrayList<>();
    private final List<Extent> request = new ArrayList<>();
    private SplittableRandom random;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        fallbackNote(reader, reader.fallbackReason()).ifPresent(System.err::println);
        file = testFile(dataDir.isBlank() ? dataDirectory() : Path.of(dataDir));
        if (reader.usesPageCache()) {
            PageCache.Eviction e = PageCache.attempt(file);
            if (!e.evicted()) {
                throw new IllegalStateException(file + ": cannot evict the page cache (" + e.reason() + "): " + reader
                        + " passes would not be cold, refusing to report them");
            }
        }
        arena = Arena.ofShared();
        for (int i = 0; i < extents; i++) {
            targets.add(arena.allocate(readBytes, 4096));
        }
        extentReader = reader.open(file, queueDepth);
        random = new SplittableRandom(42);
    }

    @Setup(Level.Invocation)
    public void coldRequest() throws IOException {
        request.clear();
        long lastStart = (FILE_BYTES - readBytes) / BUNDLE_BYTES;
        for (int i = 0; i < extents; i++) {
            request.add(new Extent(random.nextLong(lastStart + 1) * BUNDLE_BYTES, readBytes));
        }
        if (reader == ReaderKind.MMAP) {
            extentReader.close(); // unmap: DONTNEED leaves pages mapped into a process alone
        }
        if (reader.usesPageCache() && !PageCache.evict(file)) {
            throw new IllegalStateException(file + ": page-cache eviction became unavailable");
        }
        if (reader == ReaderKind.MMAP) {
            extentReader = reader.open(file, queueDepth);
        }
    }

    /**
     * What a row measures when it is not the reader it names (io_uring unavailable: the direct
     * reader), so that the row is not read as io_uring's; empty when it is.
     */
    static Optional<String> fallbackNote(ReaderKind asked, Optional<String> fallbackReason) {
        return fallbackReason.map(why -> "ReaderBenchmark: the reader=" + asked + " rows measure the "
                + ReaderKind.DIRECT + " reader (" + why + ")");
    }

    @Benchmark
    public long request() throws IOException {
        ReadStats stats = extentReader.read(request, targets);
        return stats.bytesRead();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        extentReader.close();
        arena.close();
    }

    /** The shared test file in {@code dir}, written once (to a temporary name, then moved) and reused. */
    static Path testFile(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path path = dir.resolve("reader-256m.bin");
        if (Files.isRegularFile(path) && Files.size(path) == FILE_BYTES) {
            return path;
        }
        Path tmp = Files.createTempFile(dir, "reader-256m", ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            SplittableRandom rnd = new SplittableRandom(7);
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            for (long written = 0; written < FILE_BYTES; written += buf.capacity()) {
                buf.clear();
                while (buf.remaining() >= Long.BYTES) {
                    buf.putLong(rnd.nextLong());
                }
                buf.flip();
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
            ch.force(true);
        }
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return path;
    }

    /** {@code benchmarks/target/jmh-data}, found from the jar (or class directory) this class came from. */
    static Path dataDirectory() {
        try {
            Path code = Path.of(ReaderBenchmark.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            return code.getParent().resolve("jmh-data");
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return Path.of("benchmarks", "target", "jmh-data");
        }
    }
}
