package dev.ripple.io.nativeio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Page-cache control for honest cold measurements: a second buffered or mmap read of a file is
 * served from DRAM, so benchmarks evict the file before each measured pass (direct I/O needs no
 * eviction). An eviction can do nothing — native access unavailable or disabled, or a file on a
 * memory-backed file system whose pages are the file itself — and {@link #attempt} says why, so a
 * report never calls a warm pass cold.
 *
 * <pre>{@code
 * PageCache.Eviction e = PageCache.attempt(modelFile);
 * if (!e.evicted()) {
 *     report.note("page cache not evicted (" + e.reason() + "): mmap/positional figures are warm");
 * }
 * }</pre>
 */
public final class PageCache {

    private PageCache() {}

    /**
     * What an eviction did.
     *
     * @param evicted true if the file's pages were dropped
     * @param reason  why not, for a report ("native I/O disabled by ..."); null when evicted
     */
    public record Eviction(boolean evicted, String reason) {
        static final Eviction DONE = new Eviction(true, null);

        static Eviction not(String reason) {
            return new Eviction(false, reason);
        }
    }

    /**
     * Drops {@code file} from the page cache.
     *
     * @return true if evicted; false if nothing could be dropped (native access unavailable, the
     *         reason logged once by {@link NativeAccess#get()}, or a memory-backed file system);
     *         {@link #attempt} tells which, so the caller can say its pass is not cold
     * @throws IOException if native access is available but the kernel refuses (the message names
     *                     the file and errno)
     */
    public static boolean evict(Path file) throws IOException {
        return attempt(file).evicted();
    }

    /**
     * As {@link #evict}, with the reason when nothing was dropped.
     *
     * @throws IOException if native access is available but the kernel refuses
     */
    public static Eviction attempt(Path file) throws IOException {
        return attempt(NativeAccess.get(), file);
    }

    static boolean evict(Optional<NativeAccess> access, Path file) throws IOException {
        return attempt(access, file).evicted();
    }

    static Eviction attempt(Optional<NativeAccess> access, Path file) throws IOException {
        if (access.isEmpty()) {
            return Eviction.not(
                    Boolean.getBoolean(Libc.DISABLED_PROPERTY)
                            ? "native I/O disabled by -D" + Libc.DISABLED_PROPERTY + "=true"
                            : "native I/O unavailable here (Linux with --enable-native-access only; reason logged)");
        }
        Optional<String> memory = memoryBackedFileSystem(file);
        if (memory.isPresent()) {
            // posix_fadvise(DONTNEED) succeeds there and drops nothing: the pages are the file
            return Eviction.not("file on " + memory.get() + ", a memory-backed file system: its pages are the file");
        }
        access.get().evictFromPageCache(file);
        return Eviction.DONE;
    }

    /**
     * The file-store type if {@code path} lives on a memory-backed file system (tmpfs, ramfs,
     * devtmpfs, hugetlbfs), whose data never leaves DRAM: no eviction drops it, no direct read
     * reaches a storage device. Empty otherwise, or when the store cannot be told (a missing file is
     * reported by whatever opens it next).
     */
    public static Optional<String> memoryBackedFileSystem(Path path) {
        try {
            String type = Files.getFileStore(path).type();
            return switch (type) {
                case "tmpfs", "ramfs", "devtmpfs", "hugetlbfs" -> Optional.of(type);
                default -> Optional.empty();
            };
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
