package dev.ripple.io.reader;

import dev.ripple.io.Extent;
import dev.ripple.io.PlannedReads;
import dev.ripple.io.ReadPlanBuffer;
import dev.ripple.io.ReadStats;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Reads byte extents of one file into caller-provided memory, several at a time.
 *
 * <p><b>Targets.</b> One {@link MemorySegment} per extent: extent {@code i} is written to bytes
 * {@code [0, extents.get(i).length())} of {@code targets.get(i)}, which must be writable and at
 * least that long. One target per extent was chosen over one destination with per-extent offsets
 * because it keeps the reader free of layout decisions: a caller that wants one destination slices
 * it ({@code dest.asSlice(off, len)}), a cache hands out its slot segments directly, and each
 * target's bounds are checked by the FFM runtime. When the queue depth is above 1 the targets are
 * written from the reader's worker threads, so they must come from a shared, global or automatic
 * arena, not a confined one (checked up front).
 *
 * <p><b>Parallelism.</b> The reader's queue depth bounds how many read operations of one request
 * are in flight. Implementations use the calling thread plus {@code queueDepth - 1} platform
 * worker threads owned by the reader, each taking the next unread extent until none is left.
 * Platform threads, not virtual threads: blocking file reads pin a virtual thread's carrier (the
 * JDK then compensates by adding carriers), so a semaphore over virtual threads adds scheduling
 * work without making the in-flight count any more exact; a fixed set of threads makes "queue
 * depth" mean exactly what {@code fio}'s {@code numjobs} with synchronous reads means. At queue
 * depth 1 no thread is created and the request runs on the caller.
 *
 * <p><b>Errors.</b> Every extent is checked against the file size before any I/O is issued:
 * one that reaches past the end throws {@link dev.ripple.io.ExtentBeyondEndOfFileException};
 * one ending exactly at the end of the file is fine. I/O errors name the file and the extent.
 *
 * <p><b>Threads.</b> Implementations are thread-safe: several threads may call {@code read}
 * concurrently (each request then uses its caller plus the shared workers). {@link #close()} must
 * not race with reads in progress.
 *
 * <p><b>Interrupts.</b> A request from a thread whose interrupt status is set throws
 * {@link java.io.InterruptedIOException} before any I/O and keeps the status — an empty request
 * too, so a reader that wraps another can have it refuse before doing anything of its own; a request in
 * progress when its thread is interrupted either completes or (a parallel request, which waits for
 * its in-flight reads, since they write into the caller's memory) throws the same. Either way the
 * reader stays usable by every thread: no reader reads through an interruptible
 * {@code FileChannel} (the positional and direct readers call {@code pread} on a descriptor of
 * their own), except where native calls are unavailable, as the readers' descriptions say.
 *
 * <pre>{@code
 * try (ExtentReader reader = ReaderKind.DIRECT.open(path, 8);
 *      Arena arena = Arena.ofShared()) {
 *     List<Extent> extents = List.of(new Extent(0, 3076), new Extent(40_000, 9228));
 *     List<MemorySegment> targets = extents.stream().map(e -> arena.allocate(e.length())).toList();
 *     ReadStats stats = reader.read(extents, targets);
 * }
 * }</pre>
 */
public interface ExtentReader extends AutoCloseable {

    /** The file this reader reads. */
    Path path();

    /** Size of the file in bytes, as seen when the reader was opened. */
    long fileSize();

    /** Maximum number of read operations of one request in flight at once. */
    int queueDepth();

    /**
     * Reads each extent into the target of the same index, up to {@link #queueDepth()} at a time,
     * and returns when all are done.
     *
     * @param extents extents to read, in any order; they may overlap
     * @param targets one writable segment per extent, each at least as long as its extent
     * @return what the request cost
     * @throws dev.ripple.io.ExtentBeyondEndOfFileException if an extent ends past the end of the
     *         file (before any I/O is issued)
     * @throws IOException if a read fails; the message names the file and the extent
     * @throws IllegalArgumentException if the lists differ in size or a target is too small,
     *         read-only, or confined to another thread
     */
    ReadStats read(List<Extent> extents, List<MemorySegment> targets) throws IOException;

    /**
     * As {@link #read(List, List)}, and tells {@code completed} the index of each extent as soon as
     * all its bytes are in its target, on the calling thread, so a caller can start computing on the
     * first bundles while the others are still in flight. Every index is reported exactly once
     * before this method returns normally; after a failure, only extents that had arrived were
     * reported. Readers that cannot see completions one by one (the thread-pool readers) report all
     * of them when the whole request is done; the io_uring reader reports them as it reaps them.
     */
    default ReadStats read(List<Extent> extents, List<MemorySegment> targets, IntConsumer completed)
            throws IOException {
        ReadStats stats = read(extents, targets);
        for (int i = 0; i < extents.size(); i++) {
            completed.accept(i);
        }
        return stats;
    }

    /** Reads one extent into {@code target}. */
    default ReadStats read(Extent extent, MemorySegment target) throws IOException {
        return read(List.of(extent), List.of(target));
    }

    /**
     * Executes {@code plan}, a {@link dev.ripple.io.ReadPlan} or a reused {@link ReadPlanBuffer}
     * ({@link dev.ripple.io.ReadPlanner#planInto}): reads its physical reads back to back into
     * {@code buffer}, which must hold at least {@link PlannedReads#bytesRead()} bytes. Needed extent
     * {@code i} is then at {@code plan.bufferOffset(i)} in {@code buffer} ({@code
     * plan.neededSlice(buffer, i)}).
     */
    default ReadStats read(PlannedReads plan, MemorySegment buffer) throws IOException {
        Requests.requireRoom(path(), plan.bytesRead(), buffer);
        int count = plan.operations();
        List<Extent> reads = new ArrayList<>(count);
        List<MemorySegment> targets = new ArrayList<>(count);
        for (int r = 0; r < count; r++) {
            reads.add(new Extent(plan.readOffset(r), plan.readLength(r)));
            targets.add(buffer.asSlice(plan.readBufferOffset(r), plan.readLength(r)));
        }
        return read(reads, targets);
    }

    /** What this reader is, for reports: kind, file, queue depth. */
    String describe();

    /**
     * The implementation that serves the reads, for reports that must say which reader ran: the
     * readers the {@code ripple} command offers give its name for them ({@link ReaderKind#cliName()}:
     * {@code direct}, {@code io_uring}, {@code pread}, {@code mmap}), a reader wrapping another names
     * both ({@code EmulatedReader}: "emulated ufs-4.0 over pread"), and any other implementation (a
     * test's fault-injecting reader) has its class's simple name by default. Details such as the mmap
     * reader's madvise mode are in {@link #describe()}, so one reader has one name in every report.
     */
    default String kind() {
        return getClass().getSimpleName();
    }

    @Override
    void close() throws IOException;
}
