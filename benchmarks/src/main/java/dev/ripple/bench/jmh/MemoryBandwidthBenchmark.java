package dev.ripple.bench.jmh;

import dev.ripple.bench.harness.StreamBandwidth;
import java.util.Arrays;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * STREAM-like memory bandwidth (the decode roofline's denominator), with the kernels of
 * {@link StreamBandwidth}: one operation is one pass over arrays of {@code elements} floats (128 MiB
 * each by default, three per thread: 768 MiB in all, beyond any cache of this VM's host). Bytes per pass: copy 8·elements, triad 12·elements, read 4·elements; GB/s =
 * bytes / (µs per op · 1000). Two JMH threads, each on its own arrays, load both cores as decode does
 * ({@code -t 1} for one core). {@code ripple decode-speed} measures the same kernels in its own run.
 *
 * <pre>./ripple jmh MemoryBandwidthBenchmark</pre>
 */
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(2)
@Fork(
        value = 1,
        jvmArgsAppend = {ForkedBenchmark.VECTOR_MODULE, ForkedBenchmark.NATIVE_ACCESS, "-Xmx2g"})
public class MemoryBandwidthBenchmark extends ForkedBenchmark {
    @Param({"33554432"})
    int elements;

    float[] a;
    float[] b;
    float[] c;

    @Setup
    public void setUp() {
        a = new float[elements];
        b = new float[elements];
        c = new float[elements];
        Arrays.fill(a, 1f);
        Arrays.fill(b, 2f);
        Arrays.fill(c, 0.5f);
    }

    @Benchmark
    public float[] copy() {
        StreamBandwidth.copy(a, c, 0, elements);
        return c;
    }

    @Benchmark
    public float[] triad() {
        StreamBandwidth.triad(a, b, c, 3f, 0, elements);
        return a;
    }

    @Benchmark
    public float read() {
        return StreamBandwidth.sum(a, 0, elements);
    }
}
