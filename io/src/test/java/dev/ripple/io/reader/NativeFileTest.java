package dev.ripple.io.reader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ripple.io.TestFiles;
import dev.ripple.io.nativeio.Errno;
import dev.ripple.io.nativeio.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The native {@code pread} file under the positional and direct readers, and when it is not used. */
class NativeFileTest {

    private Path dir;
    private Path file;
    private final byte[] bytes = TestFiles.pattern(42, 10_000);

    @BeforeEach
    void writeFile() throws IOException {
        dir = TestFiles.newDirectory("native-file");
        file = TestFiles.write(dir.resolve("f.bin"), bytes);
    }

    @AfterEach
    void deleteFile() {
        TestFiles.deleteRecursively(dir);
    }

    @Test
    void onLinuxTheReadersReadThroughNativePreadAndAnInterruptDoesNotCloseIt() throws IOException {
        assumeTrue(NativeFile.Calls.get().isPresent(), "native calls unavailable or disabled here");
        try (FileSource source = FileSource.open(file, false);
                Arena arena = Arena.ofConfined()) {
            assertInstanceOf(NativeFile.class, source, source.mechanism());
            assertEquals(bytes.length, source.sizeAtOpen());
            MemorySegment dst = arena.allocate(bytes.length);
            Thread.currentThread().interrupt();
            try {
                assertEquals(bytes.length, source.read(dst, 0));
                assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status is left alone");
            } finally {
                Thread.interrupted();
            }
            assertEquals(100, source.read(dst.asSlice(0, 100), bytes.length - 100), "a short read at the end");
            assertEquals(-1, source.read(dst, bytes.length), "end of file");
            assertArrayEquals(
                    Arrays.copyOfRange(bytes, bytes.length - 100, bytes.length),
                    dst.asSlice(0, 100).toArray(ValueLayout.JAVA_BYTE));
            byte[] heap = new byte[300];
            assertEquals(300, source.read(MemorySegment.ofArray(heap), 1000), "a heap target is read through a bounce");
            assertArrayEquals(Arrays.copyOfRange(bytes, 1000, 1300), heap);
        }
    }

    /**
     * Where native calls are unavailable ({@code -Dripple.nativeio.disabled=true}, another OS) the
     * file is opened once, as a {@code FileChannel}, with the same failures as the native open.
     */
    @Test
    void withoutNativeCallsTheReadersReadThroughAFileChannel() throws IOException {
        try (FileSource source = FileSource.open(file, false, Optional.empty());
                Arena arena = Arena.ofConfined()) {
            assertInstanceOf(ChannelFile.class, source, source.mechanism());
            assertEquals(bytes.length, source.sizeAtOpen());
            MemorySegment dst = arena.allocate(bytes.length);
            assertEquals(bytes.length, source.read(dst, 0));
            assertArrayEquals(bytes, dst.toArray(ValueLayout.JAVA_BYTE));
        }
        assertThrows(NoSuchFileException.class, () -> FileSource.open(dir.resolve("missing"), false, Optional.empty()));
        assertThrows(NoSuchFileException.class, () -> FileSource.open(dir.resolve("missing"), true, Optional.empty()));
    }

    @Test
    void aFailedOpenNamesTheFileAndTheErrno() {
        NativeFile.Calls calls = NativeFile.Calls.get().orElse(null);
        assumeTrue(calls != null);
        IOException e =
                assertThrows(NoSuchFileException.class, () -> NativeFile.open(calls, dir.resolve("missing"), false));
        assertTrue(e.getMessage().contains("missing") && e.getMessage().contains("ENOENT"), e.getMessage());
        assertInstanceOf(AccessDeniedException.class, NativeFile.openFailure(file, false, Errno.EACCES));
        IOException refused = NativeFile.openFailure(file, true, Errno.EINVAL);
        assertInstanceOf(DirectIoUnsupportedException.class, refused, "the file system refuses O_DIRECT");
        assertTrue(
                refused.getCause().getMessage().contains("EINVAL"),
                refused.getCause().getMessage());
        IOException tooMany = NativeFile.openFailure(file, true, 24);
        assertFalse(
                tooMany instanceof DirectIoUnsupportedException,
                "out of descriptors is not the file system's refusal of O_DIRECT");
        assertTrue(
                tooMany.getMessage().contains("O_DIRECT")
                        && tooMany.getMessage().contains("EMFILE"),
                tooMany.getMessage());
    }

    @Test
    void unavailableWhereItIsNotImplementedOrDisabled() {
        assertTrue(NativeFile.Calls.bind(new Libc.Platform("Mac OS X", "aarch64", true))
                .isEmpty());
        assertTrue(NativeFile.Calls.bind(new Libc.Platform("Linux", "amd64", false))
                .isEmpty());
        if (NativeFile.Calls.get().isPresent()) { // this JVM binds at all: so would pread on any Linux
            assertTrue(
                    NativeFile.Calls.bind(new Libc.Platform("Linux", "riscv64", true))
                            .isPresent(),
                    "an interrupt must not close the pread reader's file there either");
        }
    }
    /**
     * Reads racing a close get the file's bytes or an exception saying it is closed, never the
     * bytes of whatever file reuses the descriptor's number; close waits for them and is
     * idempotent.
     */
    @Test
    void aReadAfterCloseThrowsAndCloseWaitsForReadsInProgress() throws Exception {
        NativeFile.Calls calls = NativeFile.Calls.get().orElse(null);
        assumeTrue(calls != null);
        NativeFile source = NativeFile.open(calls, file, false);
        assertEquals(bytes.length, source.sizeAtOpen(), "the size of the descriptor's own file");
        AtomicReference<Throwable> wrong = new AtomicReference<>();
        AtomicInteger reads = new AtomicInteger();
        Thread reader = Thread.ofPlatform().start(() -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment dst = arena.allocate(bytes.length);
                while (true) {
                    try {
                        source.read(dst, 0);
                    } catch (IOException e) {
                        if (!e.getMessage().contains("closed")) {
                            wrong.set(e);
                        }
                        return;
                    }
                    if (!Arrays.equals(bytes, dst.toArray(ValueLayout.JAVA_BYTE))) {
                        wrong.set(new AssertionError("wrong bytes after " + reads.get() + " reads"));
                        return;
                    }
                    reads.incrementAndGet();
                }
            }
        });
        while (reads.get() < 100) {
            Thread.onSpinWait();
        }
        source.close();
        // a file opened now may get the closed descriptor's number
        Path other = TestFiles.write(dir.resolve("other.bin"), new byte[bytes.length]);
        try (FileChannel ignored = FileChannel.open(other, StandardOpenOption.READ)) {
            reader.join();
        }
        assertEquals(null, wrong.get());
        source.close();
        IOException e = assertThrows(IOException.class, () -> source.read(MemorySegment.ofArray(new byte[1]), 0));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
}
