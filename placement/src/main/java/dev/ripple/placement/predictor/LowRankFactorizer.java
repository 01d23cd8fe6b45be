package dev.ripple.placement.predictor;

import dev.ripple.core.activity.LowRankPredictor;
import dev.ripple.core.ffn.FfnLayerWeights;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Truncated SVD of an FFN layer's up projection (gate projection when gated) for the
 * {@link LowRankPredictor}, by a randomized range finder with subspace iteration (Halko,
 * Martinsson &amp; Tropp 2011): cost grows with {@code dFfn·dModel·rank}, so 16k-neuron layers
 * factor in seconds where a full SVD would not.
 *
 * <pre>{@code
 * LowRankPredictor.Factors f = LowRankFactorizer.factor(weights, 96, 42);
 * }</pre>
 */
public final class LowRankFactorizer {
    private static final int OVERSAMPLE = 10;
    private static final int POWER_ITERATIONS = 2;

    private LowRankFactorizer() {
    }

    /** Rank-{@code rank} factors of layer {@code w}; deterministic for a given seed. */
    public static LowRankPredictor.Factors factor(FfnLayerWeights w, int rank, long seed) {
        int n = w.spec().dFfn();
        int d = w.spec().dModel();
        if (rank <= 0 || rank > Math.min(n, d)) {
            throw new IllegalArgumentException("layer " + w.spec().index() + ": rank must be in 1.." + Math.min(n, d)
                    + ", got " + rank);
        }
        float[] rows = w.spec().gated() ? w.gate() : w.up();
        float[] bias = w.spec().gated() ? w.gateBias() : w.upBias();
        int k = Math.min(d, rank + OVERSAMPLE);

        // Orthonormal basis Q [d × k] of the dominant row space of W [n × d].
        Random rnd = new Random(seed);
        double[][] omega = new double[d][k];
        for (double[] row : omega) {
            for (int j = 0; j < k; j++) {
                row[j] = rnd.nextGaussian();
            }
        }
        RealMatrix q = orthonormal(omega);
        for (int it = 0; it < POWER_ITERATIONS; it++) {
            double[][] y = multiplyW(rows, n, d, q);           // W·Q        [n × k]
            q = orthonormal(multiplyWt(rows, n, d, y, k));     // Wᵀ·(W·Q)   [d × k]
        }
        // Within span(Q): W·Q = C [n × k]; the top right singular vectors of C give the rotation.
        double[][] c = multiplyW(rows, n, d, q);
        RealMatrix cm = new Array2DRowRealMatrix(c, false);
        EigenDecomposition eig = new EigenDecomposition(cm.transpose().multiply(cm));
        int[] order = descending(eig.getRealEigenvalues());
        RealMatrix v = new Array2DRowRealMatrix(k, rank);
        for (int j = 0; j < rank; j++) {
            v.setColumnVector(j, eig.getEigenvector(order[j]));
        }
        RealMatrix aMatrix = q.multiply(v);                   // A = Q·V  [d × r], orthonormal columns
        double[][] aRows = aMatrix.getData();
        double[][] proj = multiplyW(rows, n, d, aMatrix);    // W·A      [n × r] = Bᵀ

        float[] a = new float[d * rank];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < rank; j++) {
                a[i * rank + j] = (float) aRows[i][j];
            }
        }
        float[] b = new float[rank * n];
        float[] residual = new float[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < rank; j++) {
                b[j * n + i] = (float) proj[i][j];
            }
            // ‖w_i − (W·A·Aᵀ)_i‖² = ‖w_i‖² − ‖(W·A)_i‖², since A has orthonormal columns.
            double total = 0;
            for (int t = 0; t < d; t++) {
                double x = rows[i * d + t];
                total += x * x;
            }
            double kept = 0;
            for (int j = 0; j < rank; j++) {
                kept += proj[i][j] * proj[i][j];
            }
            residual[i] = (float) Math.sqrt(Math.max(0, total - kept));
        }
        return new LowRankPredictor.Factors(d, rank, n, a, b, bias.clone(), residual, w.spec().activation());
    }

    private static RealMatrix orthonormal(double[][] m) {
        RealMatrix q = new QRDecomposition(new Array2DRowRealMatrix(m, false)).getQ();
        return q.getSubMatrix(0, m.length - 1, 0, m[0].length - 1);
    }

    /** W [n × d] (row-major floats) times M [d × k]. */
    private static double[][] multiplyW(float[] w, int n, int d, RealMatrix m) {
        int k = m.getColumnDimension();
        double[][] md = m.getData();
        double[][] out = new double[n][k];
        for (int i = 0; i < n; i++) {
            double[] o = out[i];
            int row = i * d;
            for (int t = 0; t < d; t++) {
                double wv = w[row + t];
                double[] mr = md[t];
                for (int j = 0; j < k; j++) {
                    o[j] += wv * mr[j];
                }
            }
        }
        return out;
    }

    /** Wᵀ [d × n] times Y [n × k]. */
    private static double[][] multiplyWt(float[] w, int n, int d, double[][] y, int k) {
        double[][] out = new double[d][k];
        for (int i = 0; i < n; i++) {
            int row = i * d;
            double[] yi = y[i];
            for (int t = 0; t < d; t++) {
                double wv = w[row + t];
                double[] o = out[t];
                for (int j = 0; j < k; j++) {
                    o[j] += wv * yi[j];
                }
            }
        }
        return out;
    }

    private static int[] descending(double[] values) {
        return java.util.stream.IntStream.range(0, values.length).boxed()
                .sorted((x, y) -> Double.compare(values[y], values[x])).mapToInt(Integer::intValue).toArray();
    }
}
