package dev.ripple.core.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.testing.ChildJvm;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A write stopped by Ctrl-C (SIGINT) or SIGTERM, in a program that asked for it (the ripple command
 * does), deletes its temporary file on the way out: a walkthrough
 * left a hidden file as large as the model beside it after a Ctrl-C, which only a later write of the same
 * destination would have removed (a 7B model's would be gigabytes). The destination is untouched.
 */
class StoppedWriteTest {
    @TempDir
    Path dir;

    /** Writes a megabyte to {@code args[0]} atomically, says so, then waits (for a signal) in the middle of the write. */
    public static final class SlowWriteMain {
        public static void main(String[] args) throws Exception {
            AtomicFile.deleteUnfinishedWritesAtExit(); // as the ripple command does
            AtomicFile.write(Path.of(args[0]), ch -> {
                ch.write(ByteBuffer.allocate(1 << 20));
                System.out.println("writing");
                System.out.flush();
                try {
                    Thread.sleep(120_000);
                } catch (InterruptedException e) {
                    throw new InterruptedIOException("interrupted");
                }
                return 1 << 20;
            });
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"INT", "TERM"})
    void aSignalledWriteLeavesNoTemporaryFile(String signal) throws Exception {
        Path out = dir.resolve("model.ripple");
        Path log = dir.resolve("child.log");
        ChildJvm child = ChildJvm.start(log, List.of(), SlowWriteMain.class, out.toString());
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(log) || !Files.readString(log).contains("writing")) {
                assertTrue(child.process().isAlive(), "the child ended early: " + Files.readString(log));
                assertTrue(System.nanoTime() < deadline, "the child never began writing");
                Thread.sleep(20);
            }
            assertEquals(1, temporaryFiles().size(), "the write's temporary file is there while it runs");
            Process kill = new ProcessBuilder(
                            "kill", "-" + signal, Long.toString(child.process().pid()))
                    .start();
            assertEquals(0, kill.waitFor(), "kill -" + signal);
            assertTrue(child.process().waitFor(60, TimeUnit.SECONDS), "the signalled child ended");
            assertEquals(List.of(), temporaryFiles(), "SIG" + signal + " deleted the temporary file");
            assertFalse(Files.exists(out), "the destination was never written");
        } finally {
            child.process().destroyForcibly();
        }
    }

    private List<Path> temporaryFiles() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(".model.ripple.tmp-"))
                    .toList();
        }
    }
}
