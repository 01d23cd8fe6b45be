package dev.ripple.io.device;

import dev.ripple.io.Extent;
import dev.ripple.io.ReadStats;
import dev.ripple.io.concurrent.PerThread;
import dev.ripple.io.reader.ExtentReader;
import dev.ripple.io.reader.ReaderFactory;
import dev.ripple.io.reader.ReaderKind;
import dev.ripple.io.reader.ReaderRan;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * A reader that makes every request take the time an emulated device gives it: the real reader
 * reads the bytes (so data, errors and CPU costs are real), and the request completes at the later
 * of the real completion and the modelled one ({@link DeviceEmulator}). Where this machine's
 * storage is faster than the emulated device — the usual case, and always on this project's
 * host-cached VM — every figure above the reader (I/O time, cache, compute and their overlap)
 * then behaves as on that device. Where a real read takes longer than the device's time for its
 * request, it sets the pace instead: this machine's storage shows in the figures, and
 * {@link #emulationStats()} counts those requests and the time by which they overran (the host's
 * late wake-ups are credited, not counted: below).
 *
 * <p>Waiting for a modelled completion sleeps, then spins for the last tens of microseconds; a
 * thread the host wakes late (a shared machine's scheduler) has the delay credited to its next
 * requests (each taken to have reached the device up to its own modelled time earlier), so host
 * delays do not accumulate over a stream of requests. A real read that overruns the model is never
 * credited. Only the wait for a request's modelled end is credited: a caller computing on bundles
 * in its completion callback is late by its own choice.
 *
 * <p>With {@link #read(List, List, IntConsumer)} each extent is reported when both its real bytes
 * are in place and its modelled completion time has come, so a caller computing on bundles as they
 * arrive sees the device's completion order and spacing.
 *
 * <p>{@link #open} serves the real reads from DRAM when the file fits in memory, so the emulated
 * device alone sets the pace (docs/DEVICES.md); {@link #wrap} keeps whatever reader it is given.
 *
 * <pre>{@code
 * ExtentReader phone = EmulatedReader.wrap(ReaderKind.IO_URING.open(path, 32),
 *         DeviceEmulator.of(DevicePresets.resolve("ufs-4.0")));
 * }</pre>
 */
public final class EmulatedReader implements ExtentReader {

    /**
     * How the emulation went so far.
     *
     * @param requests         requests served
     * @param modelledNanos    device time of all requests, from issue to the modelled last completion
     *                         (queueing behind other callers' requests included)
     * @param overrunRequests  requests whose real read took longer than the device's time for them
     * @param overrunNanos     time by which real reads overran the device's, summed: the real storage
     *                         leaking into the emulated figures. The host's late wake-ups are not in
     *                         it: a request issued late is credited so (the device's time is taken to
     *                         start that much earlier), and its real read is measured from its own
     *                         start, less the time spent in paced waits and the caller's completion
     *                         callbacks
     */
    public record Stats(long requests, long modelledNanos, long overrunRequests, long overrunNanos) {
        /** Share of requests in which the real storage was slower than the emulated device. */
        public double overrunShare() {
            return requests == 0 ? 0 : (double) overrunRequests / requests;
        }
    }

    /**
     * The time the emulation paces by: {@link System#nanoTime()} and {@link Pacer}'s waits. Tests put
     * a simulated one in its place to check the pacing apart from how late this host wakes threads.
     */
    interface Clock {
        Clock SYSTEM = new Clock() {
            @Override
            public long now() {
                return System.nanoTime();
            }

            @Override
            public long waitUntil(long deadline) {
                return Pacer.waitUntil(deadline);
            }
        };

        long now();

        /** As {@link Pacer#waitUntil}: how late it returned, ns, or 0 if the deadline had passed. */
        long waitUntil(long deadline);
    }

    private final ExtentReader inner;
    private final DeviceEmulator device;
    private final int queueDepth;
    private final String realReads;
    private final boolean fromDram;
    private final Clock clock;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong modelled = new AtomicLong();
    private final AtomicLong overrunRequests = new AtomicLong();
    private final AtomicLong overrun = new AtomicLong();
    private static final int LATE = 0;
    private static final int PREVIOUS_END = 1;
    /**
     * Per calling thread: the host's lateness not yet credited, and its last request's modelled end.
     * A {@link PerThread}: a thread-local lost both on a common-pool worker at every idle gap.
     */
    private final PerThread<long[]> pacing = PerThread.of(() -> new long[] {0, Long.MIN_VALUE});

    private EmulatedReader(
            ExtentReader inner,
            DeviceEmulator device,
            int queueDepth,
            String realReads,
            boolean fromDram,
            Clock clock) {
        this.inner = inner;
        this.fromDram = fromDram;
        this.device = device;
        this.queueDepth = queueDepth;
        this.realReads = realReads;
        this.clock = clock;
    }

    /**
     * The emulation the runtime uses: {@code device} at {@code queueDepth}, with the real reads served
     * from DRAM when the file fits ({@link DramReads}: brought into the page cache unless it is there
     * already, then read through it by as many threads as there are processors), so that this
     * machine's disk, whose times vary from run to run and can be slower than the emulated device for
     * large reads, does not leak into the emulated figures; otherwise by {@code onDisk}, and
     * {@link #realReads()} says why. For a reader of the caller's own, {@link #wrap} it instead.
     */
    public static EmulatedReader open(Path path, int queueDepth, DeviceEmulator device, ReaderFactory onDisk)
            throws IOException {
        DramReads.Decision d = DramReads.decide(path);
        if (d.dram()) {
            DramReads.warm(path);
            ExtentReader dram = DramReads.open(path, queueDepth);
            return new EmulatedReader(dram, device, queueDepth, d.reason(), true, Clock.SYSTEM);
        }
        return new EmulatedReader(onDisk.open(path, queueDepth), device, queueDepth, d.reason(), false, Clock.SYSTEM);
    }

    /**
     * Whether {@link #open} would serve {@code path}'s real reads from DRAM rather than by its disk
     * reader: a benchmark that evicts a file between passes must still do so when the disk reader
     * keeps the reads, or later passes would find the file warm.
     */
    public static boolean readsFromDram(Path path) throws IOException {
        return DramReads.decide(path).dram();
    }

    /**
     * {@code inner}'s reads, timed as on {@code device} at {@code inner}'s queue depth; closing this
     * closes {@code inner}.
     */
    public static EmulatedReader wrap(ExtentReader inner, DeviceEmulator device) {
        return wrap(inner, device, inner.queueDepth(), Clock.SYSTEM);
    }

    /**
     * As {@link #wrap(ExtentReader, DeviceEmulator)}, but the device sees {@code queueDepth} reads
     * in flight whatever depth {@code inner} keeps, so the emulated figures depend on the device and
     * the depth alone, not on how the reader that makes the real reads was built (one that clamps its
     * depth, or a test's that reads one extent at a time).
     */
    public static EmulatedReader wrap(ExtentReader inner, DeviceEmulator device, int queueDepth) {
        return wrap(inner, device, queueDepth, Clock.SYSTEM);
    }

    /** As {@link #wrap(ExtentReader, DeviceEmulator, int)}, paced by {@code clock}. */
    static EmulatedReader wrap(ExtentReader inner, DeviceEmulator device, int queueDepth, Clock clock) {
        return new EmulatedReader(inner, device, queueDepth, "by " + inner.kind(), false, clock);
    }

    public DeviceEmulator device() {
        return device;
    }

    /** The reader that does the real reads. */
    public ExtentReader inner() {
        return inner;
    }

    /**
     * Where the real reads come from, for reports: {@code "from DRAM (...)"} when served from the
     * page cache, {@code "from the disk (...)"} with the reason otherwise, {@code "by <kind>"} for a
     * wrapped reader.
     */
    public String realReads() {
        return realReads;
    }

    /**
     * Whether {@link #open} served the real reads from DRAM, by {@link ReaderRan#DRAM_READER} in place
     * of the disk reader asked for: what reports must name as the reader that ran ({@link ReaderRan#of(ReaderKind,
     * boolean)}).
     */
    public boolean fromDram() {
        return fromDram;
    }

    public Stats emulationStats() {
        return new Stats(requests.get(), modelled.get(), overrunRequests.get(), overrun.get());
    }

    @Override
    public Path path() {
        return inner.path();
    }

    @Override
    public long fileSize() {
        return inner.fileSize();
    }

    @Override
    public int queueDepth() {
        return queueDepth;
    }

    @Override
    public ReadStats read(List<Extent> extents, List<MemorySegment> targets) throws IOException {
        return read(extents, targets, null);
    }

    @Override
    public ReadStats read(List<Extent> extents, List<MemorySegment> targets, IntConsumer completed) throws IOException {
        int k = extents.size();
        if (k == 0) {
            return inner.read(extents, targets);
        }
        // The inner reader's refusals (an interrupted caller, a closed reader), had on an empty request
        // before the device is booked: refused after, the device's time would go to a read that never
        // happened, and other callers would wait for it.
        inner.read(List.of(), List.of());
        long[] bytes = new long[k];
        for (int i = 0; i < k; i++) {
            bytes[i] = extents.get(i).length();
        }
        long[] done = new long[k];
        long start = clock.now();
        long[] thread = pacing.get();
        // the host woke this thread late after its previous request: the device would have been
        // asked that much earlier, so the lateness does not pile up over a stream of requests
        long credit = Math.min(thread[LATE], (long) (device.requestMicros(bytes, k, queueDepth) * 1000));
        thread[LATE] -= credit;
        long issued = Math.max(thread[PREVIOUS_END], start - credit);
        long end = device.schedule(issued, bytes, k, queueDepth, done);
        Reporter reporter = completed == null ? null : new Reporter(done, end, completed);
        ReadStats real = reporter == null ? inner.read(extents, targets) : inner.read(extents, targets, reporter);
        long realNanos = clock.now() - start - (reporter == null ? 0 : reporter.outside);
        thread[LATE] += clock.waitUntil(end) + (reporter == null ? 0 : reporter.lateAtEnd);
        thread[PREVIOUS_END] = end;
        requests.incrementAndGet();
        long deviceNanos = end - issued;
        modelled.addAndGet(deviceNanos);
        long over = realNanos - deviceNanos;
        if (over > 0) {
            overrunRequests.incrementAndGet();
            overrun.addAndGet(over);
        }
        return new ReadStats(
                real.extents(), real.operations(), real.bytesRequested(), real.bytesRead(), clock.now() - start);
    }

    /**
     * Reports each extent to the caller at its modelled completion, on the calling thread (as
     * {@link ExtentReader#read(List, List, IntConsumer)} does), and keeps the time that is not the
     * real read's.
     */
    private final class Reporter implements IntConsumer {
        private final long[] done;
        private final long end;
        private final IntConsumer completed;
        /** Time spent in the paced waits and the caller's callback, ns. */
        long outside;
        /** How late the wait for the request's modelled end returned, ns (0 if it did not wait). */
        long lateAtEnd;

        Reporter(long[] done, long end, IntConsumer completed) {
            this.done = done;
            this.end = end;
            this.completed = completed;
        }

        @Override
        public void accept(int i) {
            long from = clock.now();
            long late = clock.waitUntil(done[i]);
            if (done[i] == end) {
                lateAtEnd += late;
            }
            completed.accept(i);
            outside += clock.now() - from;
        }
    }

    @Override
    public String kind() {
        return "emulated " + device.profile().name() + " over " + inner.kind();
    }

    @Override
    public String describe() {
        return device.describe() + ", real reads " + realReads + ": " + inner.describe();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
