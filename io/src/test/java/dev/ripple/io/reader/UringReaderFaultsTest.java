package dev.ripple.io.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.io.Extent;
import dev.ripple.io.ExtentReadException;
import dev.ripple.io.PatternFile;
import dev.ripple.io.ReadStats;
import dev.ripple.io.TestFiles;
import dev.ripple.io.nativeio.Errno;
import dev.ripple.io.nativeio.Libc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The io_uring reader under injected faults (short reads, EAGAIN, EIO, an early end of file, a
 * failing callback), its bookkeeping of rings and registered buffers, and the refusals that make
 * {@link ReaderKind#IO_URING} fall back to the thread-pool direct reader.
 */
@ExtendWith(UringAvailable.class)
class UringReaderFaultsTest {

    static final int FILE_SIZE = (1 << 20) + 4096 * 3 + 77;
    static final long SEED = TestFiles.seed();

    @RegisterExtension
    static final PatternFile PATTERN = new PatternFile("uring-faults", FILE_SIZE, SEED);

    static String seed(String what) {
        return PATTERN.seedMessage(what);
    }

    static UringReader open(int queueDepth, UringReader.Faults faults) throws IOException {
        return UringReader.open(PATTERN.path(), queueDepth, UringSyscalls.get().orElseThrow(), faults);
    }

    /** Aligned and unaligned extents, small and larger than a registered slot. */
    static List<Extent> extents(long seed, int count) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Extent> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int length = switch (i % 3) {
                case 0 -> 4096 * (1 + random.nextInt(8));
                case 1 -> 1 + random.nextInt(20_000);
                default -> 70_000 + random.nextInt(100_000);
            };
            long offset = i % 3 == 0
                    ? 4096L * random.nextInt((FILE_SIZE - length) / 4096)
                    : random.nextLong(FILE_SIZE - length + 1);
            out.add(new Extent(offset, length));
        }
        return out;
    }

    static void assertBytes(List<Extent> extents, List<MemorySegment> targets) {
        for (int i = 0; i < extents.size(); i++) {
            Extent e = extents.get(i);
            PATTERN.assertHolds(e, targets.get(i), seed("bytes of extent " + i + " " + e));
        }
    }

    @Test
    void shortReadsAreContinuedWhereTheyStopped() throws IOException {
        List<Extent> extents = extents(SEED, 60);
        // the kernel read everything, but the reader is told only the first block arrived
        UringReader.Faults shortOnce =
                (piece, attempt, requested, result) -> attempt == 0 && result > 4096 ? 4096 : result;
        try (Arena arena = Arena.ofShared();
                UringReader reader = open(8, shortOnce)) {
            List<MemorySegment> targets =
                    extents.stream().map(e -> arena.allocate(e.length(), 4096)).toList();
            ReadStats stats = reader.read(extents, targets);
            assertBytes(extents, targets);
            long resubmitted =
                    extents.stream().filter(e -> alignedSpan(e) > 4096).count();
            assertEquals(extents.size() + resubmitted, stats.operations(), seed("one more read per shortened one"));
        }
    }

    static long alignedSpan(Extent e) {
        return ((e.end() + 4095) & -4096L) - (e.offset() & -4096L);
    }

    @Test
    void eagainAndEintrAreRetried() throws IOException {
        List<Extent> extents = extents(SEED + 1, 40);
        UringReader.Faults busy = (piece, attempt, requested, result) ->
                attempt == 0 ? -Errno.EAGAIN : attempt == 1 && piece % 2 == 0 ? -Errno.EINTR : result;
        try (Arena arena = Arena.ofShared();
                UringReader reader = open(4, busy)) {
            List<MemorySegment> targets =
                    extents.stream().map(e -> arena.allocate(e.length())).toList();
            ReadStats stats = reader.read(extents, targets);
            assertBytes(extents, targets);
            assertEquals(2L * extents.size() + extents.size() / 2, stats.operations());
        }
    }

    @Test
    void eioIsATypedErrorNamingTheExtentAndTheReaderStaysUsable() throws IOException {
        List<Extent> extents = extents(SEED + 2, 30);
        AtomicBoolean broken = new AtomicBoolean(true);
        UringReader.Faults eio =
                (piece, attempt, requested, result) -> broken.get() && piece == 7 ? -Errno.EIO : result;
        try (Arena arena = Arena.ofShared();
                UringReader reader = open(8, eio)) {
            List<MemorySegment> targets =
                    extents.stream().map(e -> arena.allocate(e.length())).toList();
            AtomicInteger reported = new AtomicInteger();
            ExtentReadException e = assertThrows(
                    ExtentReadException.class, () -> reader.read(extents, targets, i -> reported.incrementAndGet()));
            assertEquals(5, e.errno());
            assertEquals("EIO", e.errnoName());
            assertEquals(extents.get(7), e.extent());
            assertEquals(PATTERN.path(), e.file());
            assertTrue(
                    e.getMessage().contains(PATTERN.path().toString())
                            && e.getMessage().contains("EIO (5)"),
                    e.getMessage());
            assertTrue(reported.get() < extents.size(), "the failed extent was not reported: " + reported.get());
            broken.set(false);
            reader.read(extents, targets);
            assertBytes(extents, targets);
        }
    }

    @Test
    void eagainForeverEndsInATypedError() throws IOException {
        UringReader.Faults never = (piece, attempt, requested, result) -> -Errno.EAGAIN;
        try (Arena arena = Arena.ofShared();
                UringReader reader = open(2, never)) {
            ExtentReadException e = assertThrows(
                    ExtentReadException.class, () -> reader.read(new Extent(4096, 100), arena.allocate(100)));
            assertEquals(Errno.EAGAIN, e.errno());
            assertTrue(e.getMessage().contains("retries"), e.getMessage());
        }
    }

    @Test
    void anEarlyEndOfFileAndAShortUnalignedReadAreTypedErrors() throws IOException {
        try (Arena arena = Arena.ofShared();
                UringReader eof = open(1, (piece, attempt, requested, result) -> 0);
                UringReader odd = open(1, (piece, attempt, requested, result) -> attempt == 0 ? 100 : result)) {
            ExtentReadException e =
                    assertThrows(ExtentReadException.class, () -> eof.read(new Extent(0, 8192), arena.allocate(8192)));
            assertEquals(0, e.errno());
            assertTrue(e.getMessage().contains("end of file"), e.getMessage());
            e = assertThrows(ExtentReadException.class, () -> odd.read(new Extent(0, 8192), arena.allocate(8192)));
            assertEquals(100, e.bytesDone());
            assertTrue(e.getMessage().contains("short unaligned"), e.getMessage());
        }
    }

    @Test
    void aFailingCallbackPropagatesAfterTheRequestDrains() throws IOException {
        List<Extent> extents = extents(SEED + 3, 20);
        try (Arena arena = Arena.ofShared();
                UringReader reader = open(8, UringReader.Faults.NONE)) {
            List<MemorySegment> targets =
                    extents.stream().map(e -> arena.allocate(e.length())).toList();
            IllegalStateException boom = new IllegalStateException("boom");
            IllegalStateException thrown = assertThrows(
                    IllegalStateException.class,
                    () -> reader.read(extents, targets, i -> {
                        throw boom;
                    }));
            assertSame(boom, thrown);
            reader.read(extents, targets);
            assertBytes(extents, targets);
        }
    }

    @Test
    void noRingOrRegisteredBufferOutlivesItsReader() throws Exception {
        int rings = UringReader.liveRings();
        long registered = UringReader.liveRegisteredBytes();
        List<Extent> extents = extents(SEED + 4, 24);
        for (int round = 0; round < 3; round++) {
            UringReader.Faults faults =
                    round == 1 ? (p, a, r, res) -> p == 3 ? -Errno.EIO : res : UringReader.Faults.NONE;
            try (Arena arena = Arena.ofShared();
                    UringReader reader = open(16, faults)) {
                List<MemorySegment> targets =
                        extents.stream().map(e -> arena.allocate(e.length())).toList();
                List<Thread> callers = new ArrayList<>();
                CountDownLatch read = new CountDownLatch(3);
                CountDownLatch end = new CountDownLatch(1);
                for (int t = 0; t < 3; t++) { // one ring per calling thread, all alive together
                    callers.add(Thread.ofPlatform().start(() -> {
                        try {
                            reader.read(extents, targets);
                        } catch (IOException expectedInRoundOne) {
                            assertInstanceOf(ExtentReadException.class, expectedInRoundOne);
                        }
                        read.countDown();
                        awaitQuietly(end);
                    }));
                }
                read.await();
                assertEquals(rings + 3, UringReader.liveRings(), "one ring per calling thread");
                assertEquals(registered + 3L * 16 * UringReader.SLOT_BYTES, UringReader.liveRegisteredBytes());
                end.countDown();
                for (Thread t : callers) {
                    t.join();
                }
                assertEquals(rings + 3, UringReader.liveRings(), "ended threads' rings kept until a new thread comes");
            }
            assertEquals(rings, UringReader.liveRings(), "every ring closed with its reader");
            assertEquals(registered, UringReader.liveRegisteredBytes(), "every registered buffer freed");
        }
    }

    /**
     * A thread per request: each new thread's first read closes the rings of the threads that have
     * ended, so the reader holds one ring, not one per thread it has served. Before, every ring
     * stayed open until the reader closed.
     */
    @Test
    void anEndedThreadsRingIsClosedWhenTheNextThreadComes() throws Exception {
        int rings = UringReader.liveRings();
        long registered = UringReader.liveRegisteredBytes();
        List<Extent> extents = extents(SEED + 5, 12);
        try (Arena arena = Arena.ofShared();
                UringReader reader = open(16, UringReader.Faults.NONE)) {
            List<MemorySegment> targets =
                    extents.stream().map(e -> arena.allocate(e.length())).toList();
            for (int t = 0; t < 5; t++) {
                Thread caller = Thread.ofPlatform().start(() -> {
                    try {
                        reader.read(extents, targets);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                caller.join();
                assertBytes(extents, targets);
                assertEquals(rings + 1, UringReader.liveRings(), "thread " + (t + 1) + ": only the last thread's ring");
                assertEquals(registered + 16L * UringReader.SLOT_BYTES, UringReader.liveRegisteredBytes());
            }
        }
        assertEquals(rings, UringReader.liveRings(), "every ring closed with its reader");
    }

    /**
     * The common pool clears its workers' thread-locals whenever they go idle: a worker that reads
     * again must get its own ring back, not open another one kept (its thread alive) until close.
     */
    @Test
    void aPoolWorkerThatLostItsThreadLocalsReadsWithItsOwnRing() throws Exception {
        int rings = UringReader.liveRings();
        List<Extent> extents = extents(SEED + 6, 12);
        try (Arena arena = Arena.ofShared();
                UringReader reader = open(16, UringReader.Faults.NONE)) {
            List<MemorySegment> targets =
                    extents.stream().map(e -> arena.allocate(e.length())).toList();
            for (int i = 0; i < 20; i++) {
                ForkJoinPool.commonPool()
                        .submit(() -> reader.read(extents, targets))
                        .get();
                Thread.sleep(5); // the worker idles, and the pool clears its thread-locals
                assertBytes(extents, targets);
            }
            int bound = ForkJoinPool.getCommonPoolParallelism();
            assertTrue(
                    UringReader.liveRings() - rings <= bound,
                    (UringReader.liveRings() - rings) + " rings open after 20 reads on the pool, more than " + bound);
        }
        assertEquals(rings, UringReader.liveRings(), "every ring closed with its reader");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void refusalsGiveAReasonAndTheReaderKindFallsBackToDirect() throws IOException {
        assertTrue(UringSyscalls.bind(new Libc.Platform("Mac OS X", "aarch64", true), true)
                .refusal()
                .contains("Linux only"));
        assertTrue(UringSyscalls.bind(new Libc.Platform("Linux", "amd64", true), false)
                .refusal()
                .contains(UringSyscalls.DISABLED_PROPERTY));
        assertTrue(
                UringSyscalls.bind(new Libc.Platform("Linux", "amd64", false), true)
                        .refusal()
                        .contains(Libc.DISABLED_PROPERTY),
                "turning native calls off turns io_uring off too");
        assertTrue(UringSyscalls.bind(new Libc.Platform("Linux", "s390x", true), true)
                .refusal()
                .contains("os.arch"));
        UringSyscalls real = UringSyscalls.get().orElseThrow();
        assertTrue(UringSyscalls.probe(refusing(real, -Errno.EPERM)).refusal().contains("seccomp"));
        assertTrue(UringSyscalls.probe(refusing(real, -Errno.ENOSYS)).refusal().contains("ENOSYS"));
        assertTrue(UringSyscalls.probe(real).calls().isPresent());

        try (ExtentReader fallback = ReaderKind.openUringOrDirect(PATTERN.path(), 4, Optional.empty())) {
            assertInstanceOf(DirectReader.class, fallback);
            assertEquals("direct", fallback.kind());
        }
        try (ExtentReader uring = ReaderKind.IO_URING.open(PATTERN.path(), 4)) {
            assertEquals("io_uring", uring.kind());
            assertFalse(ReaderKind.IO_URING.usesPageCache());
            assertTrue(ReaderKind.IO_URING.direct());
        }
        assertSame(ReaderKind.IO_URING, ReaderKind.parse("io_uring"));
        assertSame(ReaderKind.IO_URING, ReaderKind.parse("uring"));
    }

    /** Real calls except that io_uring_setup returns {@code errno}, as a seccomp filter or an old kernel makes it. */
    static UringSyscalls refusing(UringSyscalls real, int errno) {
        return new UringSyscalls() {
            public int setup(int entries, MemorySegment params) {
                return errno;
            }

            public int enter(int fd, int toSubmit, int minComplete, int flags) {
                return real.enter(fd, toSubmit, minComplete, flags);
            }

            public int register(int fd, int opcode, MemorySegment arg, int nrArgs) {
                return real.register(fd, opcode, arg, nrArgs);
            }

            public long mmap(long length, int fd, long offset) {
                return real.mmap(length, fd, offset);
            }

            public int munmap(long address, long length) {
                return real.munmap(address, length);
            }

            public int openDirect(Path path) {
                return real.openDirect(path);
            }

            public int close(int fd) {
                return real.close(fd);
            }

            @Override
            public long size(int fd) {
                return real.size(fd);
            }
        };
    }
}
