package dev.ripple.core.model;

import dev.ripple.core.ffn.kernels.KernelProvider;
import dev.ripple.core.ffn.kernels.Kernels;
import dev.ripple.core.format.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.stream.IntStream;

/**
 * A resident dense projection {@code y = W·x + b} (W stored [out, in], as the importers write it)
 * applied to every token of a sequence. The attention projections are most of an encoder's
 * arithmetic once the FFN is sparse, so they use the same Vector API kernels as the FFN, and
 * large sequences split the output rows across the cores. Each weight row is dotted with every
 * token while it is in the L1 cache.
 */
final class Linear {
    /** Below this many multiply-adds a call stays on the calling thread. */
    private static final long PARALLEL_WORK = 1L << 20;
    private static final int ROWS_PER_TASK = 32;

    private final MemorySegment weight;
    private final float[] bias;
    private final int in;
    private final int out;
    private final Kernels kernels;

    Linear(float[] weight, float[] bias, int in, int out) {
        this(weight, bias, in, out, KernelProvider.best());
    }

    Linear(float[] weight, float[] bias, int in, int out, Kernels kernels) {
        if ((long) in * out != weight.length || bias.length != out) {
            throw new IllegalArgumentException("linear [" + out + " x " + in + "]: weight has " + weight.length
                    + " elements and bias " + bias.length);
        }
        // Off-heap: the Vector API's loads from native segments are intrinsified; from heap
        // segments they were a measured hot spot (JFR: HeapMemorySegmentImpl.unsafeGetBase).
        this.weight = Arena.ofAuto().allocate(4L * weight.length, 64).copyFrom(MemorySegment.ofArray(weight));
        this.bias = bias;
        this.in = in;
        this.out = out;
        this.kernels = kernels;
    }

    /** One output row of {@code out} floats per input row. */
    float[][] apply(float[][] xs) {
        float[][] ys = new float[xs.length][out];
        long work = (long) xs.length * in * out;
        if (work < PARALLEL_WORK) {
            rows(0, out, xs, ys);
        } else {
            int tasks = (out + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
            IntStream.range(0, tasks).parallel()
                    .forEach(b -> rows(b * ROWS_PER_TASK, Math.min(out, (b + 1) * ROWS_PER_TASK), xs, ys));
        }
        return ys;
    }

    private void rows(int from, int to, float[][] xs, float[][] ys) {
        float[] four = new float[4];
        int n = xs.length;
        for (int j = from; j < to; j++) {
            long offset = 4L * j * in;
            int t = 0;
            for (; t + 4 <= n; t += 4) { // one pass over the row serves four tokens
                kernels.dot4(DType.F32, weight, offset, xs[t], xs[t + 1], xs[t + 2], xs[t + 3], in, null, four);
                for (int q = 0; q < 4; q++) {
                    ys[t + q][j] = four[q] + bias[j];
                }
            }
            for (; t < n; t++) {
                ys[t][j] = kernels.dot(DType.F32, weight, offset, xs[t], in, null) + bias[j];
            }
        }
    }
}
