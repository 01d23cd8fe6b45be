package dev.ripple.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * A command object run by picocli in this JVM, for the tests that read what it measured from its
 * package-private fields after the run, beside what it printed.
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
}
