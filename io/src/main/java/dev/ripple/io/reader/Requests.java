package dev.ripple.io.reader;

import dev.ripple.io.Extent;
import dev.ripple.io.ExtentBeyondEndOfFileException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;

/** The checks every reader makes on a request before it issues any I/O. */
final class Requests {
    private Requests() {}

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
}
