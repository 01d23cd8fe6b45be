package dev.ripple.io.reader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.io.Extent;
import dev.ripple.io.ExtentBeyondEndOfFileException;
import dev.ripple.io.FileShrankException;
import dev.ripple.io.PatternFile;
import dev.ripple.io.ReadPlan;
import dev.ripple.io.ReadPlanner;
import dev.ripple.io.ReadStats;
import dev.ripple.io.TestFiles;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every {@link ExtentReader} keeps. Each implementation adds a three-line subclass.
 *
 * <p>All subclasses read the same file: pseudo-random bytes from a seeded RNG, with a size that is
 * not a multiple of 4 KiB so that extents ending at the end of file exercise the short final
 * aligned read. Every assertion message carries the seed; rerun with {@code -Dtests.seed=<seed>}.
 */
abstract class ExtentReaderContractTest {

    /** 1 MiB + 123 bytes: the end of file is not 4 KiB aligned. */
    static final int FILE_SIZE = (1 << 20) + 123;

    static final long SEED = TestFiles.seed();

    @RegisterExtension
    static final PatternFile PATTERN = new PatternFile("reader-contract", FILE_SIZE, SEED);

    Arena arena;

    /** Opens the implementation under test. */
    abstract ExtentReader open(Path path, int queueDepth) throws IOException;

    /**
     * True if the implementation writes targets from worker threads when several reads are in
     * flight (the thread-pool readers), so targets confined to the caller are refused; false if the
     * kernel writes them for the calling thread (io_uring), so they are accepted.
     */
    boolean writesFromWorkerThreads() {
        return true;
    }

    @BeforeEach
    void openArena() {
        arena = Arena.ofShared();
    }

    @AfterEach
    void closeArena() {
        arena.close();
    }

    static String seedMessage(String what) {
        return PATTERN.seedMessage(what);
    }

    /** Reads {@code extents} at {@code queueDepth} and checks every byte against the pattern. */
    ReadStats readAndVerify(List<Extent> extents, int queueDepth) throws IOException {
        List<MemorySegment> targets = new ArrayList<>();
        for (Extent e : extents) {
            targets.add(arena.allocate(e.length()));
        }
        ReadStats stats;
        try (ExtentReader reader = open(PATTERN.path(), queueDepth)) {
            assertEquals(FILE_SIZE, reader.fileSize());
            assertEquals(queueDepth, reader.queueDepth());
            stats = reader.read(extents, targets);
        }
        for (int i = 0; i < extents.size(); i++) {
            Extent e = extents.get(i);
            PATTERN.assertHolds(
                    e, targets.get(i), seedMessage("bytes of extent " + i + " " + e + " at queue depth " + queueDepth));
        }
        assertStatsConsistent(extents, stats);
        return stats;
    }

    static void assertStatsConsistent(List<Extent> extents, ReadStats stats) {
        long requested = extents.stream().mapToLong(Extent::length).sum();
        assertEquals(extents.size(), stats.extents(), seedMessage("extents counted"));
        assertEquals(requested, stats.bytesRequested(), seedMessage("bytes requested"));
        assertTrue(
                stats.bytesRead() >= requested,
                seedMessage("bytes read " + stats.bytesRead() + " >= requested " + requested));
        assertTrue(stats.operations() >= extents.size(), seedMessage("at least one operation per extent: " + stats));
        assertTrue(stats.elapsedNanos() > 0, seedMessage("elapsed time measured: " + stats));
    }

    @Test
    void extentsCrossingPageBoundaries() throws IOException {
        readAndVerify(
                List.of(
                        new Extent(4090, 12),
                        new Extent(4095, 2),
                        new Extent(8191, 4098),
                        new Extent(0, 4096),
                        new Extent(4096, 4096),
                        new Extent(12_287, 8194),
                        new Extent(100, 20_000)),
                1);
    }

    @Test
    void tinyAndLargeExtents() throws IOException {
        readAndVerify(
                List.of(
                        new Extent(0, 1),
                        new Extent(4095, 1),
                        new Extent(4096, 1),
                        new Extent(777_777, 1),
                        new Extent(3, 700_001),
                        new Extent(0, FILE_SIZE)),
                4);
    }

    @Test
    void extentsEndingExactlyAtEndOfFile() throws IOException {
        readAndVerify(
                List.of(
                        new Extent(FILE_SIZE - 1, 1),
                        new Extent(FILE_SIZE - 123, 123),
                        new Extent(FILE_SIZE - 5000, 5000),
                        new Extent(FILE_SIZE - 4219, 4219)),
                1);
    }

    @Test
    void extentBeyondEndOfFileIsATypedErrorNamingFileOffsetAndSize() throws IOException {
        MemorySegment target = arena.allocate(64);
        try (ExtentReader reader = open(PATTERN.path(), 1)) {
            for (Extent bad :
                    List.of(new Extent(FILE_SIZE - 10, 11), new Extent(FILE_SIZE, 1), new Extent(5L << 40, 8))) {
                ExtentBeyondEndOfFileException e =
                        assertThrows(ExtentBeyondEndOfFileException.class, () -> reader.read(bad, target));
                assertEquals(FILE_SIZE, e.fileSize());
                assertEquals(bad, e.extent());
                assertTrue(e.getMessage().contains(PATTERN.path().toString()), e.getMessage());
                assertTrue(e.getMessage().contains(Long.toString(bad.offset())), e.getMessage());
                assertTrue(e.getMessage().contains(Long.toString(FILE_SIZE)), e.getMessage());
            }
            // The reader is still usable after a rejected request.
            reader.read(new Extent(0, 64), target);
            assertArrayEquals(Arrays.copyOf(PATTERN.bytes(), 64), target.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @ParameterizedTest(name = "queue depth {0}")
    @ValueSource(ints = {1, 4, 32})
    void manyRandomExtents(int queueDepth) throws IOException {
        SplittableRandom random = new SplittableRandom(SEED ^ queueDepth);
        List<Extent> extents = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            int length = switch (random.nextInt(4)) {
                case 0 -> 1 + random.nextInt(64);
                case 1 -> 1 + random.nextInt(4096);
                case 2 -> 3076;
                default -> 1 + random.nextInt(64 * 1024);
            };
            long offset = random.nextLong(FILE_SIZE - length + 1);
            extents.add(new Extent(offset, length));
        }
        readAndVerify(extents, queueDepth);
    }

    @Test
    void queueDepthBoundsReadsInFlightAndIsReached() throws IOException {
        // 64 KiB reads take long enough, even from the page cache, for two to overlap; on a loaded
        // 2-core machine a pool may still run a whole request on one core, hence attempts until they do
        // (the mmap reader's warm copies of a few microseconds once went 20 requests without overlapping;
        // an attempt costs about a millisecond, and the loop stops at the first overlap)
        List<Extent> extents = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            extents.add(new Extent((i * 7919L * 4096) % (FILE_SIZE - 65536), 65536));
        }
        List<MemorySegment> targets =
                extents.stream().map(e -> arena.allocate(e.length())).toList();
        try (ExtentReader reader = open(PATTERN.path(), 4)) {
            InFlightGauge base = (InFlightGauge) reader;
            for (int attempt = 0; attempt < 500 && base.peakInFlight() < 2; attempt++) {
                reader.read(extents, targets);
            }
            assertTrue(base.peakInFlight() >= 2, "reads overlapped: peak " + base.peakInFlight());
            assertTrue(base.peakInFlight() <= 4, "never more than the queue depth: peak " + base.peakInFlight());
        }
        try (ExtentReader reader = open(PATTERN.path(), 1)) {
            reader.read(extents, targets);
            assertEquals(1, ((InFlightGauge) reader).peakInFlight());
        }
    }

    @ParameterizedTest(name = "queue depth {0}")
    @ValueSource(ints = {1, 8})
    void completionsAreReportedOnceEachWithTheirBytesInPlace(int queueDepth) throws IOException {
        SplittableRandom random = new SplittableRandom(SEED + 17 * queueDepth);
        List<Extent> extents = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            int length = 1 + random.nextInt(3 * 4096);
            extents.add(new Extent(random.nextLong(FILE_SIZE - length + 1), length));
        }
        List<MemorySegment> targets =
                extents.stream().map(e -> arena.allocate(e.length(), 4096)).toList();
        int[] seen = new int[extents.size()];
        Thread caller = Thread.currentThread();
        try (ExtentReader reader = open(PATTERN.path(), queueDepth)) {
            reader.read(extents, targets, i -> {
                assertSame(caller, Thread.currentThread(), "completions are reported on the calling thread");
                seen[i]++;
                Extent e = extents.get(i);
                PATTERN.assertHolds(e, targets.get(i), seedMessage("extent " + i + " complete when reported"));
            });
        }
        for (int i = 0; i < seen.length; i++) {
            assertEquals(1, seen[i], seedMessage("extent " + i + " reported once"));
        }
    }

    @Test
    void concurrentCallersShareOneReader() throws Exception {
        try (ExtentReader reader = open(PATTERN.path(), 4);
                ExecutorService callers = Executors.newFixedThreadPool(3)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                long callerSeed = SEED + c;
                futures.add(callers.submit(() -> {
                    SplittableRandom random = new SplittableRandom(callerSeed);
                    for (int round = 0; round < 20; round++) {
                        List<Extent> extents = new ArrayList<>();
                        List<MemorySegment> targets = new ArrayList<>();
                        for (int i = 0; i < 16; i++) {
                            int length = 1 + random.nextInt(9000);
                            Extent e = new Extent(random.nextLong(FILE_SIZE - length + 1), length);
                            extents.add(e);
                            targets.add(arena.allocate(length));
                        }
                        reader.read(extents, targets);
                        for (int i = 0; i < extents.size(); i++) {
                            Extent e = extents.get(i);
                            PATTERN.assertHolds(e, targets.get(i), seedMessage("concurrent read " + e));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
    }

    @Test
    void statsOfASingleExtentAndOfAnEmptyRequest() throws IOException {
        try (ExtentReader reader = open(PATTERN.path(), 2)) {
            assertSame(ReadStats.EMPTY, reader.read(List.of(), List.of()));
        }
        ReadStats stats = readAndVerify(List.of(new Extent(8192, 8192)), 2);
        assertEquals(8192, stats.bytesRequested());
        assertEquals(8192, stats.bytesRead(), "an aligned extent reads exactly its bytes");
        assertEquals(1, stats.operations());
    }

    @Test
    void badTargetsAreRejectedBeforeAnyRead() throws IOException {
        try (ExtentReader reader = open(PATTERN.path(), 4)) {
            Extent e = new Extent(0, 100);
            assertThrows(IllegalArgumentException.class, () -> reader.read(e, arena.allocate(99)));
            assertThrows(
                    IllegalArgumentException.class, () -> reader.read(List.of(e, e), List.of(arena.allocate(100))));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> reader.read(e, arena.allocate(100).asReadOnly()));
            try (Arena confined = Arena.ofConfined()) {
                List<MemorySegment> mine = List.of(confined.allocate(100), confined.allocate(100));
                if (writesFromWorkerThreads()) {
                    IllegalArgumentException ex =
                            assertThrows(IllegalArgumentException.class, () -> reader.read(List.of(e, e), mine));
                    assertTrue(ex.getMessage().contains("confined"), ex.getMessage());
                } else {
                    reader.read(List.of(e, e), mine);
                    assertArrayEquals(
                            Arrays.copyOf(PATTERN.bytes(), 100), mine.get(1).toArray(ValueLayout.JAVA_BYTE));
                }
            }
            try (Arena other = Arena.ofConfined()) { // a target of another thread's arena: refused by every reader
                MemorySegment foreign = other.allocate(100);
                Thread t = Thread.ofPlatform()
                        .start(() -> assertThrows(
                                IllegalArgumentException.class,
                                () -> reader.read(List.of(e, e), List.of(foreign, foreign))));
                t.join();
            } catch (InterruptedException ie) {
                throw new AssertionError(ie);
            }
        }
    }

    @Test
    void confinedTargetsWorkAtQueueDepthOne() throws IOException {
        try (ExtentReader reader = open(PATTERN.path(), 1);
                Arena confined = Arena.ofConfined()) {
            MemorySegment a = confined.allocate(10);
            MemorySegment b = confined.allocate(10);
            reader.read(List.of(new Extent(5, 10), new Extent(50_000, 10)), List.of(a, b));
            assertArrayEquals(Arrays.copyOfRange(PATTERN.bytes(), 50_000, 50_010), b.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void heapTargetsWorkToo() throws IOException {
        byte[] heap = new byte[5000];
        try (ExtentReader reader = open(PATTERN.path(), 4)) {
            reader.read(
                    List.of(new Extent(4000, 5000), new Extent(1, 1)),
                    List.of(MemorySegment.ofArray(heap), MemorySegment.ofArray(new byte[1])));
        }
        assertArrayEquals(Arrays.copyOfRange(PATTERN.bytes(), 4000, 9000), heap, seedMessage("heap target"));
    }

    @Test
    void closedReaderRefusesReadsAndCloseIsIdempotent() throws IOException {
        ExtentReader reader = open(PATTERN.path(), 2);
        reader.close();
        reader.close();
        IOException e = assertThrows(IOException.class, () -> reader.read(new Extent(0, 1), arena.allocate(1)));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void emptyFileOpensAndRejectsEveryExtent() throws IOException {
        Path empty =
                TestFiles.write(PATTERN.dir().resolve("empty-" + getClass().getSimpleName() + ".bin"), new byte[0]);
        try (ExtentReader reader = open(empty, 2)) {
            assertEquals(0, reader.fileSize());
            assertSame(ReadStats.EMPTY, reader.read(List.of(), List.of()));
            assertThrows(ExtentBeyondEndOfFileException.class, () -> reader.read(new Extent(0, 1), arena.allocate(1)));
        }
    }

    /**
     * A missing file is a {@link NoSuchFileException} naming it, whether the reader opened it with
     * libc's {@code open} or as a {@code FileChannel} (the fallback), and never a direct-I/O refusal:
     * callers such as the CLI tell "no such file" by the type.
     */
    @Test
    void aMissingFileIsNoSuchFileExceptionNamingIt() {
        Path missing = PATTERN.dir().resolve("missing-" + getClass().getSimpleName() + ".bin");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> open(missing, 2));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void describeNamesTheFile() throws IOException {
        try (ExtentReader reader = open(PATTERN.path(), 3)) {
            assertTrue(reader.describe().contains(PATTERN.path().toString()), reader.describe());
            assertEquals(PATTERN.path(), reader.path());
        }
    }
    /**
     * A thread that is already interrupted gets an {@link InterruptedIOException} before any I/O,
     * for an empty request too, keeps its interrupt status, and the reader goes on serving everyone, that thread included
     * once it clears the status.
     */
    @ParameterizedTest(name = "queue depth {0}")
    @ValueSource(ints = {1, 4})
    void anInterruptedCallerIsRefusedAndTheReaderGoesOn(int queueDepth) throws Exception {
        List<Extent> extents =
                List.of(new Extent(0, 70_000), new Extent(300_000, 5000), new Extent(FILE_SIZE - 99, 99));
        try (ExtentReader reader = open(PATTERN.path(), queueDepth)) {
            AtomicReference<Throwable> refused = new AtomicReference<>();
            AtomicReference<Throwable> refusedEmpty = new AtomicReference<>();
            AtomicBoolean statusKept = new AtomicBoolean();
            Thread caller = Thread.ofPlatform().start(() -> {
                Thread.currentThread().interrupt();
                try {
                    reader.read(extents, targetsFor(extents));
                } catch (Throwable t) {
                    refused.set(t);
                }
                try {
                    reader.read(List.of(), List.of());
                } catch (Throwable t) {
                    refusedEmpty.set(t);
                }
                statusKept.set(Thread.interrupted());
                try {
                    assertReads(reader, extents, "the formerly interrupted thread's next read");
                } catch (Throwable t) {
                    refused.set(t);
                }
            });
            caller.join();
            assertTrue(refused.get() instanceof InterruptedIOException, seedMessage("refused with " + refused.get()));
            assertTrue(
                    refused.get().getMessage().contains("interrupted"),
                    refused.get().getMessage());
            assertTrue(
                    refusedEmpty.get() instanceof InterruptedIOException,
                    seedMessage(
                            "an empty request is refused too (a wrapping reader relies on it): " + refusedEmpty.get()));
            assertTrue(statusKept.get(), seedMessage("the interrupt status is kept"));
            assertReads(reader, extents, "another thread's read after the interrupted one");
        }
    }

    /**
     * A thread interrupted while its reads run, again and again, fails only its own request, with
     * an {@link InterruptedIOException} or not at all (a read in progress may finish); a thread
     * reading alongside, and every read afterwards, still gets the right bytes. A
     * {@code FileChannel} closed by the interrupt failed all of them.
     */
    @ParameterizedTest(name = "queue depth {0}")
    @ValueSource(ints = {1, 4})
    void interruptingAReadingThreadLeavesTheReaderWorkingForEveryoneElse(int queueDepth) throws Exception {
        List<Extent> extents = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            extents.add(new Extent(i * 120_000L + 7, 100_000));
        }
        try (ExtentReader reader = open(PATTERN.path(), queueDepth)) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> bystanderFailure = new AtomicReference<>();
            Thread bystander = Thread.ofPlatform().start(() -> {
                try {
                    while (!stop.get()) {
                        assertReads(reader, extents, "a bystander's read during the interrupts");
                    }
                } catch (Throwable t) {
                    bystanderFailure.set(t);
                }
            });
            SplittableRandom random = new SplittableRandom(SEED);
            for (int round = 0; round < 20; round++) {
                AtomicReference<Throwable> victimFailure = new AtomicReference<>();
                List<MemorySegment> victimTargets = targetsFor(extents);
                Thread victim = Thread.ofPlatform().start(() -> {
                    try {
                        while (true) {
                            reader.read(extents, victimTargets);
                        }
                    } catch (Throwable t) {
                        victimFailure.set(t);
                    }
                });
                Thread.sleep(random.nextInt(1, 6));
                victim.interrupt();
                victim.join();
                assertTrue(
                        victimFailure.get() instanceof InterruptedIOException,
                        seedMessage("round " + round + ": the interrupted thread failed with " + victimFailure.get()));
            }
            stop.set(true);
            bystander.join();
            assertEquals(null, bystanderFailure.get(), seedMessage("the bystander's reads"));
            assertReads(reader, extents, "a read after the interrupts");
        }
    }

    /**
     * A file truncated while the reader has it open: a read past the new end is a
     * {@link FileShrankException} naming the file and both sizes, not an end-of-file error that
     * only guesses, nor (mmap) the JVM's {@code InternalError} from a fault on a vanished page; a
     * read below the new end still works.
     */
    @Test
    void aFileTruncatedWhileOpenIsATypedErrorNamingIt() throws IOException {
        Path copy = PATTERN.dir().resolve("truncated-" + getClass().getSimpleName() + ".bin");
        Files.copy(PATTERN.path(), copy, StandardCopyOption.REPLACE_EXISTING);
        try (ExtentReader reader = open(copy, 2)) {
            try (FileChannel channel = FileChannel.open(copy, StandardOpenOption.WRITE)) {
                channel.truncate(FILE_SIZE / 3);
            }
            Extent beyond = new Extent(FILE_SIZE / 2, 10_000);
            FileShrankException e =
                    assertThrows(FileShrankException.class, () -> reader.read(beyond, arena.allocate(beyond.length())));
            assertTrue(
                    e.getMessage().contains(copy.toString()) && e.getMessage().contains("shrank"), e.getMessage());
            assertEquals(FILE_SIZE, e.sizeWhenOpened());
            assertEquals(FILE_SIZE / 3, e.sizeNow());
            // the same from a plan read on the caller, and from one read by the caller and a worker
            Extent alsoBeyond = new Extent(FILE_SIZE - 5000, 5000);
            ReadPlan one = ReadPlanner.fixedGap(0).plan(List.of(beyond));
            assertThrows(
                    FileShrankException.class,
                    () -> reader.read(one, arena.allocate(one.bytesRead())),
                    "a plan of one read");
            ReadPlan two = ReadPlanner.fixedGap(0).plan(List.of(beyond, alsoBeyond));
            assertEquals(2, two.operations());
            assertThrows(
                    FileShrankException.class,
                    () -> reader.read(two, arena.allocate(two.bytesRead())),
                    "a plan of two reads, in parallel");
            Extent within = new Extent(4096, 8192);
            MemorySegment target = arena.allocate(within.length());
            reader.read(within, target);
            PATTERN.assertHolds(within, target, seedMessage("a read below the new end"));
        }
    }

    private List<MemorySegment> targetsFor(List<Extent> extents) {
        return extents.stream().map(e -> arena.allocate(e.length())).toList();
    }

    private void assertReads(ExtentReader reader, List<Extent> extents, String what) throws IOException {
        try (Arena own = Arena.ofShared()) {
            List<MemorySegment> targets =
                    extents.stream().map(e -> own.allocate(e.length())).toList();
            reader.read(extents, targets);
            for (int i = 0; i < extents.size(); i++) {
                PATTERN.assertHolds(extents.get(i), targets.get(i), seedMessage(what + ", extent " + extents.get(i)));
            }
        }
    }
}
