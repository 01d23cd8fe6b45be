package dev.ripple.bench.harness;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's memory bandwidth the way STREAM measures it: simple loops over float arrays much
 * larger than the CPU caches, split across {@code threads} platform threads, best of several
 * passes. Decode reads each weight once per token, so its roofline is the weight bytes over this
 * bandwidth; measuring it in the same run as the decode puts both under the same machine load.
 * Three kernels: {@code copy} (c = a; 8 bytes per element), {@code triad} (a = b + s·c; 12 bytes)
 * and {@code read} (a sum over a, 4 bytes: the pattern of a matrix-vector product). Counted bytes
 * are STREAM's (write-allocate traffic not counted).
 *
 * <pre>{@code
 * StreamBandwidth.Result r = StreamBandwidth.measure(16 << 20, 2, 5);
 * double gbs = r.bestGBs();   // the roofline's bandwidth
 * }</pre>
 *
 * <p>{@link dev.ripple.bench.jmh.MemoryBandwidthBenchmark} runs the same kernels under JMH.
 */
public final class StreamBandwidth {
    /**
     * Floats per array by default: 256 MiB each, the working set of a small model's weights. With
     * 64 MiB arrays this VM measured up to twice the bandwidth a 480 MiB read of a model file gets
     * (a host cache larger than the 32 MiB L3 the guest sees, presumably), which would make the
     * roofline unreachable for a reason that has nothing to do with the decoder.
     */
    public static final int DEFAULT_ELEMENTS = 64 << 20;

    private StreamBandwidth() {}

    /**
     * Bandwidth of each kernel, GB/s (10^9 bytes per second).
     *
     * @param elements floats per array
     * @param threads  threads sharing every pass
     */
    public record Result(double copyGBs, double triadGBs, double readGBs, int elements, int threads) {
        /** Each kernel's best of this and {@code o}: on a shared machine the highest is the closest to the hardware. */
        public Result max(Result o) {
            return new Result(
                    Math.max(copyGBs, o.copyGBs),
                    Math.max(triadGBs, o.triadGBs),
                    Math.max(readGBs, o.readGBs),
                    elements,
                    threads);
        }

        /** The highest of the three: the roofline uses it so that no fraction is flattered by a slow kernel. */
        public double bestGBs() {
            return Math.max(copyGBs, Math.max(triadGBs, readGBs));
        }
    }

    /** Runs every kernel {@code passes} times over three arrays of {@code elements} floats and keeps each one's best pass. */
    public static Result measure(int elements, int threads, int passes) {
        if (elements < 1024 || threads < 1 || passes < 1) {
            throw new IllegalArgumentException("bandwidth needs >= 1024 elements, threads and passes >= 1: " + elements
                    + ", " + threads + ", " + passes);
        }
        float[] a = new float[elements];
        float[] b = new float[elements];
        float[] c = new float[elements];
        Arrays.fill(a, 1f);
        Arrays.fill(b, 2f);
        Arrays.fill(c, 0.5f);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "stream-bandwidth");
            t.setDaemon(true);
            return t;
        });
        try {
            double copy = 0;
            double triad = 0;
            double read = 0;
            double[] sink = new double[1];
            // Compile the kernels first: a Vector API loop run by the interpreter is a hundred times slower.
            int small = Math.min(elements, 1 << 14);
            for (int w = 0; w < 3000; w++) {
                copy(a, c, 0, small);
                triad(a, b, c, 3f, 0, small);
                sink[0] += sum(a, 0, small);
            }
            for (int p = 0; p < passes; p++) {
                copy = Math.max(
                        copy, 8.0 * elements / time(pool, threads, elements, (from, to) -> copy(a, c, from, to)));
                triad = Math.max(
                        triad,
                        12.0 * elements / time(pool, threads, elements, (from, to) -> triad(a, b, c, 3f, from, to)));
                read = Math.max(
                        read,
                        4.0 * elements / time(pool, threads, elements, (from, to) -> sink[0] += sum(a, from, to)));
            }
            if (Double.isNaN(sink[0])) {
                throw new AssertionError("unreachable: keeps the sum alive");
            }
            return new Result(copy, triad, read, elements, threads);
        } finally {
            pool.shutdownNow();
        }
    }

    /** A kernel over the element range [from, to). */
    @FunctionalInterface
    interface Slice {
        void run(int from, int to);
    }

    /** Nanoseconds of one pass with the range split evenly across the threads. */
    private static double time(ExecutorService pool, int threads, int elements, Slice kernel) {
        List<Callable<Void>> parts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int from = (int) ((long) elements * t / threads);
            int to = (int) ((long) elements * (t + 1) / threads);
            parts.add(() -> {
                kernel.run(from, to);
                return null;
            });
        }
        long start = System.nanoTime();
        try {
            for (Future<Void> f : pool.invokeAll(parts)) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("bandwidth pass failed: " + e.getMessage(), e);
        }
        return System.nanoTime() - start;
    }

    /** STREAM copy: {@code c[i] = a[i]}. */
    public static void copy(float[] a, float[] c, int from, int to) {
        System.arraycopy(a, from, c, from, to - from);
    }

    /** STREAM triad: {@code a[i] = b[i] + s·c[i]}. */
    public static void triad(float[] a, float[] b, float[] c, float s, int from, int to) {
        for (int i = from; i < to; i++) {
            a[i] = b[i] + s * c[i];
        }
    }

    /**
     * A read-only pass with the Vector API, four independent vector sums: a scalar loop is bound by
     * the add latency (about 6 GB/s per core) long before the memory is; this reads as a decode
     * kernel does. {@link #sumScalar} is its reference.
     */
    public static float sum(float[] a, int from, int to) {
        VectorSpecies<Float> s = FloatVector.SPECIES_PREFERRED;
        int len = s.length();
        FloatVector s0 = FloatVector.zero(s);
        FloatVector s1 = FloatVector.zero(s);
        FloatVector s2 = FloatVector.zero(s);
        FloatVector s3 = FloatVector.zero(s);
        int i = from;
        for (; i + 4 * len <= to; i += 4 * len) {
            s0 = s0.add(FloatVector.fromArray(s, a, i));
            s1 = s1.add(FloatVector.fromArray(s, a, i + len));
            s2 = s2.add(FloatVector.fromArray(s, a, i + 2 * len));
            s3 = s3.add(FloatVector.fromArray(s, a, i + 3 * len));
        }
        float total = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < to; i++) {
            total += a[i];
        }
        return total;
    }

    /** The scalar twin of {@link #sum}. */
    public static float sumScalar(float[] a, int from, int to) {
        double total = 0;
        for (int i = from; i < to; i++) {
            total += a[i];
        }
        return (float) total;
    }
}
