package dev.ripple.io.reader;

import dev.ripple.io.Extent;
import dev.ripple.io.ExtentReadException;
import dev.ripple.io.ReadStats;
import dev.ripple.io.concurrent.PerThread;
import dev.ripple.io.nativeio.Errno;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * Reads extents with direct I/O through Linux's io_uring, driven from the calling thread alone:
 * up to the queue depth of a request's reads are in flight; completions are reaped as they arrive,
 * each freeing a slot for the next read. No thread per read in flight, unlike {@link DirectReader},
 * whose queue depth costs {@code q − 1} worker threads.
 *
 * <p><b>One submission per read.</b> Each read is handed to the kernel as soon as it is queued
 * ({@code io_uring_enter} with one entry); the last read of a pass rides on the call that waits for
 * the next completion, so at queue depth 1 a read is still one system call. Handing a whole pass to
 * the kernel in one call is cheaper per call but, measured on the development VM (docs/IO.md), it
 * made the device complete reads in the batches they were submitted in: about ten completions per
 * wake-up at depth 32, each batch's slots empty until the thread woke and refilled them, so the
 * queue ran well below its depth (82% of fio's IOPS at depth 32; fio submits one I/O per call by
 * default, {@code iodepth_batch_submit=1}). Submitting each read on its own keeps completions spread
 * out and the queue full. {@code -Dripple.iouring.batchSubmit=true} restores batched submission
 * for comparisons.
 *
 * <p>Like {@link DirectReader}: the file is opened with {@code O_DIRECT} (refused on memory-backed
 * file systems with {@link DirectIoUnsupportedException}), positions and lengths are aligned to
 * {@link DirectReader#ALIGNMENT}, an aligned extent going into a 4 KiB-aligned native target is
 * read straight into it, and {@link ReadStats#bytesRead()} includes the alignment padding. Other
 * extents are read through 4 KiB-aligned bounce buffers: a region of {@code min(q, 32)} 64 KiB
 * slots registered with the kernel ({@code IORING_OP_READ_FIXED}, no page pinning per read), larger
 * ones from a pool. The file is registered as a fixed file.
 *
 * <p><b>Results.</b> A short read is continued from where it stopped; {@code EAGAIN} and
 * {@code EINTR} are retried; any other error throws {@link ExtentReadException} with the extent and
 * the error number, after every other read of the request has completed (they write into the
 * caller's memory). The reader stays usable. {@link #read(List, List, IntConsumer)} reports each
 * extent as soon as its bytes are in place.
 *
 * <p><b>Threads.</b> Each calling thread gets its own ring, created on its first request
 * ({@code IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN} where the kernel has them, else
 * {@code COOP_TASKRUN}, else none); concurrent callers therefore never share a ring or a lock, and a
 * target may be confined to the calling thread. {@link #close()} closes every ring; it must not
 * race with reads. Targets must stay alive until {@code read} returns (the kernel writes them by
 * address).
 *
 * <p><b>Availability.</b> {@link #available()} says whether io_uring works here; {@link #open}
 * throws {@link UringUnavailableException} with the reason when it does not (older kernels,
 * seccomp filters such as Android's, {@code -Dripple.iouring.disabled=true}).
 * {@link ReaderKind#IO_URING} falls back to {@link DirectReader} in that case and says so.
 *
 * <pre>{@code
 * try (ExtentReader reader = ReaderKind.IO_URING.open(path, 32)) {   // io_uring, or direct if unavailable
 *     reader.read(extents, targets, i -> compute(i));                  // each extent as it arrives
 * }
 * }</pre>
 */
public final class UringReader implements ExtentReader, InFlightGauge {

    /** Bytes of one registered bounce slot. */
    static final int SLOT_BYTES = 64 * 1024;

    private static final int MAX_SLOTS = 32;
    /** Longest aligned range one read asks for; longer extents are read in pieces. */
    private static final long MAX_PIECE_BYTES = 64L << 20;
    /** EAGAIN / EINTR retries of one read before giving up. */
    static final int MAX_RETRIES = 1000;
    /**
     * System property: {@code true} hands all reads queued in one pass to the kernel in one
     * {@code io_uring_enter} (the reader's behaviour before 2026-12-06), for comparisons; by default
     * each read is submitted as soon as it is queued (see the class comment).
     */
    public static final String BATCH_SUBMIT_PROPERTY = "ripple.iouring.batchSubmit";

    /** Pooled bounce memory beyond the registered slots, as {@link DirectReader}'s. */
    private static final long MAX_POOLED_BYTES = DirectReader.MAX_POOLED_BYTES;

    /** Fault injection for tests: may rewrite a completion's result before the reader sees it. */
    @FunctionalInterface
    interface Faults {
        Faults NONE = (piece, attempt, requested, result) -> result;

        /**
         * @param piece     index of the read within its request
         * @param attempt   0 for the first submission of that read, then 1, 2, ...
         * @param requested bytes the submission asked for
         * @param result    what the kernel returned (bytes, or -errno)
         * @return the result the reader should see
         */
        int rewrite(int piece, int attempt, int requested, int result);
    }

    private final Path path;
    private final long fileSize;
    private final int queueDepth;
    private final UringSyscalls sys;
    private final int fd;
    private final Faults faults;
    private final boolean submitEach = !Boolean.getBoolean(BATCH_SUBMIT_PROPERTY);
    private final AlignedBufferPool bounce = new AlignedBufferPool(DirectReader.ALIGNMENT, MAX_POOLED_BYTES);
    /** Each calling thread's ring: see {@link #ring()}. */
    private final PerThread<Ring> rings = PerThread.of(this::newRing, Ring::close);

    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger peakInFlight = new AtomicInteger();
    private final AtomicLong enterCalls = new AtomicLong();

    private UringReader(Path path, long fileSize, int queueDepth, UringSyscalls sys, int fd, Faults faults) {
        this.path = path;
        this.fileSize = fileSize;
        this.queueDepth = queueDepth;
        this.sys = sys;
        this.fd = fd;
        this.faults = faults;
    }

    /** True if io_uring can be used on this machine (bound and probed once). */
    public static boolean available() {
        return UringSyscalls.get().isPresent();
    }

    /** Why io_uring cannot be used here, or empty when it can. */
    public static Optional<String> unavailableReason() {
        return UringSyscalls.unavailableReason();
    }

    /**
     * Opens {@code path} for direct reads through io_uring with up to {@code queueDepth} reads of a
     * request in flight.
     *
     * @throws UringUnavailableException    if io_uring cannot be used here (the reason is in the message)
     * @throws DirectIoUnsupportedException if the file system refuses O_DIRECT or is memory-backed
     */
    public static UringReader open(Path path, int queueDepth) throws IOException {
        UringSyscalls sys = UringSyscalls.get()
                .orElseThrow(() -> new UringUnavailableException(
                        path, UringSyscalls.unavailableReason().orElse("unknown reason")));
        return open(path, queueDepth, sys, Faults.NONE);
    }

    /** Opens with given system calls and fault injection: the tests' entry. */
    static UringReader open(Path path, int queueDepth, UringSyscalls sys, Faults faults) throws IOException {
        if (queueDepth < 1 || queueDepth > 4096) {
            throw new IllegalArgumentException(path + ": queue depth must be in 1..4096, got " + queueDepth);
        }
        // The same refusals as the thread-pool direct reader: memory-backed file systems, no O_DIRECT.
        DirectReader.refuseMemoryBacked(path);
        int fd = sys.openDirect(path);
        if (fd < 0) {
            throw NativeFile.openFailure(path, true, -fd);
        }
        try {
            long size = sys.size(fd); // the descriptor's own, as NativeFile takes it
            if (size < 0) {
                throw new IOException(path + ": its size could not be read: " + Errno.describe((int) -size));
            }
            return new UringReader(path, size, queueDepth, sys, fd, faults);
        } catch (IOException | RuntimeException e) {
            sys.close(fd);
            throw e;
        }
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public long fileSize() {
        return fileSize;
    }

    @Override
    public int queueDepth() {
        return queueDepth;
    }

    @Override
    public String kind() {
        return ReaderKind.IO_URING.cliName();
    }

    @Override
    public String describe() {
        Ring r = rings.peek().orElse(null);
        String detail = r == null
                ? ""
                : ", registered buffers " + (r.buffersRegistered() ? "yes" : "refused") + ", fixed file "
                        + (r.fileRegistered() ? "yes" : "no") + ", setup flags 0x"
                        + Integer.toHexString(r.setupFlags());
        return "io_uring reader of " + path + " (" + fileSize + " bytes, queue depth " + queueDepth + ", O_DIRECT"
                + detail + ")";
    }

    @Override
    public int peakInFlight() {
        return peakInFlight.get();
    }

    /** io_uring_enter calls made so far by all rings of this reader (submissions and waits together). */
    public long systemCalls() {
        return enterCalls.get();
    }

    /** Open rings in this JVM, over all io_uring readers (for leak tests). */
    static int liveRings() {
        return Ring.live();
    }

    /** Registered bounce-buffer bytes of open rings in this JVM (for leak tests). */
    static long liveRegisteredBytes() {
        return Ring.liveRegisteredBytes();
    }

    /**
     * The calling thread's ring, made on its first read. A ring (a kernel ring, registered buffers
     * of up to {@code MAX_SLOTS × SLOT_BYTES}) serves the thread that made it; {@link #rings} hands
     * a common-pool worker its own ring back after the pool cleared its thread-locals, and closes
     * the rings of threads that have ended as new threads make theirs (when, {@link PerThread}
     * says), so a thread per request leaves a bounded number of rings open (one, if no other thread
     * reads), not one per thread it ran. An ended thread's ring has nothing in flight (a read waits
     * for its completions or discards its ring).
     */
    private Ring ring() throws IOException {
        try {
            return rings.get();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (IllegalStateException e) {
            if (closed.get()) { // closed since this read began: no ring is made for it
                throw new IOException(path + ": io_uring reader is closed", e);
            }
            throw e;
        }
    }

    private Ring newRing() {
        int slots = Math.min(queueDepth, MAX_SLOTS);
        try {
            return Ring.create(sys, queueDepth, fd, (long) slots * SLOT_BYTES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Gives up a ring whose io_uring_enter failed with reads it could not wait for. */
    private void discard(Ring r) {
        if (!rings.discard(r)) { // the reader closed, and closes or closed it too: Ring.close is idempotent
            r.close();
        }
    }

    @Override
    public ReadStats read(List<Extent> extents, List<MemorySegment> targets) throws IOException {
        return read(extents, targets, null);
    }

    @Override
    public ReadStats read(List<Extent> extents, List<MemorySegment> targets, IntConsumer completed) throws IOException {
        if (closed.get()) {
            throw new IOException(path + ": io_uring reader is closed");
        }
        Requests.checkNotInterrupted(path, kind());
        Requests.validate(path, fileSize, extents, targets, null, queueDepth);
        if (extents.isEmpty()) {
            return ReadStats.EMPTY;
        }
        long start = System.nanoTime();
        Ring ring = ring();
        long callsBefore = ring.enterCalls();
        Request request = new Request(ring, extents, targets, completed);
        try {
            request.run();
        } finally {
            enterCalls.addAndGet(ring.enterCalls() - callsBefore);
            Reference.reachabilityFence(targets);
        }
        long requested = 0;
        for (Extent e : extents) {
            requested += e.length();
        }
        return new ReadStats(
                extents.size(), request.operations, requested, request.bytesRead, System.nanoTime() - start);
    }

    /** One request on one ring: its reads ("pieces"), their buffers and progress. */
    private final class Request implements Ring.Completion {
        private static final int ZERO_COPY = 0;
        private static final int SLOT = 1;
        private static final int POOLED = 2;

        private final Ring ring;
        private final List<Extent> extents;
        private final List<MemorySegment> targets;
        private final IntConsumer completed;
        private final int pieces;
        private final int[] extentOf;
        private final long[] from; // first wanted file byte of the piece
        private final long[] to; // end of the wanted bytes
        private final long[] alignedStart;
        private final long[] span; // aligned bytes asked for
        private final long[] done; // bytes of the span read so far
        private final int[] attempts;
        private final int[] mode;
        private final MemorySegment[] into; // where the span lands: target slice, slot or pooled buffer
        private final MemorySegment[] pooled;
        private final int generation;
        private RuntimeException callbackFailure;
        private final int[] piecesLeft; // per extent
        private final boolean[] freeSlot;
        private int[] retry = new int[8];
        private int retryHead;
        private int retryTail;
        private int next;
        private int inFlight;
        private int finished;
        private IOException failure;
        long operations;
        long bytesRead;

        Request(Ring ring, List<Extent> extents, List<MemorySegment> targets, IntConsumer completed) {
            this.ring = ring;
            this.extents = extents;
            this.targets = targets;
            this.completed = completed;
            int count = 0;
            for (Extent e : extents) {
                count += pieceCount(e);
            }
            pieces = count;
            extentOf = new int[count];
            from = new long[count];
            to = new long[count];
            alignedStart = new long[count];
            span = new long[count];
            done = new long[count];
            attempts = new int[count];
            mode = new int[count];
            into = new MemorySegment[count];
            pooled = new MemorySegment[count];
            generation = ring.nextGeneration();
            piecesLeft = new int[extents.size()];
            MemorySegment slots = ring.buffers();
            freeSlot = new boolean[(int) (slots.byteSize() / SLOT_BYTES)];
            Arrays.fill(freeSlot, true);
            int p = 0;
            for (int i = 0; i < extents.size(); i++) {
                Extent e = extents.get(i);
                long pos = e.offset();
                while (pos < e.end()) {
                    long end = Math.min(e.end(), alignDown(pos) + MAX_PIECE_BYTES);
                    extentOf[p] = i;
                    from[p] = pos;
                    to[p] = end;
                    alignedStart[p] = alignDown(pos);
                    span[p] = alignUp(end) - alignedStart[p];
                    piecesLeft[i]++;
                    p++;
                    pos = end;
                }
            }
        }

        private static int pieceCount(Extent e) {
            int n = 0;
            for (long pos = e.offset(); pos < e.end(); pos = Math.min(e.end(), alignDown(pos) + MAX_PIECE_BYTES)) {
                n++;
            }
            return n;
        }

        void run() throws IOException {
            try {
                while (finished < pieces && (failure == null || inFlight > 0)) {
                    while (failure == null && inFlight < queueDepth && (retryHead != retryTail || next < pieces)) {
                        if (submitEach) {
                            ring.submit(0); // the read queued before this one goes to the device now
                        }
                        boolean fromRetry = retryHead != retryTail;
                        if (!issue(fromRetry ? retry[retryHead] : next)) {
                            break; // the submission ring is full: submit first
                        }
                        if (fromRetry) {
                            retryHead++;
                        } else {
                            next++;
                        }
                    }
                    peakInFlight.accumulateAndGet(inFlight, Math::max);
                    if (inFlight == 0) {
                        break; // a failure stopped issuing and nothing is left in flight
                    }
                    ring.submit(1); // the last read queued, and the wait for the next completion
                    ring.reap(this);
                }
            } catch (IOException | RuntimeException e) {
                // io_uring_enter itself failed: wait for what is in flight (it writes into the
                // caller's memory), then give the ring up if that did not work.
                if (!drainAfterFailure()) {
                    discard(ring);
                }
                releaseAll();
                throw e;
            }
            releaseAll();
            if (callbackFailure != null) {
                throw callbackFailure;
            }
            if (failure != null) {
                throw failure;
            }
        }

        /** Waits for reads still in flight after enter failed; false if they could not be waited for. */
        private boolean drainAfterFailure() {
            for (int tries = 0; inFlight > 0 && tries < 10_000; tries++) {
                try {
                    ring.submit(1);
                } catch (IOException again) {
                    Thread.onSpinWait();
                }
                ring.reap(this);
            }
            return inFlight == 0;
        }

        /** Queues piece {@code p} (or its remainder after a short read); false if the ring is full. */
        private boolean issue(int p) {
            long offset = alignedStart[p] + done[p];
            long length = span[p] - done[p];
            long address;
            boolean fixed = false;
            if (into[p] == null) {
                chooseBuffer(p);
            }
            address = into[p].address() + done[p];
            fixed = mode[p] == SLOT;
            if (!ring.prepareRead(offset, address, (int) length, fixed, ((long) generation << 32) | p)) {
                return false;
            }
            inFlight++;
            operations++;
            return true;
        }

        private void chooseBuffer(int p) {
            int i = extentOf[p];
            MemorySegment target = targets.get(i);
            long targetOffset = from[p] - extents.get(i).offset();
            boolean aligned = alignedStart[p] == from[p] && alignUp(to[p]) == to[p];
            if (aligned && target.isNative() && (target.address() + targetOffset) % DirectReader.ALIGNMENT == 0) {
                mode[p] = ZERO_COPY;
                into[p] = target.asSlice(targetOffset, span[p]);
                return;
            }
            if (span[p] <= SLOT_BYTES) {
                for (int s = 0; s < freeSlot.length; s++) {
                    if (freeSlot[s]) {
                        freeSlot[s] = false;
                        mode[p] = SLOT;
                        into[p] = ring.buffers().asSlice((long) s * SLOT_BYTES, span[p]);
                        return;
                    }
                }
            }
            mode[p] = POOLED;
            pooled[p] = bounce.take(span[p]);
            into[p] = pooled[p].asSlice(0, span[p]);
        }

        @Override
        public void complete(long userData, int result) {
            int p = (int) userData;
            if ((int) (userData >>> 32) != generation || p < 0 || p >= pieces || into[p] == null) {
                return; // a completion of an earlier request of this ring (only after a failed io_uring_enter)
            }
            inFlight--;
            int requested = (int) (span[p] - done[p]);
            int res = faults.rewrite(p, attempts[p]++, requested, result);
            Extent extent = extents.get(extentOf[p]);
            long needed = to[p] - alignedStart[p];
            if (res == -Errno.EAGAIN || res == -Errno.EINTR) {
                if (attempts[p] > MAX_RETRIES) {
                    fail(new ExtentReadException(
                            path,
                            extent,
                            -res,
                            Errno.name(-res),
                            done[p],
                            "read still refused after " + MAX_RETRIES + " retries"));
                } else {
                    requeue(p);
                }
                return;
            }
            if (res < 0) {
                fail(new ExtentReadException(path, extent, -res, Errno.name(-res), done[p], "io_uring read failed"));
                return;
            }
            done[p] += res;
            bytesRead += res;
            if (done[p] >= needed) {
                finish(p);
            } else if (res == 0) {
                long got = done[p];
                fail(Requests.endOfFile(
                        path,
                        fileSize,
                        () -> new ExtentReadException(
                                path, extent, 0, "end of file", got, "unexpected end of file (did the file shrink?)")));
            } else if (done[p] % DirectReader.ALIGNMENT != 0) {
                fail(new ExtentReadException(
                        path,
                        extent,
                        0,
                        "short unaligned read",
                        done[p],
                        "short unaligned direct read (" + done[p] + " of " + needed + " bytes)"));
            } else {
                requeue(p); // a short read: the rest of the span goes in again
            }
        }

        private void requeue(int p) {
            if (failure != null) {
                return;
            }
            if (retryTail == retry.length) {
                int live = retryTail - retryHead;
                int[] grown = live * 2 >= retry.length ? new int[retry.length * 2] : retry;
                System.arraycopy(retry, retryHead, grown, 0, live);
                retry = grown;
                retryHead = 0;
                retryTail = live;
            }
            retry[retryTail++] = p;
        }

        private void fail(IOException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }

        private void finish(int p) {
            int i = extentOf[p];
            if (mode[p] != ZERO_COPY) {
                MemorySegment.copy(
                        into[p],
                        from[p] - alignedStart[p],
                        targets.get(i),
                        from[p] - extents.get(i).offset(),
                        to[p] - from[p]);
                release(p);
            }
            finished++;
            if (--piecesLeft[i] == 0 && completed != null && failure == null && callbackFailure == null) {
                try {
                    completed.accept(i);
                } catch (RuntimeException | Error e) {
                    callbackFailure = e instanceof RuntimeException re ? re : new IllegalStateException(e);
                    fail(new IOException(path + ": the completion callback failed", e));
                }
            }
        }

        private void release(int p) {
            if (mode[p] == SLOT) {
                freeSlot[(int) ((into[p].address() - ring.buffers().address()) / SLOT_BYTES)] = true;
            } else if (mode[p] == POOLED) {
                bounce.give(pooled[p]);
                pooled[p] = null;
            }
            mode[p] = ZERO_COPY; // released: never copied or returned twice
        }

        private void releaseAll() {
            for (int p = 0; p < pieces; p++) {
                if (into[p] != null && mode[p] != ZERO_COPY) {
                    release(p);
                }
            }
        }
    }

    private static long alignDown(long x) {
        return x & -(long) DirectReader.ALIGNMENT;
    }

    private static long alignUp(long x) {
        return (x + DirectReader.ALIGNMENT - 1) & -(long) DirectReader.ALIGNMENT;
    }

    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            rings.close();
        } finally {
            bounce.clear();
            int rc = sys.close(fd);
            if (rc < 0) {
                throw new IOException(path + ": close failed: " + Errno.describe(-rc));
            }
        }
    }
}
