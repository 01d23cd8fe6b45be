package dev.ripple.bench.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.format.OutputFormat;

/**
 * JMH's own output, passed through unchanged, noting which benchmarks started: JMH prints a failed
 * benchmark's exception and goes on to the next (unless {@code -foe true}), and {@code Runner.run}
 * then returns only the results of those that finished, so a run whose every trial failed (a
 * {@code ReaderBenchmark} with {@code -p dataDir=} on a tmpfs, where O_DIRECT is refused) ended
 * with exit status 0. What started and left no result failed.
 */
final class JmhFailures implements OutputFormat {
    private final OutputFormat out;
    private final Map<String, BenchmarkParams> started = new LinkedHashMap<>();

    JmhFailures(OutputFormat out) {
        this.out = out;
    }

    /**
     * The benchmarks that started and have no result among {@code results}, each as its name and
     * parameters ({@code ReaderBenchmark.request reader=DIRECT queueDepth=1}). A bulk warm-up
     * (which measures nothing and so leaves no result) is not one.
     */
    List<String> failed(Collection<RunResult> results) {
        Set<String> finished = results.stream().map(r -> r.getParams().id()).collect(Collectors.toSet());
        List<String> failed = new ArrayList<>();
        for (BenchmarkParams p : started.values()) {
            if (p.getMeasurement().getCount() > 0 && !finished.contains(p.id())) {
                failed.add(describe(p));
            }
        }
        return failed;
    }

    private static String describe(BenchmarkParams p) {
        String name = p.getBenchmark();
        StringBuilder b = new StringBuilder(name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1));
        for (String key : p.getParamsKeys()) {
            b.append(' ').append(key).append('=').append(p.getParam(key));
        }
        return b.toString();
    }

    @Override
    public void startBenchmark(BenchmarkParams params) {
        started.put(params.id(), params);
        out.startBenchmark(params);
    }

    @Override
    public void iteration(BenchmarkParams benchParams, IterationParams params, int iteration) {
        out.iteration(benchParams, params, iteration);
    }

    @Override
    public void iterationResult(
            BenchmarkParams benchParams, IterationParams params, int iteration, IterationResult data) {
        out.iterationResult(benchParams, params, iteration, data);
    }

    @Override
    public void endBenchmark(BenchmarkResult result) {
        out.endBenchmark(result);
    }

    @Override
    public void startRun() {
        out.startRun();
    }

    @Override
    public void endRun(Collection<RunResult> result) {
        out.endRun(result);
    }

    @Override
    public void print(String s) {
        out.print(s);
    }

    @Override
    public void println(String s) {
        out.println(s);
    }

    @Override
    public void flush() {
        out.flush();
    }

    @Override
    public void close() {
        out.close();
    }

    @Override
    public void verbosePrintln(String s) {
        out.verbosePrintln(s);
    }

    @Override
    public void write(int b) {
        out.write(b);
    }

    @Override
    public void write(byte[] b) throws IOException {
        out.write(b);
    }
}
