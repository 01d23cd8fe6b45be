package dev.ripple.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.TaskFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * The one-line error of an out-of-memory names the limit that was hit and how to raise it; a
 * file-system error names its file and its reason, also behind the wrappers that add nothing.
 */
class ErrorLineTest {

    @Test
    void offHeapExhaustionPointsAtTheDirectMemoryLimitNotTheHeap() {
        String offHeap = RippleCommand.describe(new OutOfMemoryError(
                "Cannot reserve 144330736 bytes of direct buffer memory (allocated: 459837696, limit: 536870912)"));
        assertTrue(offHeap.contains("-XX:MaxDirectMemorySize") && !offHeap.contains("-Xmx8g"), offHeap);
        String heap = RippleCommand.describe(new OutOfMemoryError("Java heap space"));
        assertTrue(heap.contains("-Xmx8g"), heap);
    }

    @Test
    void aFileSystemErrorIsItsFileAndItsReason() {
        assertEquals(
                "tiny-opt.ripple: already exists",
                RippleCommand.describe(new FileAlreadyExistsException("tiny-opt.ripple")));
        assertEquals("plain: not a directory", RippleCommand.describe(new NotDirectoryException("plain")));
        assertEquals("/ro: permission denied", RippleCommand.describe(new AccessDeniedException("/ro")));
        assertEquals(
                "a.tmp -> out: Is a directory",
                RippleCommand.describe(new FileSystemException("a.tmp", "out", "Is a directory")));
        assertEquals(
                "/models/opt.ripple: no such file or directory",
                RippleCommand.describe(
                        TaskFailure.unwrap(new ExecutionException(new NoSuchFileException("/models/opt.ripple")))),
                "behind TaskFailure's wrapper");
        assertEquals(
                "x.json: already exists",
                RippleCommand.describe(new UncheckedIOException(new FileAlreadyExistsException("x.json"))));
        assertEquals(
                "opt.ripple: corrupt layer 3",
                RippleCommand.describe(new UncheckedIOException(
                        "opt.ripple: corrupt layer 3", new IOException(new NoSuchFileException("shard")))),
                "a wrapper that says more keeps its message");
    }
}
