package dev.ripple.bench.jmh;

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
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One MiniLM-sized projection (384 × 384, f32, in a native segment as a mapped file gives it)
 * applied to a sequence of tokens on one thread, by the three sequence kernels: one row against
 * four tokens ({@code dot4}, the former path), register tiles of four rows by three tokens
 * ({@code dotRows}) and four staged rows against vectors of transposed tokens
 * ({@code dotRowsTransposed}, the transpose included). Multiply-adds per call:
 * {@code rows × in × tokens}.
 *
 * <pre>./ripple jmh SequenceKernelBenchmark</pre>
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SequenceKernelBenchmark extends ForkedBenchmark {

    @Param({"32"})
    public int tokens;

    private static final int IN = 384;
    private static final int ROWS = 384;
    private final Kernels kernels = KernelProvider.best();
    private Arena arena;
    private MemorySegment weight;
    private float[][] xs;
    private float[] out;
    private float[] scratch;
    private final MemorySegment[] segments = new MemorySegment[4];
    private final long[] offsets = new long[4];

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        weight = arena.allocate(4L * IN * ROWS, 64);
        Random rnd = new Random(1);
        for (long i = 0; i < (long) IN * ROWS; i++) {
            weight.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) rnd.nextGaussian());
        }
        xs = new float[tokens][IN];
        for (float[] x : xs) {
            for (int k = 0; k < IN; k++) {
                x[k] = (float) rnd.nextGaussian();
            }
        }
        out = new float[4 * tokens];
        scratch = new float[4 * IN];
        Arrays.fill(segments, weight);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public float[] dot4() {
        float[] four = new float[4];
        for (int j = 0; j < ROWS; j++) {
            long at = 4L * j * IN;
            int t = 0;
            for (; t + 4 <= tokens; t += 4) {
                kernels.dot4(DType.F32, weight, at, xs[t], xs[t + 1], xs[t + 2], xs[t + 3], IN, null, four);
                System.arraycopy(four, 0, out, t, 4);
            }
            for (; t < tokens; t++) {
                out[t] = kernels.dot(DType.F32, weight, at, xs[t], IN, null);
            }
        }
        return out;
    }

    @Benchmark
    public float[] dotRows() {
        for (int j = 0; j < ROWS; j += 4) {
            for (int r = 0; r < 4; r++) {
                offsets[r] = 4L * (j + r) * IN;
            }
            kernels.dotRows(DType.F32, segments, offsets, 4, xs, null, tokens, IN, scratch, out);
        }
        return out;
    }

    @Benchmark
    public float[] dotRowsTransposed() {
        float[] xT = kernels.transpose(xs, tokens, IN);
        int stride = kernels.transposedStride(tokens);
        for (int j = 0; j < ROWS; j += 4) {
            for (int r = 0; r < 4; r++) {
                offsets[r] = 4L * (j + r) * IN;
            }
            kernels.dotRowsTransposed(DType.F32, segments, offsets, 4, xT, stride, tokens, IN, scratch, out);
        }
        return out;
    }
}
