package dev.ripple.io.reader;

import com.sun.nio.file.ExtendedOpenOption;
import dev.ripple.io.Extent;
import dev.ripple.io.nativeio.PageCache;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads extents with direct I/O ({@code O_DIRECT} via {@link ExtendedOpenOption#DIRECT}), bypassing
 * the page cache, so every read reaches the device: the reader benchmarks default to.
 *
 * <p>Direct I/O needs the file position, the length and the buffer address aligned to the device's
 * logical block. This reader aligns to {@link #ALIGNMENT} (4 KiB, a multiple of every common
 * logical block size): an extent is read through its enclosing aligned range
 * {@code [floor(offset), ceil(end))} into a 4 KiB-aligned bounce buffer and the wanted bytes are
 * copied out. When the extent and the target are already aligned the read goes straight into the
 * target. The aligned range of an extent ending at an unaligned end of file reaches past it; the
 * kernel then returns a short read that still covers the extent, which is what is counted as read.
 * {@link dev.ripple.io.ReadStats#bytesRead()} includes the alignment padding.
 *
 * <p>The reads are libc's {@code pread} on an {@code O_DIRECT} descriptor of the reader's own
 * ({@link FileSource}), not a {@code FileChannel}'s, so interrupting a reading thread cannot close
 * the file for the others; a {@code FileChannel} is the fallback only where native calls are
 * unavailable.
 *
 * <p>If the file system refuses {@code O_DIRECT} (some overlay, FUSE and network file systems), or
 * is memory-backed (tmpfs, ramfs: Linux 6.6+ accepts O_DIRECT on tmpfs, but nothing reaches a
 * device), {@link #open} throws {@link DirectIoUnsupportedException}; it never falls back to
 * buffered reads.
 *
 * <pre>{@code
 * try (DirectReader reader = DirectReader.open(path, 8)) {
 *     ReadStats stats = reader.read(extents, targets);
 * }
 * }</pre>
 */
public final class DirectReader extends BaseExtentReader {

    /** Alignment of file positions, lengths and buffers for direct reads. */
    public static final int ALIGNMENT = 4096;

    /** Largest aligned range read by one system call; longer extents are read in pieces. */
    private static final long MAX_CALL_BYTES = 64L << 20;

    private final FileSource file;
    /**
     * Bounce buffers kept between requests; beyond this many bytes they are freed. Memory outside
     * the DRAM budget the user gave, so kept small: a buffer is cheap to allocate next to a read.
     */
    static final long MAX_POOLED_BYTES = 32L << 20;

    private final AlignedBufferPool buffers = new AlignedBufferPool(ALIGNMENT, MAX_POOLED_BYTES);

    private DirectReader(Path path, FileSource file, int queueDepth) {
        super(path, file.sizeAtOpen(), queueDepth);
        this.file = file;
    }

    /**
     * Opens {@code path} for direct reads with up to {@code queueDepth} reads in flight per request.
     *
     * @throws DirectIoUnsupportedException if the file system refuses O_DIRECT
     */
    public static DirectReader open(Path path, int queueDepth) throws IOException {
        FileSource file = FileSource.open(path, true);
        try {
            return new DirectReader(path, file, queueDepth);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /**
     * Opens a read-only channel with O_DIRECT. Exposed for the device calibrator and benchmarks that
     * need the raw channel.
     *
     * @throws DirectIoUnsupportedException if the file exists and is readable but its file system
     *         refuses O_DIRECT
     */
    public static FileChannel openDirect(Path path) throws IOException {
        refuseMemoryBacked(path);
        try {
            return FileChannel.open(path, StandardOpenOption.READ, ExtendedOpenOption.DIRECT);
        } catch (UnsupportedOperationException | IOException e) {
            throw refusal(path, e);
        }
    }

    /**
     * Refuses a file on a memory-backed file system: Linux 6.6+ accepts O_DIRECT on tmpfs, but the
     * data still lives in DRAM, and a "direct" measurement there would report memory speed as device
     * speed.
     */
    static void refuseMemoryBacked(Path path) throws DirectIoUnsupportedException {
        String memoryBacked = PageCache.memoryBackedFileSystem(path).orElse(null);
        if (memoryBacked != null) {
            throw new DirectIoUnsupportedException(
                    path,
                    memoryBacked,
                    new IOException("memory-backed file system: O_DIRECT would not reach a storage device"));
        }
    }

    /**
     * What to throw for {@code failure} of an O_DIRECT open of {@code path}: the failure itself when
     * the file is missing or unreadable, else a {@link DirectIoUnsupportedException} naming the file
     * system (the file is fine, O_DIRECT was refused).
     */
    static IOException refusal(Path path, Exception failure) {
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            return failure instanceof IOException io
                    ? io
                    : new IOException(path + ": cannot be opened for reading", failure);
        }
        String type;
        try {
            type = Files.getFileStore(path).type();
        } catch (IOException storeFailure) {
            type = "unknown type";
        }
        return new DirectIoUnsupportedException(path, type, failure);
    }

    @Override
    void readOne(Extent extent, MemorySegment target, Tally tally) throws IOException {
        long pos = extent.offset();
        long end = extent.end();
        while (pos < end) {
            long pieceEnd = Math.min(end, alignDown(pos) + MAX_CALL_BYTES);
            readPiece(extent, pos, pieceEnd, target, pos - extent.offset(), tally);
            pos = pieceEnd;
        }
    }

    /** Reads file bytes {@code [from, to)} into {@code target} at {@code targetOffset}. */
    private void readPiece(Extent extent, long from, long to, MemorySegment target, long targetOffset, Tally tally)
            throws IOException {
        long alignedStart = alignDown(from);
        long alignedEnd = alignUp(to);
        long span = alignedEnd - alignedStart;
        long needed = to - alignedStart;
        MemorySegment dst = target.asSlice(targetOffset, to - from);
        boolean zeroCopy = alignedStart == from && alignedEnd == to && dst.isNative() && dst.address() % ALIGNMENT == 0;
        MemorySegment bounce = zeroCopy ? null : buffers.take(span);
        try {
            MemorySegment into = zeroCopy ? dst : bounce.asSlice(0, span);
            long got = 0;
            while (got < needed) {
                long n;
                try {
                    n = file.read(into.asSlice(got), alignedStart + got);
                } catch (IOException e) {
                    throw failure(
                            extent,
                            "direct read of aligned range [" + alignedStart + ", " + alignedEnd + ") failed",
                            e);
                }
                tally.operations++;
                if (n < 0) {
                    throw endOfFile(
                            extent,
                            "unexpected end of file after " + got + " of " + needed
                                    + " bytes of aligned range starting at " + alignedStart
                                    + " (did the file shrink?)");
                }
                got += n;
                if (got < needed && got % ALIGNMENT != 0) {
                    throw failure(extent, "short unaligned direct read (" + got + " of " + needed + " bytes)", null);
                }
            }
            tally.bytesRead += got;
            if (!zeroCopy) {
                MemorySegment.copy(bounce, from - alignedStart, dst, 0, to - from);
            }
        } finally {
            if (bounce != null) {
                buffers.give(bounce);
            }
        }
    }

    private static long alignDown(long x) {
        return x & -(long) ALIGNMENT;
    }

    private static long alignUp(long x) {
        return (x + ALIGNMENT - 1) & -(long) ALIGNMENT;
    }

    @Override
    void closeResources() throws IOException {
        try {
            file.close();
        } finally {
            buffers.clear();
        }
    }

    @Override
    public String kind() {
        return ReaderKind.DIRECT.cliName();
    }
}
