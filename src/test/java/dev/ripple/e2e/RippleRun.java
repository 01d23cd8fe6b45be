package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.bench.cli.RippleCommand;
import dev.ripple.core.testing.ChildJvm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of the {@code ripple} command: in this JVM (fast) or in a child JVM started the way the
 * launcher starts it (so exit codes and stderr are exactly what a user sees).
 */
record RippleRun(int exit, String out, String err) {
    /**
     * The flags the launcher gives the JVM: with the Vector API module, so that a child runs the
     * kernels a user's run does (without it the scalar twins run, and say so on stderr).
     */
    private static final List<String> JVM_FLAGS = List.of(
            "--add-modules",
            "jdk.incubator.vector",
            "--sun-misc-unsafe-memory-access=allow",
            "--enable-native-access=ALL-UNNAMED");

    /** The JVM's notice of the incubator module, which the launcher drops from stderr as this does. */
    private static final String INCUBATOR_NOTICE = "WARNING: Using incubator modules";

    static RippleRun inProcess(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = RippleCommand.run(new PrintWriter(out), new PrintWriter(err), args);
        return new RippleRun(exit, out.toString(), err.toString());
    }

    /** Runs the command in this JVM and fails the test, showing its stderr, unless it exits 0. */
    static RippleRun succeeds(String... args) {
        RippleRun run = inProcess(args);
        assertEquals(0, run.exit(), run.err());
        return run;
    }

    /**
     * The run's error line, after checking that it was refused (exit 1) in that one line: a refusal
     * tells a user what to change in a sentence, not in a stack trace or a page of output.
     */
    String refusal() {
        assertEquals(1, exit, err);
        String line = err.strip();
        assertEquals(1, line.lines().count(), line);
        return line;
    }

    static RippleRun childJvm(String... args) throws IOException, InterruptedException {
        return childJvmWith(List.of(), args);
    }

    /**
     * As {@link #childJvm}, with {@code properties} (e.g. {@code -Dripple.nativeio.disabled=true}) set
     * in the child: the switches read once per JVM cannot be flipped in this one.
     */
    static RippleRun childJvmWith(List<String> properties, String... args) throws IOException, InterruptedException {
        Process p = startChild(properties, args);
        return collect(p, args);
    }

    /**
     * Runs {@code commands} one after another in one child JVM with {@code properties} set, each as
     * {@link #inProcess} runs it ({@link RippleRunsMain}): for several commands that need the same
     * JVM-wide switch, one JVM start instead of one each. The runs' exit codes and output are the
     * commands' own, not what the launcher adds (use {@link #childJvmWith} for that); {@code dir}
     * holds the files that pass the commands and their runs.
     */
    static List<RippleRun> childJvmRuns(List<String> properties, Path dir, List<List<String>> commands)
            throws IOException, InterruptedException {
        ObjectMapper json = new ObjectMapper();
        Path in = Files.createTempFile(dir, "commands-", ".json");
        Path runs = Files.createTempFile(dir, "runs-", ".json");
        json.writeValue(in.toFile(), commands);
        List<String> flags = new ArrayList<>(JVM_FLAGS);
        flags.addAll(properties);
        String[] args = {in.toString(), runs.toString()};
        RippleRun child =
                collect(new ProcessBuilder(ChildJvm.command(flags, RippleRunsMain.class, List.of(args))).start(), args);
        assertEquals(0, child.exit(), child.err());
        return json.readValue(runs.toFile(), new TypeReference<>() {});
    }

    /** Starts the command in a child JVM the way the launcher does, without waiting for it. */
    static Process startChild(String... args) throws IOException {
        return startChild(List.of(), args);
    }

    private static Process startChild(List<String> properties, String... args) throws IOException {
        List<String> flags = new ArrayList<>(JVM_FLAGS);
        flags.addAll(properties);
        List<String> cmd = ChildJvm.command(flags, RippleCommand.class, List.of(args));
        return new ProcessBuilder(cmd).start();
    }

    private static RippleRun collect(Process p, String... args) throws IOException, InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread drainErr = Thread.ofVirtual().start(() -> {
            try {
                p.getErrorStream().transferTo(err);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        p.getInputStream().transferTo(out);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("ripple " + String.join(" ", args) + " did not finish in 120 s");
        }
        drainErr.join();
        String errText = err.toString(StandardCharsets.UTF_8);
        if (errText.startsWith(INCUBATOR_NOTICE)) {
            int end = errText.indexOf('\n');
            errText = end < 0 ? "" : errText.substring(end + 1);
        }
        return new RippleRun(p.exitValue(), out.toString(StandardCharsets.UTF_8), errText);
    }
}
