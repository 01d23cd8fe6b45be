package dev.ripple.placement.predictor;

import dev.ripple.core.activity.LowRankPredictor;
import dev.ripple.core.ffn.FfnLayerWeights;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.apache.commons.math3.exception.MathArithmeticException;
import org.apache.commons.math3.exception.MathIllegalArgumentException;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Truncated SVD of an FFN layer's up projection (gate projection when gated) for the
 * {@link LowRankPredictor}, by a randomized range finder with subspace iteration (Halko,
 * Martinsson &amp; Tropp 2011): cost grows with {@code dFfn·dModel·rank}, so 16k-neuron layers
 * factor in seconds where a full SVD would not. Given the moments of the layer's profiled inputs
 * it fits the factors to those inputs instead of to all directions alike, which predicts far
 * better at the same rank (docs/DESIGN.md). Given the joint moments of the FFN inputs and the layer
 * inputs it fits factors that predict the FFN's neurons from the layer input instead, for a read
 * that starts before attention ({@link #factorAhead}).
 *
 * <pre>{@code
 * LowRankPredictor.Factors plain = LowRankFactorizer.factor(weights, 96, 42);
 * LowRankPredictor.Factors fitted = LowRankFactorizer.factor(weights, 96, 42, trace.inputMoments().get(layer));
 * LowRankPredictor.Factors ahead = LowRankFactorizer.factorAhead(weights, 96, 42, aheadMoments);
 * }</pre>
 */
public final class LowRankFactorizer {
    private static final int OVERSAMPLE = 10;
    private static final int POWER_ITERATIONS = 2;

    private LowRankFactorizer() {}

    /** Rank-{@code rank} factors of layer {@code w} fitted to all input directions alike; deterministic for a seed. */
    public static LowRankPredictor.Factors factor(FfnLayerWeights w, int rank, long seed) {
        int n = w.spec().dFfn();
        int d = w.spec().dModel();
        checkRank(w, rank);
        Svd svd = truncatedSvd(projection(w), n, d, rank, seed);
        float[] a = new float[d * rank];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < rank; j++) {
                a[i * rank + j] = (float) svd.v[i][j];
            }
        }
        float[] residual = new float[n];
        for (int i = 0; i < n; i++) {
            residual[i] = (float) svd.residual[i];
        }
        return new LowRankPredictor.Factors(
                d,
                rank,
                n,
                a,
                transpose(svd.proj, n, rank),
                projectionBias(w).clone(),
                residual,
                w.spec().activation(),
                w.spec().reluThreshold());
    }

    /**
     * Rank-{@code rank} factors fitted to the inputs the layer sees: the best rank-r approximation
     * of {@code z = W·x} in mean square over inputs with the given moments, with the mean input
     * folded into the bias. With Σ = L·Lᵀ the input covariance, the error of a neuron is
     * {@code (w_i − A·p_i)·(x − μ)}, whose mean square is {@code ‖Lᵀ·(w_i − A·p_i)‖²}; so the
     * truncated SVD of {@code M = W·L} gives the best rank-r fit, and {@code A = L⁻ᵀ·V_r},
     * {@code p_i = (M·V_r)_i}, bias {@code b + (W − Bᵀ·Aᵀ)·μ}.
     *
     * <p>The stored residual of neuron i is its RMS error on those inputs divided by the RMS of one
     * input coordinate, {@code √(E‖x‖²/dModel)}: the predictor multiplies it back by the current
     * token's {@code ‖x‖/√dModel}, so its margin is in units of the neuron's measured error. Costs
     * {@code O(dFfn·dModel²)} (forming W·L).
     */
    public static LowRankPredictor.Factors factor(FfnLayerWeights w, int rank, long seed, InputMoments moments) {
        int n = w.spec().dFfn();
        int d = w.spec().dModel();
        checkRank(w, rank);
        if (moments.dModel() != d) {
            throw new IllegalArgumentException("layer " + w.spec().index() + ": input moments of width "
                    + moments.dModel() + " for a layer of width " + d);
        }
        double[][] l = choleskyOfCovariance(moments, w.spec().index());
        float[] rows = projection(w);
        // M = W·L, row i = Lᵀ·w_i (L is lower triangular: column t of L is zero above t). Entry t
        // sums w_ik·L[k][t] over k ≥ t in ascending k; added row of L by row of L, so the inner loop
        // runs along a row in memory (and vectorizes) with each sum in that same order. Rows of M
        // are independent, so they are spread over the common pool (same result).
        float[] m = new float[n * d];
        IntStream.range(0, n).parallel().forEach(i -> {
            int row = i * d;
            double[] sum = new double[d];
            for (int k = 0; k < d; k++) {
                double wk = rows[row + k];
                double[] lk = l[k];
                for (int t = 0; t <= k; t++) {
                    sum[t] += wk * lk[t];
                }
            }
            for (int t = 0; t < d; t++) {
                m[row + t] = (float) sum[t];
            }
        });
        double[] mu = moments.mean();
        return fitted(w, rank, seed, m, l, mu, mu, null, Math.sqrt(moments.meanSquare()));
    }

    /**
     * Rank-{@code rank} factors that predict the layer's pre-activations {@code z = W·x_f + b} from
     * the layer input x_l instead of the FFN input x_f, for a read that starts before attention
     * ({@code FeedForward.prefetch}): the best rank-r linear map from x_l to z in mean square over inputs
     * with the given joint moments. Its full-rank form is the regression {@code W·Σ_fl·Σ_ll⁻¹};
     * with {@code Σ_ll = L·Lᵀ} the error of neuron i splits into what no map from x_l explains and
     * {@code ‖(W·Σ_fl·L⁻ᵀ − Bᵀ·Aᵀ·L)_i‖²}, so the truncated SVD of {@code M = W·Σ_fl·L⁻ᵀ} gives
     * the fit: {@code A = L⁻ᵀ·V_r}, {@code p_i = (M·V_r)_i}, bias {@code b + W·μ_f − Bᵀ·Aᵀ·μ_l}.
     * When x_l is x_f this is {@link #factor(FfnLayerWeights, int, long, InputMoments)}.
     *
     * <p>The stored residual of neuron i is its RMS error on those inputs, both parts, divided by
     * the layer inputs' RMS coordinate, so the {@link LowRankPredictor} run on layer inputs widens
     * its intervals by the error it makes there, as the input-fitted factors do on FFN inputs. The
     * factors are of the same kind as those, evaluated by the same predictor. Costs {@code
     * O(dFfn·dModel²)} and two single-threaded {@code O(dModel³)} steps (the layer inputs' Cholesky
     * solve and the conditional covariance), which grow faster than {@code factor}'s work with the
     * width; the profilers record the moments it needs only up to dModel 1,024, where they are small.
     */
    public static LowRankPredictor.Factors factorAhead(FfnLayerWeights w, int rank, long seed, AheadMoments moments) {
        int n = w.spec().dFfn();
        int d = w.spec().dModel();
        checkRank(w, rank);
        if (moments.dModel() != d) {
            throw new IllegalArgumentException("layer " + w.spec().index() + ": ahead moments of width "
                    + moments.dModel() + " for a layer of width " + d);
        }
        double[][] l = choleskyOfCovariance(moments.layer(), w.spec().index());
        double[][] k = timesInverseTranspose(moments.crossCovariance(), l);
        double[] cond = conditionalCovariance(moments.ffn(), k);
        // M = W·K, and per neuron w_iᵀ·(Σ_ff − K·Kᵀ)·w_i, one row per task as in factor()
        float[] rows = projection(w);
        float[] m = new float[n * d];
        double[] unexplained = new double[n];
        IntStream.range(0, n).parallel().forEach(i -> {
            int row = i * d;
            double[] sum = new double[d];
            double q = 0;
            for (int a = 0; a < d; a++) {
                double wa = rows[row + a];
                double[] ka = k[a];
                double sa = 0;
                for (int t = 0; t < d; t++) {
                    sum[t] += wa * ka[t];
                    sa += cond[a * d + t] * rows[row + t];
                }
                q += wa * sa;
            }
            for (int t = 0; t < d; t++) {
                m[row + t] = (float) sum[t];
            }
            unexplained[i] = Math.max(0, q);
        });
        return fitted(
                w,
                rank,
                seed,
                m,
                l,
                moments.ffn().mean(),
                moments.layer().mean(),
                unexplained,
                Math.sqrt(moments.layer().meanSquare()));
    }

    /** {@code S·L⁻ᵀ} for S [d × d] row-major and L lower triangular: row a solves {@code L·k_a = s_a}. */
    private static double[][] timesInverseTranspose(double[] s, double[][] l) {
        int d = l.length;
        double[][] k = new double[d][d];
        for (int a = 0; a < d; a++) {
            double[] ka = k[a];
            for (int t = 0; t < d; t++) {
                double v = s[a * d + t];
                double[] lt = l[t];
                for (int j = 0; j < t; j++) {
                    v -= lt[j] * ka[j];
                }
                ka[t] = v / lt[t];
            }
        }
        return k;
    }

    /**
     * {@code Σ_ff − K·Kᵀ} with {@code K = Σ_fl·L⁻ᵀ}: the covariance of the FFN input that no
     * linear map of the layer input explains ({@code Σ_ff − Σ_fl·Σ_ll⁻¹·Σ_lf}), row-major.
     */
    private static double[] conditionalCovariance(InputMoments ffn, double[][] k) {
        int d = k.length;
        double[] cond = ffn.covariance();
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                double s = 0;
                for (int t = 0; t < d; t++) {
                    s += k[a][t] * k[b][t];
                }
                cond[a * d + b] -= s;
            }
        }
        return cond;
    }

    /**
     * The factors from {@code M} [n × d] and L (Cholesky factor of the covariance of the inputs the
     * factors are applied to): {@code A = L⁻ᵀ·V_r}, {@code p_i = (M·V_r)_i}, bias {@code b + W·μ_w −
     * Bᵀ·Aᵀ·μ_x} (μ_w the mean of the inputs W sees, μ_x of those A sees), residual {@code
     * √(‖m_i − p_i·V_rᵀ‖² + unexplained_i) / unit} (unexplained null: none).
     */
    private static LowRankPredictor.Factors fitted(
            FfnLayerWeights w,
            int rank,
            long seed,
            float[] m,
            double[][] l,
            double[] muW,
            double[] muX,
            double[] unexplained,
            double unit) {
        int n = w.spec().dFfn();
        int d = w.spec().dModel();
        float[] rows = projection(w);
        Svd svd = truncatedSvd(m, n, d, rank, seed);
        // A = L⁻ᵀ·V_r: solve Lᵀ·A = V_r by back substitution, column by column.
        double[][] a = new double[d][rank];
        for (int j = 0; j < rank; j++) {
            for (int t = d - 1; t >= 0; t--) {
                double s = svd.v[t][j];
                for (int k = t + 1; k < d; k++) {
                    s -= l[k][t] * a[k][j];
                }
                a[t][j] = s / l[t][t];
            }
        }
        double[] aMu = new double[rank];
        for (int t = 0; t < d; t++) {
            for (int j = 0; j < rank; j++) {
                aMu[j] += a[t][j] * muX[t];
            }
        }
        float[] bias0 = projectionBias(w);
        float[] bias = new float[n];
        float[] residual = new float[n];
        for (int i = 0; i < n; i++) {
            double s = bias0[i];
            for (int t = 0; t < d; t++) {
                s += rows[i * d + t] * muW[t];
            }
            for (int j = 0; j < rank; j++) {
                s -= svd.proj[i][j] * aMu[j];
            }
            bias[i] = (float) s;
            double err = unexplained == null
                    ? svd.residual[i]
                    : Math.sqrt(svd.residual[i] * svd.residual[i] + unexplained[i]);
            residual[i] = (float) (unit > 0 ? err / unit : err);
        }
        float[] af = new float[d * rank];
        for (int t = 0; t < d; t++) {
            for (int j = 0; j < rank; j++) {
                af[t * rank + j] = (float) a[t][j];
            }
        }
        return new LowRankPredictor.Factors(
                d,
                rank,
                n,
                af,
                transpose(svd.proj, n, rank),
                bias,
                residual,
                w.spec().activation(),
                w.spec().reluThreshold());
    }

    /** L with L·Lᵀ = Σ + εI, ε a millionth of the mean variance, so that rank-deficient inputs still factor. */
    private static double[][] choleskyOfCovariance(InputMoments moments, int layer) {
        int d = moments.dModel();
        double[] cov = moments.covariance();
        double trace = 0;
        for (int i = 0; i < d; i++) {
            trace += cov[i * d + i];
        }
        double ridge = Math.max(1e-6 * trace / d, 1e-12);
        double[][] c = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                c[i][j] = cov[i * d + j];
            }
            c[i][i] += ridge;
        }
        try {
            return new CholeskyDecomposition(new Array2DRowRealMatrix(c, false), 1e-6, 0)
                    .getL()
                    .getData();
        } catch (MathIllegalArgumentException | MathArithmeticException e) {
            throw new IllegalArgumentException(
                    "layer " + layer + ": the input covariance cannot be factored (" + e.getMessage() + ")", e);
        }
    }

    private static void checkRank(FfnLayerWeights w, int rank) {
        int n = w.spec().dFfn();
        int d = w.spec().dModel();
        if (rank <= 0 || rank > Math.min(n, d)) {
            throw new IllegalArgumentException(
                    "layer " + w.spec().index() + ": rank must be in 1.." + Math.min(n, d) + ", got " + rank);
        }
    }

    /** The rows the predictor approximates: the up projection, or the gate projection of a gated layer. */
    private static float[] projection(FfnLayerWeights w) {
        return w.spec().gated() ? w.gate() : w.up();
    }

    private static float[] projectionBias(FfnLayerWeights w) {
        return w.spec().gated() ? w.gateBias() : w.upBias();
    }

    private static float[] transpose(double[][] proj, int n, int rank) {
        float[] b = new float[rank * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < rank; j++) {
                b[j * n + i] = (float) proj[i][j];
            }
        }
        return b;
    }

    /**
     * A rank-r truncated SVD of {@code rows} [n × d]: v, the top right singular vectors [d × r]
     * (orthonormal columns); proj = rows·v [n × r]; residual[i] = ‖row i − proj_i·vᵀ‖.
     */
    private record Svd(double[][] v, double[][] proj, double[] residual) {}

    private static Svd truncatedSvd(float[] rows, int n, int d, int rank, long seed) {
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
            double[][] y = multiplyW(rows, n, d, q); // W·Q        [n × k]
            q = orthonormal(multiplyWt(rows, n, d, y, k)); // Wᵀ·(W·Q)   [d × k]
        }
        // Within span(Q): W·Q = C [n × k]; the top right singular vectors of C give the rotation.
        double[][] c = multiplyW(rows, n, d, q);
        EigenDecomposition eig = new EigenDecomposition(new Array2DRowRealMatrix(gram(c, k), false));
        int[] order = descending(eig.getRealEigenvalues());
        RealMatrix v = new Array2DRowRealMatrix(k, rank);
        for (int j = 0; j < rank; j++) {
            v.setColumnVector(j, eig.getEigenvector(order[j]));
        }
        RealMatrix vMatrix = q.multiply(v); // V = Q·V'  [d × r], orthonormal columns
        double[][] proj = multiplyW(rows, n, d, vMatrix); // W·V      [n × r]
        double[] residual = new double[n];
        for (int i = 0; i < n; i++) {
            // ‖w_i − (W·V·Vᵀ)_i‖² = ‖w_i‖² − ‖(W·V)_i‖², since V has orthonormal columns.
            double total = 0;
            for (int t = 0; t < d; t++) {
                double x = rows[i * d + t];
                total += x * x;
            }
            double kept = 0;
            for (int j = 0; j < rank; j++) {
                kept += proj[i][j] * proj[i][j];
            }
            residual[i] = Math.sqrt(Math.max(0, total - kept));
        }
        return new Svd(vMatrix.getData(), proj, residual);
    }

    /**
     * Cᵀ·C of C [n × k]: entry (a, b) is {@code c[0][a]·c[0][b] + c[1][a]·c[1][b] + ...}, summed
     * from 0 in that order, as Commons Math's {@code cm.transpose().multiply(cm)} sums it, so the
     * result is the same bit for bit (tested). That call took Commons Math's generic product (the
     * argument's static type is {@code RealMatrix}), two virtual, bounds-checked look-ups per term,
     * and was the slowest step of factoring at small ranks; here C's rows are walked in place, and
     * the lower triangle is the upper one mirrored ({@code x·y == y·x} in floating point).
     */
    static double[][] gram(double[][] c, int k) {
        double[][] g = new double[k][k];
        for (double[] row : c) {
            for (int a = 0; a < k; a++) {
                double ra = row[a];
                double[] ga = g[a];
                for (int b = a; b < k; b++) {
                    ga[b] += ra * row[b];
                }
            }
        }
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < a; b++) {
                g[a][b] = g[b][a];
            }
        }
        return g;
    }

    private static RealMatrix orthonormal(double[][] m) {
        return new ThinQr(new Array2DRowRealMatrix(m, false)).thinQ();
    }

    /**
     * Commons Math's Householder QR, with Q formed for the matrix's own columns only. Its
     * {@code getQ()} forms the full square Q: for a 4,096 × 138 basis that is 16.8 M entries and
     * O(rows² · cols) work, most of a 7B layer's factoring time. {@link #thinQ} applies the same
     * reflections in the same order to the first {@code cols} columns of the identity, so its
     * entries equal those of {@code getQ()} bit for bit (tested).
     */
    static final class ThinQr extends QRDecomposition {
        /** After decomposition, row j holds Householder reflector j (Commons Math's {@code qrt}). */
        private double[][] reflectors;

        ThinQr(RealMatrix m) {
            super(m);
        }

        @Override
        protected void decompose(double[][] matrix) {
            super.decompose(matrix);
            reflectors = matrix; // decomposed in place
        }

        /** The first {@code cols} columns of Q [rows × cols]. */
        RealMatrix thinQ() {
            int cols = reflectors.length;
            int rows = reflectors[0].length;
            RealMatrix r = getR();
            double[][] qt = new double[cols][rows];
            for (int minor = Math.min(rows, cols) - 1; minor >= 0; minor--) {
                double[] h = reflectors[minor];
                qt[minor][minor] = 1.0;
                if (h[minor] != 0.0) {
                    double scale = r.getEntry(minor, minor) * h[minor];
                    for (int col = minor; col < cols; col++) {
                        double[] q = qt[col];
                        double alpha = 0;
                        for (int row = minor; row < rows; row++) {
                            alpha -= q[row] * h[row];
                        }
                        alpha /= scale;
                        for (int row = minor; row < rows; row++) {
                            q[row] += -alpha * h[row];
                        }
                    }
                }
            }
            return new Array2DRowRealMatrix(qt, false).transpose();
        }
    }

    /**
     * W [n × d] (row-major floats) times M [d × k]. Rows are independent, so they are spread over
     * the common pool; each is summed in the order one thread would sum it (same result).
     */
    private static double[][] multiplyW(float[] w, int n, int d, RealMatrix m) {
        int k = m.getColumnDimension();
        double[][] md = m.getData();
        double[][] out = new double[n][k];
        IntStream.range(0, n).parallel().forEach(i -> {
            double[] o = out[i];
            int row = i * d;
            for (int t = 0; t < d; t++) {
                double wv = w[row + t];
                double[] mr = md[t];
                for (int j = 0; j < k; j++) {
                    o[j] += wv * mr[j];
                }
            }
        });
        return out;
    }

    /**
     * Wᵀ [d × n] times Y [n × k]. Split by ranges of output rows t, each summed over i in
     * ascending order as one thread would (same result), over the common pool.
     */
    private static double[][] multiplyWt(float[] w, int n, int d, double[][] y, int k) {
        double[][] out = new double[d][k];
        int slices = Math.max(1, Math.min(d / 64, 4 * ForkJoinPool.getCommonPoolParallelism()));
        IntStream.range(0, slices).parallel().forEach(s -> {
            int t0 = (int) ((long) s * d / slices);
            int t1 = (int) ((long) (s + 1) * d / slices);
            for (int i = 0; i < n; i++) {
                int row = i * d;
                double[] yi = y[i];
                for (int t = t0; t < t1; t++) {
                    double wv = w[row + t];
                    double[] o = out[t];
                    for (int j = 0; j < k; j++) {
                        o[j] += wv * yi[j];
                    }
                }
            }
        });
        return out;
    }

    private static int[] descending(double[] values) {
        return IntStream.range(0, values.length)
                .boxed()
                .sorted((x, y) -> Double.compare(values[y], values[x]))
                .mapToInt(Integer::intValue)
                .toArray();
    }
}
