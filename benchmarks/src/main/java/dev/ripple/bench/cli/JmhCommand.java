package dev.ripple.bench.cli;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Defaults;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ripple jmh [JMH options] [benchmark regex]}: runs the JMH microbenchmarks in
 * dev.ripple.bench.jmh with JMH's own command line ({@code ripple jmh -h} lists its options).
 *
 * <p>It drives JMH's {@link Runner} rather than {@code org.openjdk.jmh.Main}: Main ends the JVM
 * with {@code System.exit} and prints a stack trace for any failure (a lock held by another JMH
 * run, say), while every ripple command ends in one line and an exit code, also when run in-process.
 */
@Command(name = "jmh", description = "Run the JMH microbenchmarks (arguments go to JMH; try 'ripple jmh -l').")
final class JmhCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "ARG", description = "JMH arguments, e.g. ExecutorBenchmark -p dtype=F16")
    List<String> args = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, RunnerException {
        CommandLineOptions options = jmhOptions();
        JmhFailures output = new JmhFailures(outputFormat(options));
        Runner runner = new Runner(options, output);
        if (options.shouldHelp()) {
            options.showHelp();
        } else if (options.shouldList()) {
            runner.list();
        } else if (options.shouldListWithParams()) {
            runner.listWithParams(options);
        } else if (options.shouldListProfilers()) {
            options.listProfilers();
        } else if (options.shouldListResultFormats()) {
            options.listResultFormats();
        } else {
            List<String> failed = output.failed(run(runner));
            if (!failed.isEmpty()) {
                throw new IllegalStateException(failed.size() + " benchmark run(s) failed, their errors printed above: "
                        + String.join(", ", failed));
            }
        }
        return 0;
    }

    /**
     * JMH's human-readable output, where JMH itself would print it: the {@code -o} file, else
     * standard output (which the run must not close).
     */
    private static OutputFormat outputFormat(CommandLineOptions options) throws IOException {
        PrintStream to = options.getOutput().hasValue()
                ? new PrintStream(new FileOutputStream(options.getOutput().get()), true, StandardCharsets.UTF_8)
                : new PrintStream(System.out, true, System.out.charset()) {
                    @Override
                    public void close() {
                        flush();
                    }
                };
        return OutputFormatFactory.createFormatInstance(to, options.verbosity().orElse(Defaults.VERBOSITY));
    }

    private CommandLineOptions jmhOptions() {
        try {
            // --help is ripple's spelling, which every refusal's hint names; JMH's is -h
            return new CommandLineOptions(
                    args.stream().map(a -> a.equals("--help") ? "-h" : a).toArray(String[]::new));
        } catch (CommandLineOptionException e) {
            throw new ParameterException(spec.commandLine(), "JMH: " + e.getMessage());
        }
    }

    private Collection<RunResult> run(Runner runner) throws RunnerException {
        try {
            return runner.run();
        } catch (NoBenchmarksException e) {
            throw new ParameterException(
                    spec.commandLine(),
                    "no benchmark matches " + String.join(" ", args) + " ('ripple jmh -l' lists them)");
        }
    }
}
