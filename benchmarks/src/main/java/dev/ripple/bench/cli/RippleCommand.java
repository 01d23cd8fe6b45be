package dev.ripple.bench.cli;

import java.io.PrintWriter;
import java.nio.file.FileSystemException;
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
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(run(out, err, args));
    }

    /** Runs the command line with the given streams and returns the exit code; never throws. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        try {
            CommandLine cl = new CommandLine(new RippleCommand());
            cl.getSubcommands().get("jmh").setUnmatchedOptionsArePositionalParams(true); // JMH parses its own options
            cl.setOut(out);
            cl.setErr(err);
            cl.setParameterExceptionHandler((ex, a) -> {
                String sub = ex.getCommandLine().getCommandName();
                err.println("ripple: " + oneLine(ex.getMessage()) + " (see 'ripple "
                        + ("ripple".equals(sub) ? "" : sub + " ") + "--help')");
                return 2;
            });
            cl.setExecutionExceptionHandler((ex, c, parsed) -> {
                err.println("ripple: " + describe(ex));
                if (System.getenv("RIPPLE_STACKTRACE") != null) {
                    ex.printStackTrace(err);
                }
                return 1;
            });
            return cl.execute(args);
        } catch (Throwable t) { // OutOfMemoryError and friends: still one line, still non-zero
            err.println("ripple: " + describe(t));
            return 1;
        } finally {
            err.flush();
            out.flush();
        }
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
