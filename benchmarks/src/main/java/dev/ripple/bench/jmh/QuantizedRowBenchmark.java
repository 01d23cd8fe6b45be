package dev.ripple.bench.jmh;

import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.Quantization;
import dev.ripple.core.tensor.kernels.KernelProvider;
import dev.ripple.core.tensor.kernels.Kernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The one-token kernels on one OPT-125m FFN layer's rows (768 wide, 3,072 neurons) stored as
 * {@code dtype} in a native segment, as a mapped bundle file gives them: {@link #dot} is the up
 * (or gate) row of every neuron against one input, {@link #axpy} every down column added into one
 * output, what the sparse FFN does per active neuron in decode. The rows (2.5 MB as Q8_0) stay in
 * the last-level cache, so the figures are the kernels' compute, not the reads from flash.
 *
 * <pre>./ripple jmh QuantizedRowBenchmark</pre>
 */
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class QuantizedRowBenchmark extends ForkedBenchmark {
    private static final int D = 768;
    private static final int ROWS = 3072;

    @Param({"Q8_0", "Q4_0"})
    public DType dtype;

    private final Kernels kernels = KernelProvider.best();
    private Arena arena;
    private MemorySegment rows;
    private long rowBytes;
    private float[] x;
    private float[] y;
    private float[] out;
    private float[] scratch;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        rowBytes = dtype.bytes(D);
        rows = arena.allocate(rowBytes * ROWS, 64);
        Random rnd = new Random(1);
        float[] w = new float[D];
        for (int j = 0; j < ROWS; j++) {
            for (int k = 0; k < D; k++) {
                w[k] = (float) rnd.nextGaussian() * 0.05f;
            }
            Quantization.encode(dtype, w, 0, D, rows, j * rowBytes);
        }
        x = new float[D];
        for (int k = 0; k < D; k++) {
            x[k] = (float) rnd.nextGaussian();
        }
        y = new float[D];
        out = new float[ROWS];
        scratch = new float[D];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public float[] dot() {
        for (int j = 0; j < ROWS; j++) {
            out[j] = kernels.dot(dtype, rows, j * rowBytes, x, D, scratch);
        }
        return out;
    }

    @Benchmark
    public float[] axpy() {
        for (int j = 0; j < ROWS; j++) {
            kernels.axpy(dtype, x[j % D] * 1e-3f, rows, j * rowBytes, y, D, scratch);
        }
        return y;
    }
}
