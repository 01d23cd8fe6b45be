package dev.ripple.io.reader;

import dev.ripple.io.Extent;
import dev.ripple.io.ExtentBeyondEndOfFileException;
import dev.ripple.io.FileShrankException;
import dev.ripple.io.PlannedReads;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * The checks every reader makes on a request before it issues any I/O, and the failure every
 * reader reports when the file ends before a read does.
 */
final class Requests {
    private Requests() {}

    /**
     * Refuses a request from an interrupted thread, before any I/O, keeping its interrupt status:
     * how a caller that interrupts a generating thread stops it at its next read, whatever the
     * reader (a native read itself is not interruptible, and must not be: see {@link FileSource}).
     */
    static void checkNotInterrupted(Path path, String kind) throws InterruptedIOException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException(path + ": " + kind
                    + " read refused: the calling thread is interrupted (its interrupt status is kept)");
        }
    }

    /**
     * The file ended before a read did: a {@link FileShrankException} when the file at {@code path}
     * is shorter now than the {@code sizeAtOpen} the reader validated the request against, else
     * {@code otherwise}'s exception, which names the read as its reader sees it.
     */
    static IOException endOfFile(Path path, long sizeAtOpen, Supplier<? extends IOException> otherwise) {
        return FileShrankException.explain(path, sizeAtOpen, null)
                .map(IOException.class::cast)
                .orElseGet(otherwise);
    }

    /**
     * Checks that there is one target per extent, that no extent reaches past the end of the file,
     * and that every target is long enough, writable and, when {@code writer} is given, accessible
     * to that thread (a worker that will write it); with {@code writer} null, to the calling thread.
     */
    static void validate(
            Path path, long fileSize, List<Extent> extents, List<MemorySegment> targets, Thread writer, int queueDepth)
            throws IOException {
        if (extents.size() != targets.size()) {
            throw new IllegalArgumentException(path + ": " + extents.size() + " extents but " + targets.size()
                    + " targets; one target per extent is required");
        }
        for (int i = 0; i < extents.size(); i++) {
            Extent e = extents.get(i);
            MemorySegment t = targets.get(i);
            if (e == null || t == null) {
                throw new IllegalArgumentException(path + ": extent or target " + i + " is null");
            }
            if (e.end() > fileSize) {
                throw new ExtentBeyondEndOfFileException(path, e, fileSize);
            }
            if (t.byteSize() < e.length()) {
                throw new IllegalArgumentException(path + ": target " + i + " has " + t.byteSize() + " bytes, extent "
                        + e + " needs " + e.length());
            }
            if (t.isReadOnly()) {
                throw new IllegalArgumentException(path + ": target " + i + " is read-only");
            }
            if (writer != null && !t.isAccessibleBy(writer)) {
                throw new IllegalArgumentException(path + ": target " + i + " belongs to a confined arena; with"
                        + " queue depth " + queueDepth + " targets are written by worker threads and must come"
                        + " from a shared, global or automatic arena");
            }
            if (writer == null && !t.isAccessibleBy(Thread.currentThread())) {
                throw new IllegalArgumentException(path + ": target " + i + " belongs to an arena confined to another"
                        + " thread than the caller's");
            }
        }
    }

    /** Refuses a plan buffer too small for the plan's reads, naming the file. */
    static void requireRoom(Path path, long bytesRead, MemorySegment buffer) {
        if (buffer.byteSize() < bytesRead) {
            throw new IllegalArgumentException(path + ": buffer of " + buffer.byteSize() + " bytes is smaller than the "
                    + bytesRead + " bytes the plan reads");
        }
    }

    /**
     * The checks of {@link #validate} for a plan whose reads all land in {@code buffer}, read on
     * the calling thread: every read inside the file, and the one buffer long enough, writable and
     * the caller's (its reads' targets are slices of it, so checking it checks them all).
     */
    static void validatePlan(Path path, long fileSize, PlannedReads plan, MemorySegment buffer) throws IOException {
        requireRoom(path, plan.bytesRead(), buffer);
        for (int r = 0; r < plan.operations(); r++) {
            if (plan.readOffset(r) + plan.readLength(r) > fileSize) {
                throw new ExtentBeyondEndOfFileException(
                        path, new Extent(plan.readOffset(r), plan.readLength(r)), fileSize);
            }
        }
        if (plan.operations() > 0 && buffer.isReadOnly()) {
            throw new IllegalArgumentException(path + ": the plan's buffer is read-only");
        }
        if (plan.operations() > 0 && !buffer.isAccessibleBy(Thread.currentThread())) {
            throw new IllegalArgumentException(
                    path + ": the plan's buffer belongs to an arena confined to another thread than the caller's");
        }
    }
}
