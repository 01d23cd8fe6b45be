package dev.ripple.placement.predictor;

import static dev.ripple.placement.predictor.InputFittedFactorsTest.exact;
import static dev.ripple.placement.predictor.InputFittedFactorsTest.fullRank;
import static dev.ripple.placement.predictor.InputFittedFactorsTest.predicted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.activity.LowRankPredictor;
import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.placement.predictor.InputFittedFactorsTest.Inputs;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The factors that predict a layer's FFN neurons from its layer input ({@link
 * LowRankFactorizer#factorAhead}), on layer inputs x_l and FFN inputs {@code x_f = T·x_l + c + ε}
 * for a known map T, offset c and noise ε independent of x_l (ε = 0: the FFN input is a linear
 * function of the layer input).
 */
class AheadFactorsTest {

    /** Pairs of inputs of one token: the layer input, and the FFN input the known map makes of it. */
    private record LinearMap(Inputs layer, float[][] t, float[] c, double noise, Random rnd) {
        static LinearMap random(Random rnd, Inputs layer, int d, double noise) {
            float[][] t = new float[d][d];
            float[] c = new float[d];
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    t[i][j] = (float) (rnd.nextGaussian() / Math.sqrt(d));
                }
                c[i] = (float) rnd.nextGaussian();
            }
            return new LinearMap(layer, t, c, noise, rnd);
        }

        /** {layer input, FFN input} of the next token. */
        float[][] next() {
            float[] x = layer.next();
            int d = x.length;
            float[] f = new float[d];
            for (int i = 0; i < d; i++) {
                double s = c[i] + noise * rnd.nextGaussian();
                for (int j = 0; j < d; j++) {
                    s += t[i][j] * x[j];
                }
                f[i] = (float) s;
            }
            return new float[][] {x, f};
        }

        AheadMoments moments(int tokens) {
            int d = c.length;
            float[] layerRows = new float[tokens * d];
            float[] ffnRows = new float[tokens * d];
            for (int k = 0; k < tokens; k++) {
                float[][] pair = next();
                System.arraycopy(pair[0], 0, layerRows, k * d, d);
                System.arraycopy(pair[1], 0, ffnRows, k * d, d);
            }
            return AheadMoments.builder(d).add(ffnRows, layerRows, tokens).build();
        }
    }

    /** Per neuron, the summed squared error of ẑ from the layer input against z of the FFN input. */
    private static double[] squaredErrors(FfnLayerWeights w, LowRankPredictor.Factors f, LinearMap map, int samples) {
        double[] e = new double[w.spec().dFfn()];
        for (int s = 0; s < samples; s++) {
            float[][] pair = map.next();
            double[] z = exact(w, pair[1]);
            double[] p = predicted(f, pair[0]);
            for (int i = 0; i < e.length; i++) {
                e[i] += (p[i] - z[i]) * (p[i] - z[i]);
            }
        }
        return e;
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    }

    @Test
    void anFfnInputThatIsALinearMapOfTheLayerInputIsPredictedExactlyFromIt() {
        Random rnd = new Random(21);
        int d = 32;
        int n = 120;
        int k = 6;
        FfnLayerWeights w = fullRank(rnd, d, n);
        // layer inputs on an offset 6-dimensional subspace: rank 6 is exact there, whatever T is
        Inputs layer = new Inputs(rnd, d, new double[] {3, 2, 2, 1, 1, 1}, 2f);
        LinearMap map = LinearMap.random(rnd, layer, d, 0);
        AheadMoments m = map.moments(400);
        LowRankPredictor.Factors ahead = LowRankFactorizer.factorAhead(w, k, 5, m);
        double norm = 0;
        for (int s = 0; s < 50; s++) {
            for (double z : exact(w, map.next()[1])) {
                norm += z * z;
            }
        }
        double err = sum(squaredErrors(w, ahead, map, 50));
        assertTrue(err / norm < 1e-6, "rank " + k + " from the layer input is exact: " + err / norm);
        for (float r : ahead.residualNorm()) {
            assertEquals(0, r, 1e-3, "no error left to allow for");
        }
        // what the read-ahead does without it: the factors fitted to the FFN inputs, given the layer input
        LowRankPredictor.Factors ffn = LowRankFactorizer.factor(w, k, 5, m.ffn());
        double misread = sum(squaredErrors(w, ffn, map, 50));
        assertTrue(misread / norm > 0.1, "the FFN input's factors on the layer input: " + misread / norm);
    }

    @Test
    void whatTheLayerInputCannotExplainIsInTheResidualsAndTheFitBeatsTheFfnInputsFactors() {
        Random rnd = new Random(22);
        int d = 40;
        int n = 150;
        int rank = 8;
        FfnLayerWeights w = fullRank(rnd, d, n);
        double[] scale = new double[d];
        for (int i = 0; i < d; i++) {
            scale[i] = Math.pow(0.85, i) * 4;
        }
        LinearMap map = LinearMap.random(rnd, new Inputs(rnd, d, scale, 0.5f), d, 0.3);
        AheadMoments m = map.moments(20_000);
        LowRankPredictor.Factors ahead = LowRankFactorizer.factorAhead(w, rank, 5, m);
        int samples = 4_000;
        double[] e = squaredErrors(w, ahead, map, samples);
        double unit = Math.sqrt(m.layer().meanSquare());
        for (int i = 0; i < n; i++) {
            double rms = Math.sqrt(e[i] / samples);
            assertEquals(
                    rms, ahead.residualNorm()[i] * unit, 0.1 * rms + 1e-6, "neuron " + i + ": residual × input RMS");
        }
        double misread = sum(squaredErrors(w, LowRankFactorizer.factor(w, rank, 5, m.ffn()), map, samples));
        assertTrue(sum(e) < 0.5 * misread, "fitted ahead " + sum(e) + " against the FFN input's factors " + misread);
    }

    @Test
    void whenTheLayerInputIsTheFfnInputItIsTheInputFit() {
        Random rnd = new Random(23);
        int d = 24;
        int n = 90;
        int rank = 6;
        FfnLayerWeights w = fullRank(rnd, d, n);
        double[] scale = new double[d];
        for (int i = 0; i < d; i++) {
            scale[i] = Math.pow(0.8, i) * 3;
        }
        Inputs inputs = new Inputs(rnd, d, scale, 1f);
        float[] rows = new float[2_000 * d];
        for (int t = 0; t < 2_000; t++) {
            System.arraycopy(inputs.next(), 0, rows, t * d, d);
        }
        AheadMoments same = AheadMoments.builder(d).add(rows, rows, 2_000).build();
        LowRankPredictor.Factors ahead = LowRankFactorizer.factorAhead(w, rank, 5, same);
        LowRankPredictor.Factors fitted = LowRankFactorizer.factor(w, rank, 5, same.ffn());
        for (int s = 0; s < 20; s++) {
            float[] x = inputs.next();
            double[] a = predicted(ahead, x);
            double[] b = predicted(fitted, x);
            for (int i = 0; i < n; i++) {
                assertEquals(b[i], a[i], 1e-3 * (1 + Math.abs(b[i])), "neuron " + i);
            }
        }
        for (int i = 0; i < n; i++) {
            assertEquals(fitted.residualNorm()[i], ahead.residualNorm()[i], 1e-3 * (1 + fitted.residualNorm()[i]));
        }
    }

    @Test
    void crossMomentsAreUncentredAndTheirCovarianceCentred() {
        // two tokens: x_f = (1, 2), (3, -2); x_l = (0, 1), (2, 1)
        AheadMoments m = AheadMoments.builder(2)
                .add(new float[] {1, 2, 3, -2}, new float[] {0, 1, 2, 1}, 2)
                .build();
        assertEquals(2, m.ffn().count());
        assertEquals(1.0, m.layer().mean()[0], 1e-12);
        double[] cross = m.cross();
        assertEquals((1 * 0 + 3 * 2) / 2.0, cross[0], 1e-12); // E[f0·l0]
        assertEquals((1 * 1 + 3 * 1) / 2.0, cross[1], 1e-12); // E[f0·l1]
        assertEquals((2 * 0 - 2 * 2) / 2.0, cross[2], 1e-12); // E[f1·l0]
        assertEquals(3.0 - 2.0 * 1.0, m.crossCovariance()[0], 1e-12);
        assertEquals(2.0 - 2.0 * 1.0, m.crossCovariance()[1], 1e-12);
        assertEquals(-2.0 - 0.0 * 1.0, m.crossCovariance()[2], 1e-12);
    }

    @Test
    void mismatchedInputsAreRefused() {
        Random rnd = new Random(24);
        FfnLayerWeights w = fullRank(rnd, 16, 30);
        AheadMoments narrow =
                AheadMoments.builder(8).add(new float[8], new float[8], 1).build();
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> LowRankFactorizer.factorAhead(w, 4, 1, narrow));
        assertTrue(e.getMessage().contains("width 8"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> AheadMoments.builder(8).add(new float[16], new float[8], 2),
                "fewer layer inputs than tokens");
        InputMoments one = InputMoments.builder(8).add(new float[8], 1).build();
        InputMoments two = InputMoments.builder(8).add(new float[16], 2).build();
        assertThrows(
                IllegalArgumentException.class,
                () -> new AheadMoments(one, two, new double[64]),
                "moments over different tokens");
        float[] nan = new float[8];
        nan[2] = Float.NaN;
        assertThrows(
                IllegalArgumentException.class,
                () -> AheadMoments.builder(8).add(new float[8], nan, 1).build());
        assertThrows(IllegalStateException.class, () -> AheadMoments.builder(8).build());
    }
}
