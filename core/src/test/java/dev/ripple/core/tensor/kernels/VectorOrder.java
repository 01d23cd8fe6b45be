package dev.ripple.core.tensor.kernels;

/**
 * The orders in which {@link VectorKernels} sums a dot product, written out lane by lane in scalar
 * Java for the tests that compare the kernels with them bit for bit ({@link KernelsTest},
 * {@link SumOrderTest}). Written independently of the kernels' own code: each lane is an array
 * element, each fused multiply-add a {@link Math#fma}.
 */
final class VectorOrder {
    private VectorOrder() {}

    /**
     * {@code dot}'s order: four accumulators over blocks of four vectors, then the first one over
     * single vectors, the lanes summed {@code (acc0 + acc1) + (acc2 + acc3)}, the halving tree, the
     * scalar tail.
     */
    static float fourChainDot(float[] w, float[] x, int n, int lanes) {
        float[][] acc = new float[4][lanes];
        int k = 0;
        int upper4 = n - n % (4 * lanes);
        for (; k < upper4; k += 4 * lanes) {
            for (int a = 0; a < 4; a++) {
                for (int l = 0; l < lanes; l++) {
                    int i = k + a * lanes + l;
                    acc[a][l] = Math.fma(w[i], x[i], acc[a][l]);
                }
            }
        }
        int upper = n - n % lanes;
        for (; k < upper; k += lanes) {
            for (int l = 0; l < lanes; l++) {
                acc[0][l] = Math.fma(w[k + l], x[k + l], acc[0][l]);
            }
        }
        float[] v = new float[lanes];
        for (int l = 0; l < lanes; l++) {
            v[l] = (acc[0][l] + acc[1][l]) + (acc[2][l] + acc[3][l]);
        }
        return tail(tree(v), w, x, upper, n);
    }

    /** {@code dot4}'s and {@code dotRows}' order for one token: one accumulator, the halving tree, the scalar tail. */
    static float oneChainDot(float[] w, float[] x, int n, int lanes) {
        float[] acc = new float[lanes];
        int upper = n - n % lanes;
        for (int k = 0; k < upper; k += lanes) {
            for (int l = 0; l < lanes; l++) {
                acc[l] = Math.fma(w[k + l], x[k + l], acc[l]);
            }
        }
        return tail(tree(acc), w, x, upper, n);
    }

    /**
     * The fused Q4_0 dot's order ({@code QuantizedVectors.dotQ4}): per 32-weight block, lane l's
     * partial sum takes {@code q·x} of the block's weights l, l + lanes, ... in order (a multiply,
     * then fused multiply-adds); even blocks go into one accumulator and odd ones into another,
     * {@code acc = fma(partial, d_b, acc)}; the two are added lane by lane, then the halving tree.
     *
     * @param q the n weights' integer values (nibbles less 8)
     * @param d the n / 32 blocks' scales
     */
    static float blockDot(int[] q, float[] d, float[] x, int n, int lanes) {
        float[][] acc = new float[2][lanes];
        for (int b = 0; b < n / 32; b++) {
            for (int l = 0; l < lanes; l++) {
                float partial = 0f;
                for (int i = 0; i < 32 / lanes; i++) {
                    int k = b * 32 + i * lanes + l;
                    partial = i == 0 ? (float) q[k] * x[k] : Math.fma((float) q[k], x[k], partial);
                }
                acc[b % 2][l] = Math.fma(partial, d[b], acc[b % 2][l]);
            }
        }
        float[] v = new float[lanes];
        for (int l = 0; l < lanes; l++) {
            v[l] = acc[0][l] + acc[1][l];
        }
        return tree(v);
    }

    /** The lanes' sum, lane i adding lane i + half at each halving step; overwrites {@code v}. */
    private static float tree(float[] v) {
        for (int half = v.length / 2; half >= 1; half /= 2) {
            for (int i = 0; i < half; i++) {
                v[i] = v[i] + v[i + half];
            }
        }
        return v[0];
    }

    /** {@code sum} plus the products from {@code from} to {@code n}, one by one in order. */
    private static float tail(float sum, float[] w, float[] x, int from, int n) {
        for (int k = from; k < n; k++) {
            sum += x[k] * w[k];
        }
        return sum;
    }
}
