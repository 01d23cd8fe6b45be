package dev.ripple.placement.predictor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.activity.LowRankPredictor;
import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.core.tensor.Activation;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The low-rank factors fitted to profiled inputs ({@link LowRankFactorizer#factor(FfnLayerWeights,
 * int, long, InputMoments)}): exact where the inputs live, better than the plain SVD on skewed
 * inputs, and with residuals that are the measured RMS errors.
 */
class InputFittedFactorsTest {

    /** Full-rank weights: the plain SVD has no cheap way out. */
    static FfnLayerWeights fullRank(Random rnd, int d, int n) {
        FfnLayerWeights w = LowRankPredictorTest.lowRankLayer(rnd, d, n, d, 0f, Activation.GELU);
        float[] bias = new float[n];
        for (int i = 0; i < n; i++) {
            bias[i] = (float) rnd.nextGaussian() * 0.1f;
        }
        return new FfnLayerWeights(w.spec(), w.up(), null, w.downColumns(), bias, null, new float[d]);
    }

    /** ẑ = bias + (x·A)·B, as the predictor computes it. */
    static double[] predicted(LowRankPredictor.Factors f, float[] x) {
        double[] t = new double[f.rank()];
        for (int k = 0; k < f.dModel(); k++) {
            for (int j = 0; j < f.rank(); j++) {
                t[j] += x[k] * f.a()[k * f.rank() + j];
            }
        }
        double[] z = new double[f.dFfn()];
        for (int i = 0; i < f.dFfn(); i++) {
            z[i] = f.bias()[i];
            for (int j = 0; j < f.rank(); j++) {
                z[i] += t[j] * f.b()[j * f.dFfn() + i];
            }
        }
        return z;
    }

    static double[] exact(FfnLayerWeights w, float[] x) {
        int d = w.spec().dModel();
        double[] z = new double[w.spec().dFfn()];
        for (int i = 0; i < z.length; i++) {
            z[i] = w.upBias()[i];
            for (int k = 0; k < d; k++) {
                z[i] += w.up()[i * d + k] * x[k];
            }
        }
        return z;
    }

    /**
     * Summed squared errors of two factorisations' pre-activations against the exact ones over
     * {@code samples} inputs, and the exact ones' summed squares.
     */
    private record Errors(double[] fittedByNeuron, double fitted, double plain, double norm) {}

    private static Errors errors(
            FfnLayerWeights w,
            LowRankPredictor.Factors fitted,
            LowRankPredictor.Factors plain,
            int samples,
            Supplier<float[]> inputs) {
        double[] byNeuron = new double[w.spec().dFfn()];
        double fittedErr = 0;
        double plainErr = 0;
        double norm = 0;
        for (int s = 0; s < samples; s++) {
            float[] x = inputs.get();
            double[] z = exact(w, x);
            double[] a = predicted(fitted, x);
            double[] b = predicted(plain, x);
            for (int i = 0; i < z.length; i++) {
                byNeuron[i] += (a[i] - z[i]) * (a[i] - z[i]);
                fittedErr += (a[i] - z[i]) * (a[i] - z[i]);
                plainErr += (b[i] - z[i]) * (b[i] - z[i]);
                norm += z[i] * z[i];
            }
        }
        return new Errors(byNeuron, fittedErr, plainErr, norm);
    }

    /**
     * Inputs μ + Σ_k s_k·scale_k·e_k (s_k standard normal) over {@code scale.length} random
     * near-orthonormal directions e_k, μ = offset·(t mod 3 − 1): the distribution a test's moments are
     * profiled on and its errors measured on.
     */
    record Inputs(Random rnd, float[][] basis, double[] scale, float offset) {
        Inputs(Random rnd, int d, double[] scale, float offset) {
            this(rnd, basis(rnd, scale.length, d), scale, offset);
        }

        private static float[][] basis(Random rnd, int k, int d) {
            float[][] b = new float[k][d];
            for (float[] row : b) {
                for (int t = 0; t < d; t++) {
                    row[t] = (float) (rnd.nextGaussian() / Math.sqrt(d));
                }
            }
            return b;
        }

        float[] next() {
            int d = basis[0].length;
            float[] x = new float[d];
            for (int k = 0; k < basis.length; k++) {
                double s = rnd.nextGaussian() * scale[k];
                for (int t = 0; t < d; t++) {
                    x[t] += (float) (s * basis[k][t]);
                }
            }
            for (int t = 0; t < d; t++) {
                x[t] += offset * (t % 3 - 1);
            }
            return x;
        }

        InputMoments moments(int tokens) {
            int d = basis[0].length;
            float[] rows = new float[tokens * d];
            for (int t = 0; t < tokens; t++) {
                System.arraycopy(next(), 0, rows, t * d, d);
            }
            return InputMoments.builder(d).add(rows, tokens).build();
        }
    }

    @Test
    void inputsOnALowDimensionalOffsetSubspaceArePredictedExactly() {
        Random rnd = new Random(11);
        int d = 32;
        int n = 120;
        int k = 6;
        FfnLayerWeights w = fullRank(rnd, d, n);
        Inputs inputs = new Inputs(rnd, d, new double[] {3, 2, 2, 1, 1, 1}, 2f);
        LowRankPredictor.Factors fitted = LowRankFactorizer.factor(w, k, 5, inputs.moments(400));
        Errors e = errors(w, fitted, LowRankFactorizer.factor(w, k, 5), 50, inputs::next);
        assertTrue(
                e.fitted() / e.norm() < 1e-6,
                "fitted to the inputs, rank " + k + " is exact there: " + e.fitted() / e.norm());
        assertTrue(e.plain() / e.norm() > 0.1, "the plain SVD is not: " + e.plain() / e.norm());
        for (float r : fitted.residualNorm()) {
            assertEquals(0, r, 1e-3, "no error left to allow for");
        }
    }

    @Test
    void onSkewedInputsTheFitIsBetterAndItsResidualsAreTheMeasuredErrors() {
        Random rnd = new Random(12);
        int d = 40;
        int n = 150;
        int rank = 8;
        FfnLayerWeights w = fullRank(rnd, d, n);
        double[] scale = new double[d];
        for (int k = 0; k < d; k++) {
            scale[k] = Math.pow(0.85, k) * 4;
        }
        Inputs inputs = new Inputs(rnd, d, scale, 0.5f);
        InputMoments m = inputs.moments(20_000);
        LowRankPredictor.Factors fitted = LowRankFactorizer.factor(w, rank, 5, m);
        int samples = 4_000;
        Errors e = errors(w, fitted, LowRankFactorizer.factor(w, rank, 5), samples, inputs::next);
        assertTrue(e.fitted() < 0.5 * e.plain(), "fitted " + e.fitted() + " against plain " + e.plain());
        double unit = Math.sqrt(m.meanSquare());
        for (int i = 0; i < n; i++) {
            double rms = Math.sqrt(e.fittedByNeuron()[i] / samples);
            assertEquals(
                    rms,
                    fitted.residualNorm()[i] * unit,
                    0.1 * rms + 1e-6,
                    "neuron " + i + ": stored residual × input RMS");
        }
    }

    @Test
    void momentsOfTheWrongWidthOrWithNaNAreRefused() {
        Random rnd = new Random(13);
        FfnLayerWeights w = fullRank(rnd, 16, 30);
        InputMoments narrow = InputMoments.builder(8).add(new float[8], 1).build();
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> LowRankFactorizer.factor(w, 4, 1, narrow));
        assertTrue(e.getMessage().contains("width 8"), e.getMessage());
        float[] nan = new float[8];
        nan[3] = Float.NaN;
        assertThrows(
                IllegalArgumentException.class,
                () -> InputMoments.builder(8).add(nan, 1).build());
        assertThrows(IllegalStateException.class, () -> InputMoments.builder(8).build());
    }

    @Test
    void momentsAreTheMeanAndTheUncentredSecondMoment() {
        InputMoments m =
                InputMoments.builder(2).add(new float[] {1, 2, 3, -2}, 2).build();
        assertEquals(2, m.count());
        assertEquals(2.0, m.mean()[0], 1e-12);
        assertEquals(0.0, m.mean()[1], 1e-12);
        assertEquals((1 + 9) / 2.0, m.second()[0], 1e-12);
        assertEquals((2 - 6) / 2.0, m.second()[1], 1e-12);
        assertEquals(m.second()[1], m.second()[2], 1e-12);
        assertEquals((4 + 4) / 2.0, m.second()[3], 1e-12);
        assertEquals(5 - 4, m.covariance()[0], 1e-12);
        assertEquals((5 + 4) / 2.0, m.meanSquare(), 1e-12);
    }
}
