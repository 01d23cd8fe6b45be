package dev.ripple.io.reader;

import dev.ripple.io.IoErrorReason;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The file system holding a file refused direct I/O ({@code O_DIRECT}), or is memory-backed
 * (tmpfs, ramfs) so that direct reads would never reach a storage device. Direct reads
 * never fall back to buffered ones silently: a benchmark that claims to bypass the page cache and
 * does not would print meaningless numbers.
 */
public final class DirectIoUnsupportedException extends IOException {

    private final transient Path file;
    private final String fileSystemType;

    public DirectIoUnsupportedException(Path file, String fileSystemType, Throwable cause) {
        super(
                file + ": the file system (" + fileSystemType
                        + ") does not support direct I/O (O_DIRECT) to a storage device: "
                        + IoErrorReason.of(cause)
                        + ". Put the file on a disk-backed file system such as ext4 or xfs, or use the"
                        + " positional or mmap reader and evict the page cache before cold passes",
                cause);
        this.file = file;
        this.fileSystemType = fileSystemType;
    }

    public Path file() {
        return file;
    }

    public String fileSystemType() {
        return fileSystemType;
    }
}
