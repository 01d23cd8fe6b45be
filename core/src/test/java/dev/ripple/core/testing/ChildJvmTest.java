package dev.ripple.core.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A child JVM's output comes back; one that fails or hangs fails the test with it, and a hung one is killed. */
class ChildJvmTest {
    /** Prints its arguments, then exits with the first one, or sleeps for ever if it is "hang". */
    public static final class Child {
        public static void main(String[] args) throws InterruptedException {
            System.out.println("args " + String.join(" ", args));
            System.err.println("to stderr");
            if (args[0].equals("hang")) {
                Thread.sleep(Long.MAX_VALUE);
            }
            System.exit(Integer.parseInt(args[0]));
        }
    }

    @Test
    void returnsWhatTheChildPrinted() throws Exception {
        String out = ChildJvm.run(Duration.ofSeconds(60), List.of("-Xmx32m"), Child.class, "0", "x");
        assertTrue(out.contains("args 0 x"), out);
        assertTrue(out.contains("to stderr"), out);
    }

    @Test
    void aFailingChildFailsTheTestWithItsOutput() {
        AssertionError e = assertThrows(
                AssertionError.class, () -> ChildJvm.run(Duration.ofSeconds(60), List.of(), Child.class, "3"));
        assertTrue(e.getMessage().contains("args 3"), e.getMessage());
    }

    @Test
    void aHungChildIsKilledAtItsTimeout(@TempDir Path dir) throws Exception {
        ChildJvm child = ChildJvm.start(dir.resolve("log"), List.of(), Child.class, "hang");
        long start = System.nanoTime();
        AssertionError e = assertThrows(AssertionError.class, () -> child.finish(Duration.ofSeconds(2)));
        assertTrue(e.getMessage().contains("did not finish in PT2S"), e.getMessage());
        assertTrue(e.getMessage().contains("args hang"), "its output so far: " + e.getMessage());
        assertFalse(child.process().isAlive(), "killed");
        assertTrue(System.nanoTime() - start < 30_000_000_000L);
    }
}
