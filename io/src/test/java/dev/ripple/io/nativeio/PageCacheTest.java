package dev.ripple.io.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An eviction that drops nothing says so, with the reason a report prints. */
class PageCacheTest {

    @Test
    void withoutNativeAccessNothingIsEvictedAndTheReasonSaysWhy(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("f.bin"), new byte[8192]);
        PageCache.Eviction e = PageCache.attempt(Optional.empty(), file);
        assertFalse(e.evicted());
        assertTrue(e.reason().startsWith("native I/O"), e.reason());
    }

    @Test
    void aFileOnDiskIsEvicted(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("f.bin"), new byte[8192]);
        assumeTrue(NativeAccess.get().isPresent(), "native access is enabled");
        assumeTrue(PageCache.memoryBackedFileSystem(file).isEmpty(), "the temporary directory is on a disk");
        PageCache.Eviction e = PageCache.attempt(file);
        assertTrue(e.evicted());
        assertNull(e.reason());
    }

    @Test
    void aFileOnTmpfsIsNotEvictedThoughTheKernelAcceptsTheAdvice() throws IOException {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm), "/dev/shm is there");
        assumeTrue(NativeAccess.get().isPresent(), "native access is enabled");
        Path file = Files.createTempFile(shm, "ripple-pagecache-", ".bin");
        try {
            Files.write(file, new byte[8192]);
            assertEquals(Optional.of("tmpfs"), PageCache.memoryBackedFileSystem(file));
            PageCache.Eviction e = PageCache.attempt(file);
            assertFalse(e.evicted());
            assertTrue(e.reason().contains("tmpfs") && e.reason().contains("memory-backed"), e.reason());
            assertFalse(PageCache.evict(file));
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
