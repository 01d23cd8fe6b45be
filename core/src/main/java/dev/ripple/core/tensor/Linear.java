package dev.ripple.core.tensor;

import dev.ripple.core.tensor.kernels.KernelProvider;
import dev.ripple.core.tensor.kernels.Kernels;
import java.lang.foreign.MemorySegment;
import java.util.stream.IntStream;

/**
 * A resident dense projection {@code y = W·x + b}, W stored [out, in] (PyTorch's layout, which the
 * importers keep), read in place from its {@link Tensor} in the stored type: a mapped f16 or Q4_0
 * matrix stays so in the mapped file, nothing is copied to the heap or dequantized ahead. Each output is one dot product over
 * a contiguous row, with the Vector API kernels. A sequence is transposed once and computed four
 * rows at a time against vectors of tokens ({@link Kernels#dotRowsTransposed}): each block of rows
 * is read once for all tokens, and no sum ends in a horizontal reduction; large calls split the
 * rows across the cores.
 *
 * <pre>{@code
 * Linear q = Linear.of(file.require("q.weight", 768, 768), file.tensor("q.bias").orElse(null));
 * float[] y = new float[768];
 * q.apply(x, y);                       // one token (decode)
 * float[][] ys = q.apply(xs);          // a sequence (prefill, the encoder)
 * }</pre>
 *
 * <p>Thread-safe: holds no per-call state.
 */
public final class Linear {
    /** Below this many multiply-adds a call stays on the calling thread. */
    private static final long PARALLEL_WORK = 1L << 20;

    private static final int ROWS_PER_TASK = 32;

    private final MemorySegment weight;
    private final DType dtype;
    private final float[] bias;
    private final int in;
    private final int out;
    private final Kernels kernels;

    /**
     * @param weight [out, in] in any float type, read in place
     * @param bias   [out], or null for none
     */
    public Linear(MemorySegment weight, DType dtype, int in, int out, float[] bias, Kernels kernels) {
        if (in <= 0
                || out <= 0
                || !dtype.holdsWeights()
                || in % dtype.blockSize() != 0
                || weight.byteSize() != dtype.bytes((long) in * out)) {
            throw new IllegalArgumentException("linear [" + out + " x " + in + "] of " + dtype.label() + ": weight has "
                    + weight.byteSize() + " bytes");
        }
        if (bias != null && bias.length != out) {
            throw new IllegalArgumentException(
                    "linear [" + out + " x " + in + "]: bias has " + bias.length + " elements");
        }
        this.weight = weight;
        this.dtype = dtype;
        this.bias = bias == null ? null : bias.clone();
        this.in = in;
        this.out = out;
        this.kernels = kernels;
    }

    /** The projection of a [out, in] weight tensor and an optional [out] bias tensor. */
    public static Linear of(Tensor weight, Tensor bias) {
        return of(weight, bias, KernelProvider.best());
    }

    public static Linear of(Tensor weight, Tensor bias, Kernels kernels) {
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("linear weight " + weight.describe() + " is not a matrix");
        }
        int out = Math.toIntExact(weight.dim(0));
        int in = Math.toIntExact(weight.dim(1));
        if (bias != null && bias.elementCount() != out) {
            throw new IllegalArgumentException("bias " + bias.describe() + " does not fit weight " + weight.describe());
        }
        return new Linear(weight.data(), weight.dtype(), in, out, bias == null ? null : bias.toFloatArray(), kernels);
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    public DType dtype() {
        return dtype;
    }

    /** Bytes of the weight matrix (what one pass over it reads from memory). */
    public long weightBytes() {
        return weight.byteSize();
    }

    /**
     * One token: {@code y = W·x + b}, each row streamed once, the rows split across the cores
     * ({@link RowSplit}) when the matrix is larger than the L2 cache. Non-f32 rows are widened
     * into a per-thread scratch, not a new array per call (the split itself allocates a few small
     * objects).
     */
    public void apply(float[] x, float[] y) {
        check(x, y);
        RowSplit.run(out, weight.byteSize(), (from, to) -> row(from, to, x, y, WIDENING.floats(in)));
    }

    /**
     * One token through several projections of the same input (a layer's q, k and v): {@code ys[i]
     * = linears[i]·x + b_i}, as one split across the cores, so that the three small products cost
     * one hand-off instead of three.
     */
    public static void applyEach(float[] x, Linear[] linears, float[][] ys) {
        int total = 0;
        long bytes = 0;
        for (int i = 0; i < linears.length; i++) {
            linears[i].check(x, ys[i]);
            total += linears[i].out;
            bytes += linears[i].weight.byteSize();
        }
        RowSplit.run(total, bytes, (from, to) -> {
            int base = 0;
            for (int i = 0; i < linears.length && base < to; i++) {
                Linear l = linears[i];
                int lo = Math.max(from, base);
                int hi = Math.min(to, base + l.out);
                if (lo < hi) {
                    l.row(lo - base, hi - base, x, ys[i], WIDENING.floats(l.in));
                }
                base += l.out;
            }
        });
    }

    private void check(float[] x, float[] y) {
        if (x.length < in || y.length < out) {
            throw new IllegalArgumentException(
                    "linear [" + out + " x " + in + "]: input " + x.length + ", output " + y.length);
        }
    }

    /** Where a non-f32 row is widened: reused, so a decode step allocates nothing for it. */
    private static final ThreadScratch WIDENING = new ThreadScratch();

    /** One output row of {@code out} floats per input row. */
    public float[][] apply(float[][] xs) {
        float[][] ys = new float[xs.length][out];
        apply(xs, xs.length, ys);
        return ys;
    }

    /** The first {@code n} rows: {@code ys[t] = W·xs[t] + b}. */
    public void apply(float[][] xs, int n, float[][] ys) {
        long work = (long) n * in * out;
        // The tokens transposed once for all rows, unless padding them to whole vectors would waste
        // more than it saves (a handful of tokens).
        int stride = kernels.transposedStride(n);
        float[] xT = stride <= 2 * n ? kernels.transpose(xs, n, in) : null;
        if (work < PARALLEL_WORK) {
            rows(0, out, xs, xT, stride, n, ys);
        } else {
            int tasks = (out + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
            IntStream.range(0, tasks)
                    .parallel()
                    .forEach(b ->
                            rows(b * ROWS_PER_TASK, Math.min(out, (b + 1) * ROWS_PER_TASK), xs, xT, stride, n, ys));
        }
    }

    private void row(int from, int to, float[] x, float[] y, float[] scratch) {
        long rowBytes = dtype.bytes(in);
        for (int j = from; j < to; j++) {
            y[j] = kernels.dot(dtype, weight, j * rowBytes, x, in, scratch) + (bias == null ? 0f : bias[j]);
        }
    }

    /**
     * Rows [from, to) for every token, four rows at a time: the block's rows are staged once and
     * stay in the L1 cache while all the tokens pass, as vectors of transposed tokens
     * ({@link Kernels#dotRowsTransposed}) or, for a few tokens, in tiles ({@link Kernels#dotRows}).
     */
    private void rows(int from, int to, float[][] xs, float[] xT, int stride, int n, float[][] ys) {
        float[] scratch = new float[Kernels.MAX_ROWS * in];
        float[] block = new float[Kernels.MAX_ROWS * n];
        MemorySegment[] segments = {weight, weight, weight, weight};
        long[] offsets = new long[Kernels.MAX_ROWS];
        long rowBytes = dtype.bytes(in);
        for (int j = from; j < to; j += Kernels.MAX_ROWS) {
            int rows = Math.min(Kernels.MAX_ROWS, to - j);
            for (int r = 0; r < rows; r++) {
                offsets[r] = (j + r) * rowBytes;
            }
            if (xT != null) {
                kernels.dotRowsTransposed(dtype, segments, offsets, rows, xT, stride, n, in, scratch, block);
            } else {
                kernels.dotRows(dtype, segments, offsets, rows, xs, null, n, in, scratch, block);
            }
            for (int r = 0; r < rows; r++) {
                float b = bias == null ? 0f : bias[j + r];
                for (int t = 0; t < n; t++) {
                    ys[t][j + r] = block[r * n + t] + b;
                }
            }
        }
    }
}
