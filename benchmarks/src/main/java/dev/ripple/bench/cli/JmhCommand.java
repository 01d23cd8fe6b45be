package dev.ripple.bench.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
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
        Runner runner = new Runner(options);
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
            run(runner);
        }
        return 0;
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

    private void run(Runner runner) throws RunnerException {
        try {
            runner.run();
        } catch (NoBenchmarksException e) {
            throw new ParameterException(
                    spec.commandLine(),
                    "no benchmark matches " + String.join(" ", args) + " ('ripple jmh -l' lists them)");
        }
    }
}
