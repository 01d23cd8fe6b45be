package dev.ripple.io.reader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ripple.io.TestFiles;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
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
        assumeTrue(System.getProperty("os.name").startsWith("Linux"));
        try (FileSource source = FileSource.open(file, FileChannel.open(file, StandardOpenOption.READ), false);
                Arena arena = Arena.ofConfined()) {
            assertInstanceOf(NativeFile.class, source, source.mechanism());
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

    @Test
    void aFailedOpenNamesTheFileAndTheErrno() {
        NativeFile.Calls calls = NativeFile.Calls.get().orElse(null);
        assumeTrue(calls != null);
        IOException e = assertThrows(IOException.class, () -> NativeFile.open(calls, dir.resolve("missing"), false));
        assertTrue(e.getMessage().contains("missing") && e.getMessage().contains("ENOENT"), e.getMessage());
    }

    @Test
    void unavailableWhereItIsNotImplementedOrDisabled() {
        assertTrue(NativeFile.Calls.bind("Mac OS X", "aarch64", true).isEmpty());
        assertTrue(NativeFile.Calls.bind("Linux", "riscv64", true).isEmpty());
        assertTrue(NativeFile.Calls.bind("Linux", "amd64", false).isEmpty());
        assertEquals(0x4000, NativeFile.oDirectFlag("amd64").getAsInt());
        assertEquals(0x10000, NativeFile.oDirectFlag("aarch64").getAsInt());
    }
}
