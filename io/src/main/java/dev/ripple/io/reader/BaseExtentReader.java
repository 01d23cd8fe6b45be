package dev.ripple.io.reader;

import dev.ripple.io.Extent;
import dev.ripple.io.PlannedReads;
import dev.ripple.io.ReadStats;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every reader shares: validation of a request against the file, the dispatch of its extents
 * over the caller plus {@code queueDepth - 1} worker threads, and the counting of operations and
 * bytes. Subclasses only say how one extent is read.
 */
abstract class BaseExtentReader implements ExtentReader, InFlightGauge {

    /** Per-thread counters of one request, summed when the request completes. */
    static final class Tally {
        long operations;
        long bytesRead;
    }

    private final Path path;
    private final long fileSize;
    private final int queueDepth;
    private final ThreadPoolExecutor workers;
    private final Thread aWorker;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();

    BaseExtentReader(Path path, long fileSize, int queueDepth) {
        if (queueDepth < 1) {
            throw new IllegalArgumentException(path + ": queue depth must be >= 1, got " + queueDepth);
        }
        this.path = path;
        this.fileSize = fileSize;
        this.queueDepth = queueDepth;
        if (queueDepth == 1) {
            this.workers = null;
            this.aWorker = null;
        } else {
            AtomicInteger n = new AtomicInteger();
            List<Thread> created = new ArrayList<>();
            this.workers = new ThreadPoolExecutor(
                    queueDepth - 1, queueDepth - 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                        Thread t = new Thread(r, "ripple-io-" + path.getFileName() + "-" + n.incrementAndGet());
                        t.setDaemon(true);
                        synchronized (created) {
                            created.add(t);
                        }
                        return t;
                    });
            workers.prestartAllCoreThreads();
            synchronized (created) {
                this.aWorker = created.getFirst();
            }
        }
    }

    /** Reads {@code extent} (already validated) into the start of {@code target}, counting into {@code tally}. */
    abstract void readOne(Extent extent, MemorySegment target, Tally tally) throws IOException;

    /** Releases the subclass's resources; called once, after the workers stopped. */
    abstract void closeResources() throws IOException;

    @Override
    public abstract String kind();

    @Override
    public final Path path() {
        return path;
    }

    @Override
    public final long fileSize() {
        return fileSize;
    }

    @Override
    public final int queueDepth() {
        return queueDepth;
    }

    @Override
    public String describe() {
        return kind() + " reader of " + path + " (" + fileSize + " bytes, queue depth " + queueDepth + ")";
    }

    @Override
    public ReadStats read(List<Extent> extents, List<MemorySegment> targets) throws IOException {
        ensureOpen();
        validate(extents, targets);
        int count = extents.size();
        if (count == 0) {
            return ReadStats.EMPTY;
        }
        long requested = 0;
        for (Extent e : extents) {
            requested += e.length();
        }
        long start = System.nanoTime();
        Tally total;
        if (workers == null || count == 1) {
            total = new Tally();
            for (int i = 0; i < count; i++) {
                readCounted(extents.get(i), targets.get(i), total);
            }
        } else {
            total = readParallel(extents, targets);
        }
        long elapsed = System.nanoTime() - start;
        return new ReadStats(count, total.operations, requested, total.bytesRead, elapsed);
    }

    /**
     * As {@link ExtentReader#read(PlannedReads, MemorySegment)}; a request that runs on the calling
     * thread (queue depth 1, or a single read, as a layer's dense bundles are) reads straight from
     * the plan's numbers, without the lists of reads and targets the general path is given: a
     * decode step makes such a request per layer and token.
     */
    @Override
    public ReadStats read(PlannedReads plan, MemorySegment buffer) throws IOException {
        int count = plan.operations();
        if (workers != null && count > 1) {
            return ExtentReader.super.read(plan, buffer);
        }
        ensureOpen();
        Requests.validatePlan(path, fileSize, plan, buffer);
        if (count == 0) {
            return ReadStats.EMPTY;
        }
        long start = System.nanoTime();
        Tally total = new Tally();
        for (int r = 0; r < count; r++) {
            long length = plan.readLength(r);
            readCounted(
                    new Extent(plan.readOffset(r), length), buffer.asSlice(plan.readBufferOffset(r), length), total);
        }
        long elapsed = System.nanoTime() - start;
        return new ReadStats(count, total.operations, plan.bytesRead(), total.bytesRead, elapsed);
    }

    /** Refuses a request to a closed reader, or from an interrupted thread. */
    private void ensureOpen() throws IOException {
        if (closed.get()) {
            throw new IOException(path + ": " + kind() + " reader is closed");
        }
        Requests.checkNotInterrupted(path, kind());
    }

    private Tally readParallel(List<Extent> extents, List<MemorySegment> targets) throws IOException {
        int count = extents.size();
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean failed = new AtomicBoolean();
        int helpers = Math.min(queueDepth, count) - 1;
        List<Future<Tally>> futures = new ArrayList<>(helpers);
        for (int h = 0; h < helpers; h++) {
            futures.add(workers.submit(() -> drain(extents, targets, next, failed)));
        }
        Tally total = new Tally();
        Throwable failure = null;
        try {
            Tally mine = drain(extents, targets, next, failed);
            total.operations += mine.operations;
            total.bytesRead += mine.bytesRead;
        } catch (IOException | RuntimeException | Error e) {
            // an Error too: a fault on a mapped file that shrank is an InternalError, which
            // MmapReader turns into a recoverable FileShrankException, so the helpers must be
            // waited for here
            failed.set(true);
            failure = e;
        }
        boolean interrupted = false;
        // Wait for every helper even after a failure or an interrupt: they write into the caller's
        // targets, which the caller may free as soon as this method returns.
        for (Future<Tally> f : futures) {
            while (true) {
                try {
                    Tally t = f.get();
                    total.operations += t.operations;
                    total.bytesRead += t.bytesRead;
                    break;
                } catch (InterruptedException ie) {
                    interrupted = true;
                    failed.set(true);
                } catch (ExecutionException ee) {
                    failed.set(true);
                    failure = merge(failure, ee.getCause());
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            InterruptedIOException ie = new InterruptedIOException(path + ": read interrupted");
            if (failure != null) {
                ie.addSuppressed(failure);
            }
            throw ie;
        }
        if (failure != null) {
            switch (failure) {
                case IOException io -> throw io;
                case UncheckedIOException uio -> throw uio.getCause();
                case RuntimeException re -> throw re;
                case Error err -> throw err;
                default -> throw new IOException(path + ": read failed", failure);
            }
        }
        return total;
    }

    private static Throwable merge(Throwable first, Throwable next) {
        if (first == null) {
            return next;
        }
        if (first != next) {
            first.addSuppressed(next);
        }
        return first;
    }

    private Tally drain(List<Extent> extents, List<MemorySegment> targets, AtomicInteger next, AtomicBoolean failed)
            throws IOException {
        Tally tally = new Tally();
        int count = extents.size();
        for (int i = next.getAndIncrement(); i < count && !failed.get(); i = next.getAndIncrement()) {
            try {
                readCounted(extents.get(i), targets.get(i), tally);
            } catch (IOException | RuntimeException | Error e) {
                failed.set(true);
                throw e;
            }
        }
        return tally;
    }

    private void readCounted(Extent extent, MemorySegment target, Tally tally) throws IOException {
        int now = inFlight.incrementAndGet();
        peakInFlight.accumulateAndGet(now, Math::max);
        try {
            readOne(extent, target, tally);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /**
     * Most reads this reader ever had in flight at once, over all requests: a check that queue
     * depth means what it says (at most the queue depth per request, more only with concurrent
     * callers).
     */
    @Override
    public int peakInFlight() {
        return peakInFlight.get();
    }

    private void validate(List<Extent> extents, List<MemorySegment> targets) throws IOException {
        Requests.validate(path, fileSize, extents, targets, extents.size() > 1 ? aWorker : null, queueDepth);
    }

    @Override
    public final void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (workers != null) {
            workers.shutdown();
            boolean done = false;
            try {
                done = workers.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!done) {
                workers.shutdownNow();
            }
        }
        closeResources();
    }

    /**
     * The file ended before {@code extent} did: {@link Requests#endOfFile}, else {@link #failure}
     * with {@code what}.
     */
    final IOException endOfFile(Extent extent, String what) {
        return Requests.endOfFile(path, fileSize, () -> failure(extent, what, null));
    }

    /** Wraps a failure of one extent with the file and extent in the message. */
    final IOException failure(Extent extent, String what, Throwable cause) {
        return new IOException(
                path + ": " + what + " reading extent " + extent + " (file size " + fileSize + ")", cause);
    }
}
