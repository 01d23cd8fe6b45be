package dev.ripple.io.device;

import dev.ripple.io.Sizes;
import dev.ripple.io.reader.ExtentReader;
import dev.ripple.io.reader.ReaderRan;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;

/**
 * Real reads of an emulated device served from DRAM. An emulated read completes at the later of its
 * real and its modelled completion ({@link EmulatedReader}), so a real read slower than the model
 * leaks the machine's disk into the emulated figures: on the development VM, 0.5 MiB direct reads
 * took longer than the UFS 4.0 model's 4,200 MB/s, by amounts that changed from run to run. Read
 * from the page cache, the same bytes arrive in a copy's time, well inside the model, and the
 * emulated device alone sets the pace.
 *
 * <p>Used when the file takes at most half the memory the kernel reports available
 * ({@code MemAvailable} in {@code /proc/meminfo}); the file is read once, sequentially, to bring it
 * into the page cache, unless all of it is there already. The page cache, not a record of earlier
 * opens, decides: a benchmark opens one file many times and reading it whole each time would copy
 * it again for nothing, while a file evicted since (a cold pass, memory pressure) must be read
 * again or its reads would come from the disk. Where the kernel does not say which pages of a file
 * are cached ({@code mincore} reports only this process's own mappings for a file it neither owns
 * nor may write), every open reads it, as where the file cannot be mapped or {@code mincore} fails.
 * Elsewhere (a larger file, no {@code /proc/meminfo}) the
 * configured disk reader is kept and the reason is reported.
 */
final class DramReads {

    /** Files up to this share of the available memory are served from DRAM. */
    static final double MAX_SHARE_OF_AVAILABLE = 0.5;

    private DramReads() {}

    /**
     * @param dram   whether the reads come from DRAM
     * @param reason what reports print after "real reads": {@code from DRAM (...)} or
     *               {@code from the disk (...)}
     */
    record Decision(boolean dram, String reason) {}

    static Decision decide(Path path) throws IOException {
        return decide(Files.size(path), availableMemoryBytes());
    }

    /** The choice for a file of {@code fileBytes} with {@code availableBytes} available (negative: unknown). */
    static Decision decide(long fileBytes, long availableBytes) {
        if (availableBytes < 0) {
            return new Decision(false, "from the disk (available memory unknown here, so the file is not warmed)");
        }
        if (fileBytes > MAX_SHARE_OF_AVAILABLE * availableBytes) {
            return new Decision(
                    false,
                    String.format(
                            Locale.ROOT,
                            "from the disk (file of %s, more than half the %s of memory available)",
                            Sizes.bytes(fileBytes),
                            Sizes.bytes(availableBytes)));
        }
        // the available memory and whether this open had to read the file are left out: they differ
        // from one open to the next, and reports group strategies by this text
        return new Decision(
                true,
                String.format(
                        Locale.ROOT,
                        "from DRAM (file of %s in the page cache, under half the memory available)",
                        Sizes.bytes(fileBytes)));
    }

    /** {@code MemAvailable} of {@code /proc/meminfo} in bytes, or -1 where it cannot be read. */
    static long availableMemoryBytes() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/meminfo"));
            for (String line : lines) {
                if (line.startsWith("MemAvailable:")) {
                    String[] f = line.trim().split("\\s+");
                    return Long.parseLong(f[1]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or an unexpected format: unknown
        }
        return -1;
    }

    /**
     * Brings the file into the page cache: reads it whole, sequentially, unless every page of it is
     * cached already; returns the bytes read (0 when it was all cached).
     */
    static long warm(Path path) throws IOException {
        if (cached(path)) {
            return 0;
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long total = 0;
            ByteBuffer buffer = ByteBuffer.allocateDirect(4 << 20);
            int n;
            while ((n = ch.read(buffer)) >= 0) {
                total += n;
                buffer.clear();
            }
            return total;
        }
    }

    /**
     * Whether every page of the file is in the page cache ({@code mincore} over a mapping, which reads
     * nothing). False where that cannot be told: a file system that cannot map the file ({@code sysfs},
     * some network and FUSE file systems) or a failing {@code mincore}, which the JDK's native code
     * reports with an {@link IOException} that {@code isLoaded} does not declare; the file is then
     * read, as before this check existed.
     */
    static boolean cached(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
                Arena arena = Arena.ofConfined()) {
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena).isLoaded();
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * A page-cache reader of the file with one thread per processor at most: copies need processors,
     * not a queue, and more threads than processors would only contend with the computation.
     */
    static ExtentReader open(Path path, int queueDepth) throws IOException {
        return ReaderRan.DRAM_READER.open(
                path, Math.max(1, Math.min(queueDepth, Runtime.getRuntime().availableProcessors())));
    }
}
