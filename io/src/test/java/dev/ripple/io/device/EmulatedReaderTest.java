package dev.ripple.io.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ripple.io.Extent;
import dev.ripple.io.PatternFile;
import dev.ripple.io.ReadStats;
import dev.ripple.io.TestFiles;
import dev.ripple.io.nativeio.PageCache;
import dev.ripple.io.reader.ExtentReader;
import dev.ripple.io.reader.ReaderFactory;
import dev.ripple.io.reader.ReaderKind;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The emulated device: its schedule follows the cost model exactly, and a stream of real reads
 * through {@link EmulatedReader} is paced by it ({@link #assertPacedByTheModel}).
 */
class EmulatedReaderTest {

    static final int FILE_SIZE = 8 << 20;
    static final long SEED = TestFiles.seed();

    @RegisterExtension
    static final PatternFile PATTERN = new PatternFile("emulation", FILE_SIZE, SEED);

    @Test
    void scheduleIsTheCostModelReadAfterReadAndRequestsQueueBehindEachOther() {
        DeviceProfile ufs = UfsPresets.ufs40();
        DeviceEmulator device = DeviceEmulator.of(ufs);
        assertEquals(32, device.commandQueueDepth());
        assertEquals(1, device.depthOf(1, 8));
        assertEquals(8, device.depthOf(30, 8));
        assertEquals(32, device.depthOf(100, 64));
        long[] bytes = {4096, 16384, 65536};
        long[] done = new long[3];
        long end = device.schedule(1_000_000, bytes, 3, 8, done);
        CostLine line = ufs.costModel().lineAt(3);
        double t = 1_000_000;
        for (int i = 0; i < 3; i++) {
            t += line.costMicros(bytes[i]) * 1000;
            assertEquals(t, done[i], 1.0, "read " + i + " completes after the ones before it");
        }
        assertEquals(done[2], end);
        assertEquals((end - 1_000_000) / 1000.0, device.requestMicros(bytes, 3, 8), 0.01);
        // a second request issued before the device is free waits for it
        long[] again = new long[1];
        device.schedule(1_000_000, new long[] {4096}, 1, 1, again);
        assertEquals(end + ufs.costMicros(4096, 1) * 1000, again[0], 1.0);
        // a request issued after the device went idle starts at once
        long later = end + 10_000_000;
        device.schedule(later, new long[] {4096}, 1, 1, again);
        assertEquals(later + ufs.costMicros(4096, 1) * 1000, again[0], 1.0);
    }

    @Test
    void presetsAndProfileFilesResolveByName() throws IOException {
        assertEquals("ufs-4.0", DevicePresets.resolve("UFS-4.0").name());
        assertEquals("ufs-3.1", DevicePresets.resolve("ufs-3.1").name());
        DeviceProfile nvme = DevicePresets.resolve("nvme");
        assertEquals(7000, nvme.costModel().lineAt(32).bytesPerMicro(), 1e-9);
        assertEquals(1e6 / 1_000_000, nvme.costMicros(4096, 32), 1e-9);
        assertEquals(1e6 / 22_000, nvme.costMicros(4096, 1), 1e-9);
        Path profile = PATTERN.dir().resolve("phone.json");
        Files.writeString(profile, UfsPresets.ufs31().toJson());
        assertEquals("ufs-3.1", DevicePresets.resolve(profile.toString()).name());
        DeviceProfileException e = assertThrows(DeviceProfileException.class, () -> DevicePresets.resolve("ufs-5.0"));
        assertTrue(e.getMessage().contains("nvme"), e.getMessage());
    }

    /** One request of a stream: extents and the reader's queue depth. */
    record Request(List<Extent> extents, int queueDepth) {}

    static List<Request> stream(
            long seed, int requests, int queueDepth, int readsPerRequest, int minBytes, int maxBytes) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Request> out = new ArrayList<>();
        for (int r = 0; r < requests; r++) {
            List<Extent> extents = new ArrayList<>();
            for (int i = 0; i < readsPerRequest; i++) {
                int length = minBytes + random.nextInt(maxBytes - minBytes + 1);
                extents.add(new Extent(random.nextLong(FILE_SIZE - length), length));
            }
            out.add(new Request(extents, queueDepth));
        }
        return out;
    }

    /** The stream's time by the cost model, computed here from the profile's lines, µs. */
    static double modelledMicros(DeviceProfile profile, List<Request> stream) {
        double micros = 0;
        for (Request r : stream) {
            int k = r.extents().size();
            CostLine line = profile.costModel().lineAt(Math.min(Math.min(k, r.queueDepth()), 32));
            for (Extent e : r.extents()) {
                micros += line.fixedMicros() + e.length() / line.bytesPerMicro();
            }
        }
        return micros;
    }

    /**
     * A timed stream: its wall time and what the emulator accounted for it
     * ({@link EmulatedReader.Stats}).
     *
     * @param deviceMicros    the device time the emulator gave the requests
     * @param overrunRequests requests whose real read took longer than the device's time for them
     * @param overrunMicros   by how much, summed
     */
    record Paced(double wallMicros, double deviceMicros, long requests, long overrunRequests, double overrunMicros) {
        double overrunShare() {
            return (double) overrunRequests / requests;
        }

        @Override
        public String toString() {
            return String.format(
                    "wall %.0f us, device %.0f us, %d of %d requests' real reads overran it (by %.0f us)",
                    wallMicros, deviceMicros, overrunRequests, requests, overrunMicros);
        }
    }

    /** Opens a fresh emulation for one attempt. */
    @FunctionalInterface
    interface Emulation {
        EmulatedReader open() throws IOException;
    }

    /** At most this share of a stream's requests may have a real read slower than the device. */
    static final double MAX_OVERRUN_SHARE = 0.10;

    /** As {@link #assertPacedByTheModel(String, DeviceProfile, List, Emulation, boolean)}, whole requests. */
    static void assertPacedByTheModel(String what, DeviceProfile profile, List<Request> stream, Emulation emulation)
            throws IOException {
        assertPacedByTheModel(what, profile, stream, emulation, false);
    }

    /**
     * Fails unless {@code stream} through the {@code emulation} is paced by {@code profile}'s model:
     * the emulator gives the requests the device time the model gives them (within 0.5%), the stream
     * never ends more than 10% sooner than that (the waits happen), and fewer than 10% of its requests
     * have a real read that took longer than the device's time for it (the real reads do not set the
     * pace).
     *
     * <p>Why not the wall time within 10% of the model, as until 2026-12-06: that held on a quiet
     * machine and failed under load (+10% to +124% with parallel builds on the two cores; up to +204%
     * for the depth-1 stream at load 9), because wall time also carries how late the host wakes the
     * waiting thread, which no emulator controls. What the emulator contributes is in its own
     * accounting, and the leak this test guards against shows there: the disk's 0.5 MiB direct reads,
     * slower than the UFS 4.0 model, added 12-15% to emulated runs. A real reader slower than the
     * device overruns it in nearly every request, while a loaded host that preempts a copy now and
     * then makes a few overrun (a probe at load 9: direct reads of this VM's disk overran in 30 of 30
     * requests each time, the same streams from DRAM in 0 to 10 of 30). So the check is the share of
     * requests that overran, on the best of up to ten attempts half a second apart (contention only
     * adds overruns), and an emulation whose real reads are slower than its device fails every
     * attempt. The wall time keeps its lower bound, which load cannot break; that waits are not too
     * long is checked apart from this host's timing ({@link SimulatedClock}).
     *
     * @param oneByOne read with a completion callback, so each extent is reported at its own time
     */
    static void assertPacedByTheModel(
            String what, DeviceProfile profile, List<Request> stream, Emulation emulation, boolean oneByOne)
            throws IOException {
        double model = modelledMicros(profile, stream);
        Paced best = null;
        for (int attempt = 0; attempt < 10 && (best == null || best.overrunShare() >= MAX_OVERRUN_SHARE); attempt++) {
            if (attempt > 0) {
                LockSupport.parkNanos(500_000_000L);
            }
            Paced run = pace(emulation.open(), stream, oneByOne);
            String at = String.format("%s: %s; modelled %.0f us, seed %d", what, run, model, SEED);
            assertEquals(model, run.deviceMicros(), model * 0.005, "the device time is the model's: " + at);
            assertTrue(run.wallMicros() >= 0.9 * model, "the stream ran ahead of its device: " + at);
            if (best == null || run.overrunShare() < best.overrunShare()) {
                best = run;
            }
        }
        assertTrue(
                best.overrunShare() < MAX_OVERRUN_SHARE,
                String.format(
                        "%s: the real reads set the pace in %.0f%% of the requests at best (%s; seed %d)",
                        what, 100 * best.overrunShare(), best, SEED));
    }

    /**
     * Runs the stream through {@code emulation} (closed after), one request after another, after up to
     * 100 of its requests as a warm-up (page cache and compiled code); {@code oneByOne}: with a
     * completion callback that does nothing.
     */
    static Paced pace(EmulatedReader emulation, List<Request> stream, boolean oneByOne) throws IOException {
        try (EmulatedReader reader = emulation;
                Arena arena = Arena.ofShared()) {
            MemorySegment buffer = arena.allocate(4 << 20);
            List<List<MemorySegment>> targets = new ArrayList<>();
            for (Request r : stream) {
                List<MemorySegment> t = new ArrayList<>();
                long at = 0;
                for (Extent e : r.extents()) {
                    t.add(buffer.asSlice(at, e.length()));
                    at += e.length();
                }
                targets.add(t);
            }
            IntConsumer reported = oneByOne ? i -> {} : null;
            for (int i = 0; i < Math.min(stream.size(), 100); i++) {
                reader.read(stream.get(i).extents(), targets.get(i), reported);
            }
            EmulatedReader.Stats before = reader.emulationStats();
            long start = System.nanoTime();
            for (int i = 0; i < stream.size(); i++) {
                reader.read(stream.get(i).extents(), targets.get(i), reported);
            }
            double wall = (System.nanoTime() - start) / 1e3;
            EmulatedReader.Stats after = reader.emulationStats();
            return new Paced(
                    wall,
                    (after.modelledNanos() - before.modelledNanos()) / 1e3,
                    after.requests() - before.requests(),
                    after.overrunRequests() - before.overrunRequests(),
                    (after.overrunNanos() - before.overrunNanos()) / 1e3);
        }
    }

    @Test
    void aStreamOfReadsUnderEmulationIsPacedByTheDeviceModel() throws IOException {
        DeviceProfile ufs40 = UfsPresets.ufs40();
        DeviceProfile nvme = DevicePresets.nvme();
        List<Object[]> cases = List.of(
                new Object[] {
                    "ufs-4.0, queue depth 1, one 4 KiB read per request", ufs40, 1, stream(SEED, 600, 1, 1, 4096, 4096)
                },
                new Object[] {
                    "ufs-4.0, queue depth 8, 8 reads of 4-64 KiB", ufs40, 8, stream(SEED + 1, 120, 8, 8, 4096, 65536)
                },
                new Object[] {
                    "ufs-4.0, queue depth 32, 40 reads of 4-16 KiB",
                    ufs40,
                    32,
                    stream(SEED + 2, 80, 32, 40, 4096, 16384)
                },
                new Object[] {
                    "ufs-4.0, queue depth 32, 3 reads of 0.5-2 MiB",
                    ufs40,
                    32,
                    stream(SEED + 3, 30, 32, 3, 1 << 19, 1 << 20)
                },
                new Object[] {
                    "nvme, queue depth 4, 4 reads of 128 KiB", nvme, 4, stream(SEED + 4, 150, 4, 4, 131072, 131072)
                });
        for (Object[] c : cases) {
            DeviceProfile profile = (DeviceProfile) c[1];
            @SuppressWarnings("unchecked")
            List<Request> s = (List<Request>) c[3];
            // positional reads of a page-cached file, one at a time, take microseconds: the device model
            // sets the pace (a pool of 31 threads on two shared cores would not keep up with it)
            assertPacedByTheModel(
                    (String) c[0],
                    profile,
                    s,
                    () -> EmulatedReader.wrap(
                            ReaderKind.POSITIONAL.open(PATTERN.path(), 1), DeviceEmulator.of(profile), (int) c[2]));
        }
    }

    @Test
    void aStreamReportedExtentByExtentIsPacedByTheDeviceModelToo() throws IOException {
        // the waits for each extent's completion and the caller's callbacks are not the real read's
        // time: counted as such, every request overran (32 ms against 12 modelled, 50 of 50)
        DeviceProfile ufs40 = UfsPresets.ufs40();
        assertPacedByTheModel(
                "ufs-4.0, queue depth 8, 8 reads of 4 KiB, each reported",
                ufs40,
                stream(SEED + 11, 50, 8, 8, 4096, 4096),
                () -> EmulatedReader.wrap(ReaderKind.POSITIONAL.open(PATTERN.path(), 1), DeviceEmulator.of(ufs40), 8),
                true);
    }

    /**
     * Time that passes only when the emulator waits, each wait that has to wait returning
     * {@link #late} after its deadline (a host that wakes threads late), or when a test moves it on
     * (a caller computing): the emulator's pacing without this host's timing, so exact.
     */
    static final class SimulatedClock implements EmulatedReader.Clock {
        long now = 1_000_000_000L;
        long late;

        @Override
        public long now() {
            return now;
        }

        @Override
        public long waitUntil(long deadline) {
            if (deadline - now <= 0) {
                return 0;
            }
            now = deadline + late;
            return late;
        }
    }

    /** Reads {@code extents} through {@code reader}; returns the simulated time the request took. */
    static long timed(SimulatedClock clock, EmulatedReader reader, List<Extent> extents, IntConsumer completed)
            throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            List<MemorySegment> targets =
                    extents.stream().map(e -> arena.allocate(e.length())).toList();
            long from = clock.now;
            reader.read(extents, targets, completed);
            return clock.now - from;
        }
    }

    /** A reader of {@link #PATTERN} timed as on {@code profile} at {@code queueDepth} by {@code clock}. */
    static EmulatedReader simulated(DeviceProfile profile, int queueDepth, SimulatedClock clock) throws IOException {
        return EmulatedReader.wrap(
                ReaderKind.POSITIONAL.open(PATTERN.path(), 1), DeviceEmulator.of(profile), queueDepth, clock);
    }

    @Test
    void aLateWakeUpIsCreditedSoLatenessDoesNotPileUpOverAStream() throws IOException {
        DeviceProfile ufs = UfsPresets.ufs40();
        List<Extent> read = List.of(new Extent(0, 4096));
        long d = Math.round(ufs.costMicros(4096, 1) * 1000);
        SimulatedClock clock = new SimulatedClock();
        try (EmulatedReader reader = simulated(ufs, 1, clock)) {
            // every wake-up late by half a request: the next request is taken to have reached the
            // device that much earlier, so only the last one's lateness shows
            clock.late = d / 2;
            long total = 0;
            for (int r = 0; r < 50; r++) {
                total += timed(clock, reader, read, null);
            }
            assertEquals(50 * d + d / 2, total, 50, "50 requests of " + d + " ns, each woken " + d / 2 + " ns late");
            EmulatedReader.Stats s = reader.emulationStats();
            assertEquals(50 * d, s.modelledNanos(), 50, "the device gave every request its own time");
            assertEquals(0, s.overrunRequests(), "a late wake-up is not the real read's: " + s);
        }
        try (EmulatedReader reader = simulated(ufs, 1, clock)) {
            // woken late by three requests' time, then on time: with the caller computing between
            // requests, the next three are each issued one request's time earlier (no more), so they
            // complete as they are made, and the fourth takes its own time again
            clock.late = 3 * d;
            assertEquals(d + 3 * d, timed(clock, reader, read, null), 1);
            clock.late = 0;
            for (int r = 0; r < 4; r++) {
                clock.now += 10 * d;
                assertEquals(r < 3 ? 0 : d, timed(clock, reader, read, null), 1, "request " + r + " after it");
            }
        }
    }

    /**
     * An interrupted caller is refused, by the real reader's own check, before the device is booked:
     * booked, the device's time would go to a read that never happened and the next request would
     * queue behind it.
     */
    @Test
    void anInterruptedCallerIsRefusedBeforeTheDeviceIsBooked() throws IOException {
        DeviceProfile ufs = UfsPresets.ufs40();
        List<Extent> read = List.of(new Extent(0, 4096));
        long d = Math.round(ufs.costMicros(4096, 1) * 1000);
        SimulatedClock clock = new SimulatedClock();
        try (EmulatedReader reader = simulated(ufs, 1, clock)) {
            Thread.currentThread().interrupt();
            try {
                InterruptedIOException e =
                        assertThrows(InterruptedIOException.class, () -> timed(clock, reader, read, null));
                assertTrue(
                        e.getMessage().contains(PATTERN.path().toString())
                                && e.getMessage().contains("interrupted"),
                        e.getMessage());
                assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status is kept");
            } finally {
                Thread.interrupted();
            }
            assertEquals(d, timed(clock, reader, read, null), 1, "the next request has the device to itself");
            assertEquals(1, reader.emulationStats().requests());
        }
    }

    @Test
    void theCallersCallbacksAndTheWaitsForEachExtentAreNotTheRealReadsTime() throws IOException {
        DeviceProfile ufs = UfsPresets.ufs40();
        List<Extent> extents = stream(SEED + 12, 1, 8, 8, 4096, 4096).getFirst().extents();
        long perRead = Math.round(ufs.costModel().lineAt(8).costMicros(4096) * 1000);
        long d = 8 * perRead;
        SimulatedClock clock = new SimulatedClock();
        clock.late = perRead / 4;
        long compute = perRead / 4;
        IntConsumer computing = i -> clock.now += compute;
        try (EmulatedReader reader = simulated(ufs, 8, clock)) {
            // each extent reported late, computed on for a quarter of a read: the last report comes
            // late by both, and the next request is credited the lateness, not the computing
            assertEquals(d + clock.late + compute, timed(clock, reader, extents, computing), 8);
            assertEquals(d + compute, timed(clock, reader, extents, computing), 8);
            EmulatedReader.Stats s = reader.emulationStats();
            assertEquals(2, s.requests());
            assertEquals(0, s.overrunRequests(), "waits and callbacks are not overruns: " + s);
        }
    }

    @Test
    void theRuntimesEmulationServesRealReadsFromDramWithinTheModelledTime() throws IOException {
        DeviceProfile ufs40 = UfsPresets.ufs40();
        // the configured disk reader would be the thread-pool direct reader; the file fits in memory
        ReaderFactory disk = (p, q) -> {
            throw new AssertionError("a file of 8 MiB fits in memory: the disk reader must not be opened");
        };
        try (EmulatedReader reader = EmulatedReader.open(PATTERN.path(), 32, DeviceEmulator.of(ufs40), disk);
                Arena arena = Arena.ofShared()) {
            assertTrue(
                    reader.realReads().startsWith("from DRAM (file of 8.0 MiB in the page cache"), reader.realReads());
            assertTrue(reader.fromDram(), "reports name pread as the reader that ran");
            assertTrue(EmulatedReader.readsFromDram(PATTERN.path()), "open's own decision, told in advance");
            assertTrue(reader.kind().equals("emulated ufs-4.0 over pread"), reader.kind());
            assertTrue(reader.describe().contains("real reads from DRAM"), reader.describe());
            assertEquals(32, reader.queueDepth(), "the device sees the configured queue depth");
            List<Extent> extents =
                    stream(SEED + 6, 1, 32, 20, 1, 700_000).getFirst().extents();
            List<MemorySegment> targets =
                    extents.stream().map(e -> arena.allocate(e.length())).toList();
            reader.read(extents, targets);
            for (int i = 0; i < extents.size(); i++) {
                Extent e = extents.get(i);
                PATTERN.assertHolds(e, targets.get(i), "extent " + i + ", seed " + SEED);
            }
        }
        // the large collapsed reads whose real time leaked into emulated runs (PERFORMANCE.md §12),
        // and many small ones, both paced by the model through the runtime's emulation
        List<Object[]> cases = List.of(
                new Object[] {"queue depth 32, 3 reads of 0.5-1 MiB", 32, stream(SEED + 7, 30, 32, 3, 1 << 19, 1 << 20)
                },
                new Object[] {"queue depth 8, 12 reads of 128-320 KiB", 8, stream(SEED + 8, 30, 8, 12, 1 << 17, 5 << 16)
                },
                new Object[] {"queue depth 32, 40 reads of 4-16 KiB", 32, stream(SEED + 9, 80, 32, 40, 4096, 16384)});
        for (Object[] c : cases) {
            @SuppressWarnings("unchecked")
            List<Request> s = (List<Request>) c[2];
            assertPacedByTheModel(
                    "ufs-4.0 over DRAM, " + c[0],
                    ufs40,
                    s,
                    () -> EmulatedReader.open(PATTERN.path(), (int) c[1], DeviceEmulator.of(ufs40), disk));
        }
    }

    /**
     * Bytes this thread read through {@code read}-family system calls while {@code action} ran: the
     * kernel's own count ({@code rchar} of {@code /proc/thread-self/io}), page-cache hits included.
     */
    static long bytesReadBy(IoAction action) throws IOException {
        long before = threadReadChars();
        action.run();
        return threadReadChars() - before;
    }

    @FunctionalInterface
    interface IoAction {
        void run() throws IOException;
    }

    static long threadReadChars() throws IOException {
        for (String line : Files.readAllLines(THREAD_IO)) {
            if (line.startsWith("rchar:")) {
                return Long.parseLong(line.substring("rchar:".length()).strip());
            }
        }
        throw new IllegalStateException(THREAD_IO + " has no rchar line");
    }

    static final Path THREAD_IO = Path.of("/proc/thread-self/io");

    @Test
    void theRuntimesEmulationReadsTheFileIntoThePageCacheOnlyWhenItIsNotThere() throws IOException {
        assumeTrue(Files.isReadable(THREAD_IO), "per-thread read counts are Linux's");
        assumeTrue(PageCache.evict(PATTERN.path()), "evicting the file needs native access");
        DeviceEmulator ufs40 = DeviceEmulator.of(UfsPresets.ufs40());
        IoAction open = () -> EmulatedReader.open(PATTERN.path(), 8, ufs40, ReaderKind.POSITIONAL)
                .close();
        assumeFalse(DramReads.cached(PATTERN.path()), "evicting does nothing on this file system (tmpfs)");
        long evicted = bytesReadBy(open);
        long cached = bytesReadBy(open);
        assertTrue(evicted >= FILE_SIZE, "an evicted file is read whole: " + evicted + " bytes");
        assertTrue(cached < FILE_SIZE / 16, "a file in the page cache is not read again: " + cached + " bytes");
        assertTrue(PageCache.evict(PATTERN.path()));
        assertTrue(bytesReadBy(open) >= FILE_SIZE, "evicted again, it is read again");
    }

    @Test
    void aFileThatCannotBeMappedIsWarmedByReadingIt() throws IOException {
        // sysfs gives its files a size but no mmap: whether they are cached cannot be asked
        Path unmappable = Path.of("/sys/devices/system/cpu/online");
        assumeTrue(Files.isReadable(unmappable), "a sysfs file is Linux's");
        assertFalse(DramReads.cached(unmappable));
        assertEquals(Files.readAllBytes(unmappable).length, DramReads.warm(unmappable));
    }

    @Test
    void dramOnlyWhenTheFileTakesAtMostHalfTheAvailableMemory() {
        assertTrue(DramReads.decide(100 << 20, 200L << 20).dram());
        DramReads.Decision big = DramReads.decide((100 << 20) + 1, 200L << 20);
        assertTrue(
                !big.dram()
                        && big.reason().startsWith("from the disk (file of 100.0 MiB, more than half the 200.0 MiB"),
                big.reason());
        // 8,203,823 bytes are 7.82 MiB: the size is rounded to the nearest tenth, not shifted down to 7
        assertTrue(
                DramReads.decide(8_203_823, 200L << 20).reason().contains("file of 7.8 MiB in the page cache"),
                DramReads.decide(8_203_823, 200L << 20).reason());
        DramReads.Decision unknown = DramReads.decide(1, -1);
        assertTrue(!unknown.dram() && unknown.reason().contains("unknown"), unknown.reason());
        assertTrue(DramReads.availableMemoryBytes() != 0);
    }

    @Test
    void completionsAreReportedAtTheirModelledTimesWithTheirBytes() throws IOException {
        DeviceProfile ufs = UfsPresets.ufs40();
        DeviceEmulator device = DeviceEmulator.of(ufs);
        List<Extent> extents =
                stream(SEED + 5, 1, 8, 16, 1000, 30_000).getFirst().extents();
        long[] at = new long[extents.size()];
        try (ExtentReader reader = EmulatedReader.wrap(ReaderKind.POSITIONAL.open(PATTERN.path(), 8), device);
                Arena arena = Arena.ofShared()) {
            List<MemorySegment> targets =
                    extents.stream().map(e -> arena.allocate(e.length())).toList();
            long start = System.nanoTime();
            ReadStats stats = reader.read(extents, targets, i -> {
                at[i] = System.nanoTime();
                Extent e = extents.get(i);
                PATTERN.assertHolds(e, targets.get(i), "seed " + SEED);
            });
            CostLine line = ufs.costModel().lineAt(8);
            double t = 0;
            for (int i = 0; i < extents.size(); i++) {
                t += line.costMicros(extents.get(i).length());
                assertTrue(
                        (at[i] - start) / 1e3 >= t - 1, "extent " + i + " not reported before its modelled completion");
            }
            assertTrue(stats.elapsedNanos() / 1e3 >= t - 1, "the request lasts as long as the model says");
            EmulatedReader.Stats s = ((EmulatedReader) reader).emulationStats();
            assertEquals(1, s.requests());
            assertTrue(reader.kind().startsWith("emulated ufs-4.0 over "), reader.kind());
        }
    }

    @Test
    void aRealReadSlowerThanTheModelShowsAndIsCounted() throws IOException {
        DeviceProfile fast =
                UfsPresets.preset("instant", 1_000_000, 100_000_000, 0.001, "a device faster than any real one");
        try (EmulatedReader reader =
                        EmulatedReader.wrap(ReaderKind.POSITIONAL.open(PATTERN.path(), 1), DeviceEmulator.of(fast));
                Arena arena = Arena.ofShared()) {
            MemorySegment target = arena.allocate(1 << 20);
            for (int i = 0; i < 5; i++) {
                reader.read(new Extent(0, 1 << 20), target);
            }
            EmulatedReader.Stats s = reader.emulationStats();
            assertEquals(5, s.requests());
            assertTrue(s.overrunRequests() >= 4 && s.overrunNanos() > 0, "copying 1 MiB takes longer than 1 us: " + s);
        }
    }

    /**
     * A profile valid for planning but slower than any device is refused for emulation, naming the
     * depth and the times: emulated, its reads slept for minutes each, a run that looked hung.
     */
    @Test
    void aProfileSlowerThanAnyDeviceIsRefusedForEmulation() {
        DeviceProfile glacial = UfsPresets.preset("glacial", 1000, 100_000, 1e9, "a 1e9 us per read at depth 1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceEmulator.of(glacial));
        assertTrue(
                e.getMessage().contains("queue depth 1") && e.getMessage().contains("4 KiB read would take"),
                e.getMessage());
        assertTrue(e.getMessage().startsWith("device profile glacial: at queue depth 1"), e.getMessage());
        IllegalArgumentException fromFile = assertThrows(
                IllegalArgumentException.class, () -> DeviceEmulator.requireEmulable(glacial, Path.of("hand.json")));
        assertTrue(fromFile.getMessage().startsWith("hand.json: at queue depth 1"), fromFile.getMessage());
        DeviceProfile trickle = UfsPresets.preset("trickle", 0.01, 1, 0, "10 kB/s");
        assertThrows(IllegalArgumentException.class, () -> DeviceEmulator.of(trickle));
        DeviceEmulator.of(UfsPresets.ufs40()); // the presets pass
        DeviceEmulator.requireEmulable(UfsPresets.ufs40(), Path.of("ufs.json"));
    }
}
