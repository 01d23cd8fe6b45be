package dev.ripple.bench.cli;

import dev.ripple.core.format.AtomicFile;
import java.io.PrintWriter;
import java.nio.file.FileSystemException;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ripple} command. Every failure ends as one line on stderr and a non-zero exit:
 * 2 for a wrong command line, 1 for anything that went wrong while running.
 */
@Command(
        name = "ripple",
        mixinStandardHelpOptions = true,
        versionProvider = RippleCommand.Version.class,
        description =
                "Run and prepare LLMs whose FFN weights stay on flash, placed so co-activated neurons are read together.",
        subcommands = {
            DemoCommand.class,
            GenerateCommand.class,
            SynthCommand.class,
            BenchCommand.class,
            DecodeSpeedCommand.class,
            PoliciesCommand.class,
            TradeoffCommand.class,
            ProfileCommand.class,
            PlaceCommand.class,
            InspectCommand.class,
            CalibrateCommand.class,
            JmhCommand.class,
            CommandLine.HelpCommand.class
        })
public final class RippleCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (try 'ripple --help')");
    }

    public static void main(String[] args) {
        AtomicFile.deleteUnfinishedWritesAtExit(); // a Ctrl-C mid-write leaves no hidden temporary file
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(run(out, err, args));
    }

    /** Runs the command line with the given streams and returns the exit code; never throws. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(out, err, failure -> {}, args);
    }

    /**
     * As {@link #run(PrintWriter, PrintWriter, String...)}, also handing what ended a run with exit 1
     * to {@code failed}: the command-line fuzz target holds it to the typed refusals, which a test
     * cannot tell from the one line alone.
     */
    static int run(PrintWriter out, PrintWriter err, Consumer<Throwable> failed, String... args) {
        try {
            CommandLine cl = new CommandLine(new RippleCommand());
            cl.getSubcommands().get("jmh").setUnmatchedOptionsArePositionalParams(true); // JMH parses its own options
            // every subcommand with --version prints ripple's (picocli's inherited scope would also
            // give jmh a -h of its own, hiding JMH's)
            Version version = new Version();
            cl.getSubcommands().values().forEach(sub -> sub.getCommandSpec().versionProvider(version));
            cl.setOut(out);
            cl.setErr(err);
            cl.setParameterExceptionHandler((ex, a) -> {
                String sub = ex.getCommandLine().getCommandName();
                err.println("ripple: " + oneLine(ex.getMessage()) + " (see 'ripple "
                        + ("ripple".equals(sub) ? "" : sub + " ") + "--help')");
                return 2;
            });
            cl.setExecutionExceptionHandler((ex, c, parsed) -> {
                failed.accept(ex);
                err.println("ripple: " + describe(ex));
                if (System.getenv("RIPPLE_STACKTRACE") != null) {
                    ex.printStackTrace(err);
                }
                return 1;
            });
            cl.setExecutionStrategy(RippleCommand::refuseUnmatchedThenRun);
            return cl.execute(args);
        } catch (Throwable t) { // OutOfMemoryError and friends: still one line, still non-zero
            failed.accept(t);
            err.println("ripple: " + describe(t));
            return 1;
        } finally {
            err.flush();
            out.flush();
        }
    }

    /**
     * Picocli lets {@code --help} hide arguments it cannot match, so {@code ripple genrate --help}
     * printed ripple's usage and exited 0, as if the misspelt command were known: an unmatched
     * argument anywhere on the line is the usual one-line error (exit 2), help or not.
     */
    private static int refuseUnmatchedThenRun(CommandLine.ParseResult parsed) {
        for (CommandLine command : parsed.asCommandLineList()) {
            List<String> unmatched = command.getParseResult().unmatched();
            if (!unmatched.isEmpty()) {
                throw new CommandLine.UnmatchedArgumentException(command, unmatched);
            }
        }
        return new CommandLine.RunLast().execute(parsed);
    }

    /** One line that says what went wrong, without a stack trace. */
    static String describe(Throwable t) {
        FileSystemException fileError = FileErrors.underlying(t);
        if (fileError != null) {
            return FileErrors.describe(fileError);
        }
        if (t instanceof OutOfMemoryError) {
            String m = oneLine(t.getMessage());
            if (m.contains("direct buffer memory")) {
                // off-heap memory (bundle cache, KV cache, predictor) is capped at the heap size unless set
                return "out of memory (" + m + "); allow the JVM more off-heap memory with "
                        + "RIPPLE_JAVA_OPTS=-XX:MaxDirectMemorySize=4g (by default it equals the heap limit, -Xmx)";
            }
            return "out of memory (" + m + "); give the JVM more heap with RIPPLE_JAVA_OPTS=-Xmx8g";
        }
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return "internal error: " + t.getClass().getName() + " (set RIPPLE_STACKTRACE=1 for details)";
        }
        return oneLine(message);
    }

    /**
     * A file name as the user typed it, on one line: a control character in it (a newline in an
     * argument) is written as a Java escape, so the error stays one line and still names the file.
     */
    static String printable(String file) {
        if (file == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(file.length());
        for (int i = 0; i < file.length(); i++) {
            char c = file.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", "; ").strip();
    }

    /** Version from the jar manifest, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = RippleCommand.class.getPackage().getImplementationVersion();
            return new String[] {"ripple " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"};
        }
    }
}
