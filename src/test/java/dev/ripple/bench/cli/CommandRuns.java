package dev.ripple.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ripple.placement.trace.ActivationTrace;
import dev.ripple.placement.trace.TraceFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;

/**
 * Commands run in this JVM: a command object run by picocli, for the tests that read what it
 * measured from its package-private fields after the run, beside what it printed; and {@code ripple}
 * run on a command line that it must refuse, for the tests of its one-line errors.
 */
final class CommandRuns {
    private CommandRuns() {}

    /** Runs {@code command} on {@code args}; what it printed, or a failed test showing its output and errors unless it exits 0. */
    static String succeeds(Object command, String... args) {
        StringWriter printed = new StringWriter();
        CommandLine cl = new CommandLine(command);
        StringWriter errors = new StringWriter();
        cl.setOut(new PrintWriter(printed));
        cl.setErr(new PrintWriter(errors));
        int exit = cl.execute(args);
        assertEquals(0, exit, printed + "\n" + errors);
        return printed.toString();
    }

    /** Runs {@code ripple} on {@code args}; what it printed, or a failed test showing its errors unless it exits 0. */
    static String ripple(String... args) {
        StringWriter printed = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = RippleCommand.run(new PrintWriter(printed), new PrintWriter(err), args);
        assertEquals(0, exit, err.toString());
        return printed.toString();
    }

    /**
     * Runs {@code ripple profile --text text} with {@code options} (a split, a budget), its trace
     * written beside the text in {@code dir} and its work in {@code dir/work}, and reads the trace.
     */
    static ActivationTrace profile(Path text, Path dir, String... options) throws IOException {
        Path out = dir.resolve(text.getFileName() + ".rtrace");
        List<String> args = new ArrayList<>(List.of("profile", "--text", text.toString()));
        args.addAll(List.of(options));
        args.addAll(
                List.of("--out", out.toString(), "--work", dir.resolve("work").toString(), "--quiet"));
        ripple(args.toArray(String[]::new));
        return TraceFiles.read(out);
    }

    /**
     * A command line written as a row of a test's table, as {@code ripple} gets it: split at spaces,
     * '_' standing for a space within one argument; each argument among {@code files} resolved in
     * {@code dir} (files the test made there); and {@code --work work --quiet} appended, so that the
     * test can check that a refused run made no work directory.
     */
    static String[] commandLine(String row, Path dir, Set<String> files, Path work) {
        List<String> args = new ArrayList<>();
        for (String a : row.split(" ")) {
            String arg = a.replace('_', ' ');
            args.add(files.contains(arg) ? dir.resolve(arg).toString() : arg);
        }
        args.addAll(List.of("--work", work.toString(), "--quiet"));
        return args.toArray(String[]::new);
    }

    /** Runs {@code ripple} on {@code args}; its error line, or a failed test showing it unless it exits 1. */
    static String refusal(String... args) {
        StringWriter err = new StringWriter();
        int exit = RippleCommand.run(new PrintWriter(new StringWriter()), new PrintWriter(err), args);
        assertEquals(1, exit, err.toString());
        return err.toString().strip();
    }
}
