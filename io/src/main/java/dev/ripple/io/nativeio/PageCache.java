package dev.ripple.io.nativeio;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Page-cache control for honest cold measurements: a second buffered or mmap read of a file is
 * served from DRAM, so benchmarks evict the file before each measured pass (direct I/O needs no
 * eviction).
 *
 * <pre>{@code
 * if (!PageCache.evict(modelFile)) {
 *     report.note("page cache could not be evicted: mmap/positional figures are warm");
 * }
 * }</pre>
 */
public final class PageCache {

    private PageCache() {}

    /**
     * Drops {@code file} from the page cache.
     *
     * @return true if evicted; false if native access is unavailable on this platform (the reason is
     *         logged once by {@link NativeAccess#get()}), so the caller can say its pass is not cold
     * @throws IOException if native access is available but the kernel refuses (the message names
     *                     the file and errno)
     */
    public static boolean evict(Path file) throws IOException {
        return evict(NativeAccess.get(), file);
    }

    static boolean evict(Optional<NativeAccess> access, Path file) throws IOException {
        if (access.isEmpty()) {
            return false;
        }
        access.get().evictFromPageCache(file);
        return true;
    }
}
