package dev.ripple.bench.jmh;

import dev.ripple.core.ffn.BundleRefs;
import dev.ripple.core.ffn.SparseFfnExecutor;
import dev.ripple.core.format.FfnLayerSpec;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.kernels.KernelProvider;
import dev.ripple.core.tensor.kernels.Kernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The sparse FFN executor on one token ({@link #forward}) and on a few tokens at once
 * ({@link #forwardAll}, prefill): Vector API against scalar kernels, f32 against f16 bundles, for a
 * MiniLM-sized and a 7B-sized layer at a given fraction of active neurons.
 *
 * <pre>./ripple jmh ExecutorBenchmark</pre>
 */
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ExecutorBenchmark extends ForkedBenchmark {

    /** {@code dModel x dFfn}. */
    @Param({"384x1536", "4096x11008"})
    public String shape;

    @Param({"F32", "F16"})
    public DType dtype;

    @Param({"vector", "scalar"})
    public String kernels;

    @Param({"0.1"})
    public double activeFraction;

    /**
     * Where each bundle starts: {@code 1} back to back as a {@code .ripple} file stores them (an
     * f32 bundle of {@code 2·dModel + 1} floats is 4 bytes past a 64-byte multiple, so 15 in 16
     * bundles start off a cache line), {@code 64} each padded to a cache line, to weigh a padded
     * bundle stride in the file format.
     */
    @Param({"1"})
    public int bundleAlignment;

    private Arena arena;
    private SparseFfnExecutor executor;
    private BundleRefs refs;
    private float[] x;
    private float[] out;

    @Setup(Level.Trial)
    public void setUp() {
        String[] dims = shape.split("x");
        int d = Integer.parseInt(dims[0]);
        int n = Integer.parseInt(dims[1]);
        FfnLayerSpec spec = new FfnLayerSpec(0, d, n, Activation.GELU, false, dtype);
        int active = (int) Math.round(n * activeFraction);
        arena = Arena.ofShared();
        long stride = (spec.bundleBytes() + bundleAlignment - 1) / bundleAlignment * bundleAlignment;
        MemorySegment bundles = arena.allocate((long) active * stride, 64);
        Random rnd = new Random(1);
        for (long b = 0; b < bundles.byteSize() / 2; b++) {
            float v = (float) (rnd.nextGaussian() / Math.sqrt(d));
            bundles.set(
                    ValueLayout.JAVA_SHORT_UNALIGNED,
                    2 * b,
                    dtype == DType.F32 ? (short) (Float.floatToRawIntBits(v) >>> 16) : (short) DType.F16.encode(v));
        }
        Kernels k = kernels.equals("scalar") ? KernelProvider.scalar() : KernelProvider.best();
        executor = new SparseFfnExecutor(spec, new float[d], k);
        refs = new BundleRefs();
        for (int i = 0; i < active; i++) {
            refs.add(i, bundles, (long) i * stride);
        }
        x = new float[d];
        for (int i = 0; i < d; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        out = new float[d];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public float[] forward() {
        executor.forward(x, refs, out, null);
        return out;
    }

    /**
     * A few tokens whose union is the layer's active bundles, each token using about half of
     * them: its own parameter, so {@link #forward} is not run once per token count. At 384 × 1,536
     * the work stays under two parts' worth, so the sequence runs in one part on any machine; 4
     * tokens take the kernels' per-token path on a 16-float vector machine (AVX-512), 8 the
     * transposed one.
     */
    @State(Scope.Thread)
    public static class Sequence {
        @Param({"4", "8"})
        public int tokens;

        private float[][] xs;
        private float[][] outs;
        private int[] usersStart;
        private int[] users;

        @Setup(Level.Trial)
        public void setUp(ExecutorBenchmark layer) {
            int d = layer.executor.spec().dModel();
            int n = layer.refs.size();
            Random rnd = new Random(2);
            xs = new float[tokens][d];
            for (float[] x : xs) {
                for (int k = 0; k < d; k++) {
                    x[k] = (float) rnd.nextGaussian();
                }
            }
            outs = new float[tokens][d];
            usersStart = new int[n + 1];
            int[] all = new int[n * tokens];
            int count = 0;
            for (int i = 0; i < n; i++) {
                int first = count;
                for (int t = 0; t < tokens; t++) {
                    if (rnd.nextBoolean()) {
                        all[count++] = t;
                    }
                }
                if (count == first) { // every bundle of a union has a user
                    all[count++] = i % tokens;
                }
                usersStart[i + 1] = count;
            }
            users = Arrays.copyOf(all, count);
        }
    }

    @Benchmark
    public float[][] forwardAll(Sequence s) {
        executor.forwardAll(s.xs, refs, s.usersStart, s.users, s.outs);
        return s.outs;
    }
}
