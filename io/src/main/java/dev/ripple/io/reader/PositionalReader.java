package dev.ripple.io.reader;

import dev.ripple.io.Extent;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * Reads extents with positional reads ({@code pread(2)}) through the page cache.
 *
 * <p>The portable baseline: no mapping, no alignment rules. Because it goes through the page
 * cache, a benchmark must evict the file ({@link dev.ripple.io.nativeio.PageCache#evict}) before a
 * cold pass. Each system call counts as one operation; a short read is continued with another.
 * Kernel read-ahead applies (the reader gives its descriptor no {@code posix_fadvise} advice), so
 * a cold pass may fetch more from the device than {@code bytesRead} reports; {@link DirectReader}
 * is exact.
 *
 * <p>The reads are libc's {@code pread} on a descriptor of the reader's own ({@link FileSource}),
 * not a {@code FileChannel}'s, so interrupting a reading thread cannot close the file for the
 * others; a {@code FileChannel} is the fallback only where native calls are unavailable.
 *
 * <pre>{@code
 * try (ExtentReader reader = PositionalReader.open(path, 4)) { ... }
 * }</pre>
 */
public final class PositionalReader extends BaseExtentReader {

    /** Largest byte range handed to one system call; longer extents are read in pieces. */
    private static final int MAX_CALL_BYTES = 1 << 30;

    private final FileSource file;

    private PositionalReader(Path path, FileSource file, int queueDepth) {
        super(path, file.sizeAtOpen(), queueDepth);
        this.file = file;
    }

    /** Opens {@code path} for reading with up to {@code queueDepth} reads in flight per request. */
    public static PositionalReader open(Path path, int queueDepth) throws IOException {
        FileSource file = FileSource.open(path, false);
        try {
            return new PositionalReader(path, file, queueDepth);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    @Override
    void readOne(Extent extent, MemorySegment target, Tally tally) throws IOException {
        long done = 0;
        while (done < extent.length()) {
            int piece = (int) Math.min(MAX_CALL_BYTES, extent.length() - done);
            long got = 0;
            while (got < piece) {
                long n;
                try {
                    n = file.read(target.asSlice(done + got, piece - got), extent.offset() + done + got);
                } catch (IOException e) {
                    throw failure(extent, "positional read failed", e);
                }
                tally.operations++;
                if (n < 0) {
                    throw endOfFile(extent, "unexpected end of file (did the file shrink?)");
                }
                tally.bytesRead += n;
                got += n;
            }
            done += piece;
        }
    }

    @Override
    void closeResources() throws IOException {
        file.close();
    }

    @Override
    public String kind() {
        return ReaderKind.POSITIONAL.cliName();
    }
}
