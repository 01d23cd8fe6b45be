package dev.ripple.io.reader;

import dev.ripple.io.Extent;
import dev.ripple.io.FileShrankException;
import dev.ripple.io.PlannedReads;
import dev.ripple.io.ReadStats;
import dev.ripple.io.nativeio.Advice;
import dev.ripple.io.nativeio.NativeAccess;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * Reads extents by copying them out of a read-only memory mapping of the whole file
 * ({@code FileChannel.map(READ_ONLY, 0, size, arena)}, a {@link MemorySegment} of a shared arena).
 *
 * <p>By default the mapping is advised {@link Advice#RANDOM} through {@code madvise}: the kernel's
 * read-ahead would otherwise fetch neighbouring pages on every fault and hide the very access
 * pattern Ripple is about (and inflate the bytes actually read). {@link #adviceApplied()} says
 * whether the hint took effect (false where native access is unavailable). Page faults are not
 * visible from Java, so one operation is counted per extent and bytes read equal bytes copied;
 * a benchmark must evict the file from the page cache before a cold pass.
 *
 * <pre>{@code
 * try (MmapReader reader = MmapReader.open(path, 1)) {
 *     reader.read(new Extent(0, 4096), target);
 * }
 * }</pre>
 */
public final class MmapReader extends BaseExtentReader {

    private final Arena arena;
    private final MemorySegment mapping;
    private final Advice advice;
    private final boolean adviceApplied;

    private MmapReader(
            Path path,
            long size,
            int queueDepth,
            Arena arena,
            MemorySegment mapping,
            Advice advice,
            boolean adviceApplied) {
        super(path, size, queueDepth);
        this.arena = arena;
        this.mapping = mapping;
        this.advice = advice;
        this.adviceApplied = adviceApplied;
    }

    /** Maps {@code path} with {@link Advice#RANDOM}. */
    public static MmapReader open(Path path, int queueDepth) throws IOException {
        return open(path, queueDepth, Advice.RANDOM);
    }

    /** Maps {@code path} and applies {@code advice} to the mapping (for experiments with read-ahead). */
    public static MmapReader open(Path path, int queueDepth, Advice advice) throws IOException {
        if (queueDepth < 1) {
            throw new IllegalArgumentException(path + ": queue depth must be >= 1, got " + queueDepth);
        }
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            MemorySegment mapping =
                    size == 0 ? MemorySegment.NULL : channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            boolean applied = false;
            Optional<NativeAccess> nativeAccess = NativeAccess.get();
            if (size > 0 && nativeAccess.isPresent()) {
                try {
                    nativeAccess.get().madvise(mapping, advice);
                    applied = true;
                } catch (IOException e) {
                    throw new IOException(path + ": could not advise the mapping " + advice + ": " + e.getMessage(), e);
                }
            }
            return new MmapReader(path, size, queueDepth, arena, mapping, advice, applied);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** The advice requested for the mapping. */
    public Advice advice() {
        return advice;
    }

    /** True if {@link #advice()} was applied with {@code madvise}; false where native access is unavailable. */
    public boolean adviceApplied() {
        return adviceApplied;
    }

    @Override
    public ReadStats read(List<Extent> extents, List<MemorySegment> targets) throws IOException {
        try {
            return super.read(extents, targets);
        } catch (InternalError fault) {
            throw shrank(fault);
        }
    }

    @Override
    public ReadStats read(PlannedReads plan, MemorySegment buffer) throws IOException {
        try {
            return super.read(plan, buffer);
        } catch (InternalError fault) {
            throw shrank(fault);
        }
    }

    /**
     * What to throw for an {@link InternalError} out of a request: the JVM's report of a fault on a
     * page of the mapping, which is a {@link FileShrankException} when the file shrank while open,
     * else the error itself. Only this reader touches mapped pages, so only it can meet one. Caught
     * around the whole request, not the copy: in compiled code the JVM raises it at the next
     * safepoint poll, which may be past the copy's own method.
     */
    private FileShrankException shrank(InternalError fault) {
        return FileShrankException.explain(path(), fileSize(), fault).orElseThrow(() -> fault);
    }

    @Override
    void readOne(Extent extent, MemorySegment target, Tally tally) throws IOException {
        try {
            MemorySegment.copy(mapping, extent.offset(), target, 0, extent.length());
        } catch (IllegalStateException | IndexOutOfBoundsException e) {
            throw failure(extent, "copy out of the mapping failed", e);
        } // an InternalError from a vanished page (the file shrank) is explained around the request: shrank()
        tally.operations++;
        tally.bytesRead += extent.length();
    }

    @Override
    void closeResources() {
        arena.close();
    }

    @Override
    public String kind() {
        return ReaderKind.MMAP.cliName();
    }

    /** The base description and the madvise mode, which {@link #kind()} leaves out to stay one name. */
    @Override
    public String describe() {
        return super.describe() + ", madvise " + advice + (adviceApplied ? "" : " (not applied)");
    }
}
