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
import java.util.Random;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The sparse FFN executor on one token: Vector API against scalar kernels, f32 against f16
 * bundles, for a MiniLM-sized and a 7B-sized layer at a given fraction of active neurons.
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
        MemorySegment bundles = arena.allocate((long) active * spec.bundleBytes(), 64);
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
            refs.add(i, bundles, (long) i * spec.bundleBytes());
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
}
