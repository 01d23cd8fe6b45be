package dev.ripple.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The kernel failed a read of one extent: the file, the extent, the operating-system error number
 * and its name ({@code EIO (5)}), and how many bytes of the extent had arrived. Thrown by readers
 * that see each read's own result (the io_uring reader); after it the reader is still usable, and
 * no other read of the failed request is still writing into the caller's memory.
 *
 * <p>{@link #errno()} is 0 when the failure is not an error number: the file ended before the
 * extent did (it shrank after the reader was opened) or a read came back short and unaligned.
 */
public final class ExtentReadException extends IOException {

    private final transient Path file;
    private final Extent extent;
    private final int errno;
    private final String errnoName;
    private final long bytesDone;

    public ExtentReadException(Path file, Extent extent, int errno, String errnoName, long bytesDone, String what) {
        super(file + ": " + what + " reading extent at offset " + extent.offset() + " of length " + extent.length()
                + (errno != 0 ? ": " + errnoName + " (" + errno + ")" : "") + " after " + bytesDone + " bytes");
        this.file = file;
        this.extent = extent;
        this.errno = errno;
        this.errnoName = errnoName;
        this.bytesDone = bytesDone;
    }

    public Path file() {
        return file;
    }

    public Extent extent() {
        return extent;
    }

    /** The error number the kernel returned, or 0 for a short read or an unexpected end of file. */
    public int errno() {
        return errno;
    }

    /** The symbolic name of {@link #errno()} ({@code EIO}), or a description when it is 0. */
    public String errnoName() {
        return errnoName;
    }

    /** Bytes of the extent's aligned range that had been read before the failure. */
    public long bytesDone() {
        return bytesDone;
    }
}
