package dev.ripple.io.nativeio;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ripple.io.TestFiles;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The one binder of Ripple's libc calls: where it refuses, and the calls and errno it gives its users. */
class LibcTest {

    private static final Libc.Platform LINUX = new Libc.Platform("Linux", "amd64", true);

    @Test
    void refusesWhereNativeCallsAreOffOrNotImplementedAndSaysWhy() {
        Libc.Bound<String> disabled = Libc.bind(new Libc.Platform("Linux", "amd64", false), libc -> "bound");
        assertTrue(disabled.calls().isEmpty());
        assertTrue(disabled.refusal().contains("-D" + Libc.DISABLED_PROPERTY + "=true"), disabled.refusal());
        assertTrue(Libc.bind(new Libc.Platform("Mac OS X", "aarch64", true), libc -> "bound")
                .refusal()
                .contains("Linux only"));
        Libc.Platform riscv = new Libc.Platform("Linux", "riscv64", true);
        assertTrue(
                Libc.bindWithDirectIo(riscv, libc -> "bound").refusal().contains("os.arch=riscv64"),
                "the readers need O_DIRECT's value, unknown there");
        if (Libc.bind(LINUX, libc -> libc).calls().isPresent()) { // this JVM may bind at all
            Libc.Bound<Integer> hints = Libc.bind(riscv, libc -> libc.openReadOnly(Path.of("/"), true));
            assertEquals(
                    Optional.of(-Errno.EINVAL),
                    hints.calls(),
                    "the hints bind on any Linux; an O_DIRECT open there fails with EINVAL");
        }
        assertEquals(0x4000, Libc.oDirectFlag("amd64").getAsInt());
        assertEquals(0x10000, Libc.oDirectFlag("aarch64").getAsInt());
    }

    @Test
    void aSymbolLibcLacksRefusesOnlyThatUsersBinding() {
        assumeTrue(Libc.Platform.current().enabled()
                && System.getProperty("os.name").startsWith("Linux"));
        Libc.Bound<MethodHandle> missing =
                Libc.bind(LINUX, libc -> libc.errnoCall("ripple_no_such_function", FunctionDescriptor.of(JAVA_INT)));
        assertTrue(missing.refusal().contains("ripple_no_such_function"), missing.refusal());
        assertTrue(Libc.bind(LINUX, libc -> libc.call("getpid", FunctionDescriptor.of(JAVA_INT)))
                .calls()
                .isPresent());
    }

    @Test
    void openAndCloseReturnMinusErrnoCapturedForTheCallingThread() throws Exception {
        assumeTrue(Libc.Platform.current().enabled()
                && System.getProperty("os.name").startsWith("Linux"));
        Libc libc = Libc.bind(LINUX, l -> l).calls().orElseThrow();
        Path dir = TestFiles.newDirectory("libc");
        try {
            assertEquals(-Errno.ENOENT, libc.openReadOnly(dir.resolve("missing"), false));
            assertEquals(-Errno.EBADF, libc.close(-1));
            Path file = TestFiles.write(dir.resolve("f.bin"), new byte[4096]);
            int fd = libc.openReadOnly(file, false);
            assertTrue(fd >= 0, "open: " + fd);
            Files.move(dir.resolve("f.bin"), dir.resolve("renamed.bin"));
            TestFiles.write(dir.resolve("f.bin"), new byte[100]);
            assertEquals(4096, libc.size(fd), "the size of the file the descriptor holds, not of the path");
            assertEquals(0, libc.close(fd));
            assertEquals(-Errno.EBADF, libc.size(fd));
            assertEquals(-Errno.EBADF, libc.close(fd), "closed already");
        } finally {
            TestFiles.deleteRecursively(dir);
        }
        MemorySegment mine = Libc.errnoState();
        assertSame(mine, Libc.errnoState(), "one capture buffer per thread, reused by every call");
        AtomicReference<MemorySegment> other = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> other.set(Libc.errnoState()));
        t.join();
        assertFalse(mine.equals(other.get()), "another thread has a buffer of its own");
    }

    @Test
    void aBindingHasCallsOrARefusalNeverBothOrNeither() {
        assertThrows(IllegalArgumentException.class, () -> new Libc.Bound<>(Optional.of("x"), "why"));
        assertThrows(IllegalArgumentException.class, () -> new Libc.Bound<>(Optional.empty(), null));
    }
}
