package dev.ripple.core.tensor.kernels;

import dev.ripple.core.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The inner loops of a sparse FFN over bundles stored as {@code dtype} in a memory segment: a dot
 * product with the input (up and gate rows) and a scaled add into the output (down column), one
 * token at a time (decode) or for a sequence at once (prefill, the encoder: {@link #dotRows},
 * {@link #dotRowsTransposed}, {@link #axpyRows}); and the encoder's element-wise and attention
 * steps on a whole block ({@link #gelu}, {@link #attention}).
 * Two implementations: {@link VectorKernels} (Vector API) and {@link ScalarKernels}, the reference;
 * {@link KernelProvider} picks one at start-up. No vector type appears in this interface.
 * Each gives the same bits for the same inputs on every call, compiled by the JIT or not: the
 * vector one sums lanes in one fixed order and computes its exponentials with plain arithmetic,
 * never with the Vector API's reductions or transcendental lane operations, which C2 and the
 * interpreter round differently. The two implementations differ from each other in the last bits.
 */
public interface Kernels {

    /** Short name for logs and reports ({@code vector-256}, {@code scalar}). */
    String name();

    /**
     * Σ_k x[k] · w[k] for the n elements of type {@code dtype} starting at {@code byteOffset}.
     *
     * @param scratch at least n floats, used by implementations that widen f16 first (and by the
     *     vector one to sum its lanes, when given; with f32 it may be null)
     */
    float dot(DType dtype, MemorySegment segment, long byteOffset, float[] x, int n, float[] scratch);

    /** y[k] += a · w[k] for the n elements of type {@code dtype} starting at {@code byteOffset}. */
    void axpy(DType dtype, float a, MemorySegment segment, long byteOffset, float[] y, int n, float[] scratch);

    /**
     * Four dot products of one row with four inputs, {@code out[i] = Σ_k xs[i][k] · w[k]}: when a
     * sequence is computed at once, a row loaded (and widened) once serves four tokens.
     */
    void dot4(
            DType dtype,
            MemorySegment segment,
            long byteOffset,
            float[] x0,
            float[] x1,
            float[] x2,
            float[] x3,
            int n,
            float[] scratch,
            float[] out);

    /** Four scaled adds of one row, {@code y_i[k] += a_i · w[k]}, loading the row once. */
    void axpy4(
            DType dtype,
            float a0,
            float a1,
            float a2,
            float a3,
            MemorySegment segment,
            long byteOffset,
            float[] y0,
            float[] y1,
            float[] y2,
            float[] y3,
            int n,
            float[] scratch);

    /** Weight rows one call of {@link #dotRows} or {@link #axpyRows} takes at most. */
    int MAX_ROWS = 4;

    /**
     * Dot products of up to {@link #MAX_ROWS} weight rows with a set of tokens, for a sequence
     * (prefill, the encoder): {@code out[r * count + c] = Σ_k w_r[k] · xs[tokens[c]][k]}. The vector
     * implementation keeps a tile of rows × tokens accumulators in registers, so each step of a row
     * is loaded (and widened) once for several tokens and each step of a token once for several rows,
     * instead of streaming the row once per token.
     *
     * @param segments the rows' segments, {@code rows} of them used
     * @param offsets  each row's byte offset in its segment
     * @param tokens   indices into {@code xs}, or null for {@code 0 .. count}
     * @param scratch  at least {@code rows × n} floats, used by implementations that stage or widen the rows first
     * @param out      at least {@code rows × count} floats
     */
    void dotRows(
            DType dtype,
            MemorySegment[] segments,
            long[] offsets,
            int rows,
            float[][] xs,
            int[] tokens,
            int count,
            int n,
            float[] scratch,
            float[] out);

    /**
     * Scaled adds of up to {@link #MAX_ROWS} weight rows into a set of tokens' outputs:
     * {@code ys[tokens[c]][k] += Σ_r coefficients[r * count + c] · w_r[k]}, the rows added in order
     * r = 0, 1, ... A zero coefficient adds nothing. The vector implementation loads and stores each
     * output vector once per block of rows rather than once per row.
     *
     * @param tokens  indices into {@code ys}, or null for {@code 0 .. count}
     * @param scratch at least {@code rows × n} floats, used by implementations that stage or widen the rows first
     */
    void axpyRows(
            DType dtype,
            MemorySegment[] segments,
            long[] offsets,
            int rows,
            float[] coefficients,
            float[][] ys,
            int[] tokens,
            int count,
            int n,
            float[] scratch);

    /**
     * Exact GELU, {@code v[i] = v[i]·Φ(v[i])}, in place over {@code v[from, to)}: the activation of
     * the encoders' FFN, applied to a block of pre-activations at once. The scalar reference is
     * {@link dev.ripple.core.tensor.Activation#GELU} (the error function to double precision); the
     * vector one evaluates erf in float with a rational approximation (absolute error below 4e-7
     * in GELU for |x| ≤ 1, growing as |x|·3e-7 beyond), well under the f32 matrices' own rounding,
     * and gives each value the same bits whether the JIT has compiled it yet or not.
     */
    void gelu(float[] v, int from, int to);

    /**
     * Self-attention of one head over a whole sequence without a mask (one unpadded passage, as
     * the encoder runs): {@code out[i] = Σ_j softmax_j(scale · q[i]·k[j]) · v[j]}, the scale, the
     * softmax and the weighted sum fused per query. The head's rows are packed:
     * {@code q[i·dh + c]}, and the same for {@code k}, {@code v} and {@code out}.
     *
     * @param scratch at least {@code n·dh + n} floats
     */
    void attention(float[] q, float[] k, float[] v, int n, int dh, float scale, float[] scratch, float[] out);

    /**
     * As {@link #dotRows} for every token of a sequence given transposed, {@code xT[k·stride + t]}
     * for t below {@code count} ({@link #transpose} makes it): {@code out[r·count + t] = Σ_k w_r[k]·xT[k·stride + t]}.
     * The vector implementation broadcasts each weight and runs vectors over tokens, so a sum is
     * one chain of fused multiply-adds in k order with no horizontal reduction at the end, which
     * for rows as short as an encoder's (384) costs as much as the products.
     *
     * @param stride  at least {@code count}, rounded up to whole vectors by {@link #transposedStride}
     * @param scratch at least {@code rows × n} floats
     * @param out     at least {@code rows × count} floats
     */
    void dotRowsTransposed(
            DType dtype,
            MemorySegment[] segments,
            long[] offsets,
            int rows,
            float[] xT,
            int stride,
            int count,
            int n,
            float[] scratch,
            float[] out);

    /** The row length {@link #transpose} pads {@code count} tokens to (whole vectors, zeros after count). */
    int transposedStride(int count);

    /** {@code xT[k·stride + t] = xs[t][k]} for t below count and k below n; zeros up to the stride. */
    default float[] transpose(float[][] xs, int count, int n) {
        float[] xT = new float[n * transposedStride(count)];
        transpose(xs, count, n, xT);
        return xT;
    }

    /**
     * As {@link #transpose(float[][], int, int)} into {@code xT}, which may hold anything before
     * (a reused array): the padding after count is written with zeros too, so a tile over it sums
     * zeros, not a previous sequence's values.
     *
     * @param xT at least {@code n · transposedStride(count)} floats; those after them are left as they are
     */
    default void transpose(float[][] xs, int count, int n, float[] xT) {
        int stride = transposedStride(count);
        for (int k = 0; k < n; k++) {
            Arrays.fill(xT, k * stride + count, (k + 1) * stride, 0f);
        }
        for (int t = 0; t < count; t++) {
            float[] x = xs[t];
            for (int k = 0; k < n; k++) {
                xT[k * stride + t] = x[k];
            }
        }
    }
}
