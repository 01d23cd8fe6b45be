package dev.ripple.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An extent reaches past the end of the file it was to be read from. Thrown before any I/O of the
 * request is issued, so nothing is half-read.
 */
public final class ExtentBeyondEndOfFileException extends IOException {

    private final transient Path file;
    private final Extent extent;
    private final long fileSize;

    public ExtentBeyondEndOfFileException(Path file, Extent extent, long fileSize) {
        super(file + ": extent at offset " + extent.offset() + " of length " + extent.length() + " ends at "
                + extent.end() + ", past the end of the file (size " + fileSize + " bytes)");
        this.file = file;
        this.extent = extent;
        this.fileSize = fileSize;
    }

    public Path file() {
        return file;
    }

    public Extent extent() {
        return extent;
    }

    public long fileSize() {
        return fileSize;
    }
}
