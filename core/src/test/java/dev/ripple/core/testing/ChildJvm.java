package dev.ripple.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A main class of the test class path run in a child JVM, for what a test cannot see in its own
 * JVM: a first call before the JIT has compiled anything, a small heap, native memory with
 * tracking on, a process killed in the middle of a write.
 *
 * <p>The child's output (stdout and stderr together) goes to a file rather than a pipe, so that a
 * child that hangs costs its timeout, after which it is killed and the test fails with what it
 * printed, instead of a read that waits for ever.
 *
 * <pre>{@code
 * String log = ChildJvm.run(Duration.ofMinutes(5), List.of("-Xmx64m"), ImportMain.class, model.toString());
 * }</pre>
 *
 * @param process the child
 * @param log     the file its output goes to
 */
public record ChildJvm(Process process, Path log) {
    /** The command that runs {@code main} with {@code args} in a JVM like this one: its java, its class path. */
    public static List<String> command(List<String> jvmFlags, Class<?> main, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(args);
        return cmd;
    }

    /** Starts {@code main} without waiting for it, its output going to {@code log}. */
    public static ChildJvm start(Path log, List<String> jvmFlags, Class<?> main, String... args) throws IOException {
        Process p = new ProcessBuilder(command(jvmFlags, main, List.of(args)))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new ChildJvm(p, log);
    }

    /**
     * Runs {@code main} to its end within {@code timeout} and returns what it printed; a child that
     * fails or does not finish in time fails the test with its output.
     */
    public static String run(Duration timeout, List<String> jvmFlags, Class<?> main, String... args)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("child-jvm-", ".log");
        try {
            return start(log, jvmFlags, main, args).finish(timeout);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /**
     * Waits up to {@code timeout} for the child and returns its output once it has exited with 0;
     * kills it and fails with its output if it has not finished by then, fails with its output if
     * it exited otherwise.
     */
    public String finish(Duration timeout) throws IOException, InterruptedException {
        boolean finished;
        try {
            finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly(); // the test gives up: the child does not outlive it
            throw e;
        }
        if (!finished) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("the child JVM did not finish in " + timeout + ": " + Files.readString(log));
        }
        String out = Files.readString(log);
        assertEquals(0, process.exitValue(), out);
        return out;
    }
}
