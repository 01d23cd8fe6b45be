package dev.ripple.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The JMH settings the benchmarks of this package share, in one place. JMH reads class
 * annotations through the superclasses, the nearest one winning (JMH sample 24, inheritance), so
 * a benchmark states here only what differs: its iterations, and its mode or unit where they do.
 *
 * <p>One fork, whose JVM gets the Vector API module and native access itself: {@code ripple jmh}
 * starts JMH in a JVM that already has them (and JMH passes the host's flags on to the fork), but
 * JMH started any other way would otherwise fork without them, and the kernels would fall back to
 * the scalar ones and the readers lose their native calls without the figures saying so.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {ForkedBenchmark.VECTOR_MODULE, ForkedBenchmark.NATIVE_ACCESS})
abstract class ForkedBenchmark {
    /** For a benchmark that states its own {@code @Fork} (which replaces this one, not adds to it). */
    static final String VECTOR_MODULE = "--add-modules=jdk.incubator.vector";

    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
}
