package dev.ripple.bench.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.openjdk.jmh.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code ripple jmh [JMH options] [benchmark regex]}: runs the JMH microbenchmarks in
 * dev.ripple.bench.jmh with JMH's own command line ({@code ripple jmh -h} lists its options).
 */
@Command(name = "jmh", description = "Run the JMH microbenchmarks (arguments go to JMH; try 'ripple jmh -l').")
final class JmhCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "ARG", description = "JMH arguments, e.g. ExecutorBenchmark -p dtype=F16")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Main.main(args.toArray(String[]::new));
        return 0;
    }
}
