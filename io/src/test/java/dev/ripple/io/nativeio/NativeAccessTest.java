package dev.ripple.io.nativeio;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ripple.io.TestFiles;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NativeAccessTest {

    /** Linux, with native calls not turned off ({@code -Dripple.nativeio.disabled=true}): they must bind. */
    static boolean linux() {
        return System.getProperty("os.name").startsWith("Linux")
                && Libc.Platform.current().enabled();
    }

    @Test
    void processCpuClockCountsNanosecondsOfThisThreadsWork() {
        assumeTrue(linux());
        NativeAccess na =
                NativeAccess.get().orElseThrow(() -> new AssertionError("native access should bind on Linux"));
        long before = na.processCpuNanos();
        long threadBefore = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        double x = 0;
        for (int i = 0; i < 2_000_000; i++) { // about a millisecond of arithmetic
            x += Math.sqrt(i);
        }
        long threadSpent = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - threadBefore;
        long spent = na.processCpuNanos() - before;
        assertTrue(x > 0);
        assertTrue(before > 0, "process CPU time so far: " + before);
        // the process clock includes this thread's time, to the nanosecond (not 10 ms ticks)
        assertTrue(
                spent >= threadSpent && threadSpent > 0,
                "process " + spent + " ns, this thread " + threadSpent + " ns");
    }

    @Test
    void madviseAndFadviseSucceedOnLinux() throws IOException {
        assumeTrue(linux());
        NativeAccess na =
                NativeAccess.get().orElseThrow(() -> new AssertionError("native access should bind on Linux"));
        Path dir = TestFiles.newDirectory("nativeio");
        try {
            Path file = TestFiles.write(dir.resolve("f.bin"), TestFiles.pattern(1, 3 * 4096 + 7));
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
                    Arena arena = Arena.ofConfined()) {
                MemorySegment mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
                for (Advice advice : Advice.values()) {
                    na.madvise(mapped, advice);
                }
                na.madvise(mapped.asSlice(5, 100), Advice.RANDOM); // unaligned start is widened to the page
            }
            na.fadvise(file, 0, 0, Advice.RANDOM);
            na.fadvise(file, 4096, 4096, Advice.WILLNEED);
            assertTrue(PageCache.evict(file));
            IOException missing = assertThrows(IOException.class, () -> na.evictFromPageCache(dir.resolve("missing")));
            assertTrue(
                    missing.getMessage().contains("missing")
                            && missing.getMessage().contains("ENOENT"),
                    missing.getMessage());
        } finally {
            TestFiles.deleteRecursively(dir);
        }
    }

    @Test
    @SuppressWarnings("restricted")
    void madviseOnUnmappedMemoryReportsErrno() {
        assumeTrue(linux());
        NativeAccess na = NativeAccess.get().orElseThrow();
        // Address 4096 is never mapped in a Linux process: madvise fails with ENOMEM.
        IOException e = assertThrows(
                IOException.class,
                () -> na.madvise(MemorySegment.ofAddress(4096).reinterpret(4096), Advice.WILLNEED));
        assertTrue(e.getMessage().contains("ENOMEM"), e.getMessage());
    }

    @Test
    void unavailablePathIsANoOp() throws IOException {
        assertTrue(NativeAccess.bind(new Libc.Platform("Windows 11", "amd64", true))
                .isEmpty());
        assertTrue(NativeAccess.bind(new Libc.Platform("Linux", "amd64", false)).isEmpty());
        Path nowhere = Path.of("target", "does-not-exist.bin");
        assertFalse(PageCache.evict(Optional.empty(), nowhere), "no native access: evict says it did nothing");
    }
}
