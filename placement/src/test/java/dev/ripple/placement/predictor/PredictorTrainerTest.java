package dev.ripple.placement.predictor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.activity.FillIn;
import dev.ripple.core.activity.LowRankPredictor;
import dev.ripple.core.activity.ThresholdRule;
import dev.ripple.core.activity.TrainedPredictor;
import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.core.format.FfnLayerSpec;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.placement.calibrate.ActivationSample;
import dev.ripple.placement.calibrate.ConditionalMeans;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;
import org.junit.jupiter.api.Test;

/**
 * Training on a generated GELU FFN whose inputs live near a low-dimensional subspace, as real
 * hidden states do: the activations are a function of the input, so a network can learn them.
 */
class PredictorTrainerTest {
    private static final int LAYERS = 2;
    private static final int D = 24;
    private static final int N = 80;
    private static final ActivityRule RULE = ThresholdRule.value(-0.05f);

    private static List<FfnLayerWeights> weights() {
        Random r = new Random(11);
        List<FfnLayerWeights> out = new ArrayList<>();
        for (int l = 0; l < LAYERS; l++) {
            out.add(new FfnLayerWeights(
                    new FfnLayerSpec(l, D, N, Activation.GELU, false, DType.F32),
                    gaussian(r, N * D, 0.4f),
                    null,
                    gaussian(r, N * D, 0.3f),
                    gaussian(r, N, 0.3f),
                    null,
                    new float[D]));
        }
        return out;
    }

    private static float[] gaussian(Random r, int n, float s) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian() * s;
        }
        return a;
    }

    /** Inputs in an 8-dimensional subspace plus a little noise, and their exact activations. */
    private static PredictorTrainer.TokenSet tokens(List<FfnLayerWeights> w, int tokens, long seed) {
        Random r = new Random(seed);
        float[] basis = gaussian(new Random(99), 8 * D, 0.15f);
        List<float[]> inputs = new ArrayList<>();
        List<float[]> acts = new ArrayList<>();
        int[] neurons = new int[LAYERS];
        for (int l = 0; l < LAYERS; l++) {
            neurons[l] = N;
            float[] x = new float[tokens * D];
            float[] a = new float[tokens * N];
            for (int t = 0; t < tokens; t++) {
                for (int c = 0; c < 8; c++) {
                    float coef = (float) r.nextGaussian();
                    for (int k = 0; k < D; k++) {
                        x[t * D + k] += coef * basis[c * D + k];
                    }
                }
                for (int k = 0; k < D; k++) {
                    x[t * D + k] += (float) r.nextGaussian() * 0.05f;
                }
                float[] up = w.get(l).up();
                for (int i = 0; i < N; i++) {
                    float z = w.get(l).upBias()[i];
                    for (int k = 0; k < D; k++) {
                        z += up[i * D + k] * x[t * D + k];
                    }
                    a[t * N + i] = Activation.GELU.apply(z);
                }
            }
            inputs.add(x);
            acts.add(a);
        }
        return new PredictorTrainer.TokenSet(inputs, new ActivationSample(neurons, acts, tokens));
    }

    /** Weights, training and validation tokens drawn through them, and the rule's fill-in on the training tokens. */
    private record Data(
            List<FfnLayerWeights> w,
            PredictorTrainer.TokenSet train,
            PredictorTrainer.TokenSet val,
            List<FillIn> fill) {
        static Data of(int trainTokens, long trainSeed, int valTokens, long valSeed) {
            List<FfnLayerWeights> w = weights();
            PredictorTrainer.TokenSet train = tokens(w, trainTokens, trainSeed);
            return new Data(
                    w, train, tokens(w, valTokens, valSeed), ConditionalMeans.fillIn(RULE, train.activations(), w));
        }

        /** @param start the low-rank factors to start from, or null for a random start */
        PredictorTrainer.Result train(List<LowRankPredictor.Factors> start, PredictorTrainer.Options o)
                throws InterruptedException {
            return PredictorTrainer.train(train, val, RULE, fill, w, start, o);
        }
    }

    private static PredictorTrainer.Options options(int threads) {
        return new PredictorTrainer.Options(16, 30, 32, 5e-3f, 2f, 7, threads, true);
    }

    @Test
    void learnsTheRuleAndMeetsTheRecallTargetOnUnseenTokens() throws Exception {
        Data d = Data.of(1500, 1, 400, 2);
        PredictorTrainer.Result r = d.train(null, options(2));
        check(r, tokens(d.w(), 400, 3), 0.2);
        assertTrue(r.seconds() > 0);
    }

    /** From the low-rank factors fitted to the inputs: a linear network that starts where the low-rank predictor is. */
    @Test
    void warmStartFromLowRankFactors() throws Exception {
        Data d = Data.of(1500, 1, 400, 2);
        List<LowRankPredictor.Factors> factors = new ArrayList<>();
        for (int l = 0; l < LAYERS; l++) {
            InputMoments.Builder m = InputMoments.builder(D);
            m.add(d.train().inputs().get(l), d.train().tokens());
            factors.add(LowRankFactorizer.factor(d.w().get(l), 8, 42, m.build()));
        }
        PredictorTrainer.Options o = new PredictorTrainer.Options(16, 5, 32, 1e-3f, 2f, 7, 2, false);
        PredictorTrainer.Result r = d.train(factors, o);
        assertEquals(8, r.layers().get(0).network().hidden(), "the width is the factors' rank");
        assertFalse(r.layers().get(0).network().relu());
        check(r, tokens(d.w(), 400, 3), 0.2);
        assertThrows(
                IllegalArgumentException.class,
                () -> d.train(factors, options(1)),
                "a rectified hidden layer cannot start from linear factors");
    }

    /** Recall near the validation target and precision well above the base rate, on tokens never seen. */
    private static void check(PredictorTrainer.Result r, PredictorTrainer.TokenSet test, double precisionGain) {
        TrainedPredictor p = r.predictor(0.97);
        for (int l = 0; l < LAYERS; l++) {
            long active = 0;
            long hits = 0;
            long predicted = 0;
            float[] row = new float[N];
            float[] x = new float[D];
            for (int t = 0; t < test.tokens(); t++) {
                System.arraycopy(test.activations().layer(l), t * N, row, 0, N);
                System.arraycopy(test.inputs().get(l), t * D, x, 0, D);
                IntArrayList truth = new IntArrayList();
                RULE.select(l, row, N, truth);
                IntArrayList guess = new IntArrayList();
                p.predict(l, x, guess);
                active += truth.size();
                predicted += guess.size();
                hits += truth.count(guess::contains);
            }
            double recall = hits / (double) active;
            double precision = hits / (double) predicted;
            double base = active / (double) (test.tokens() * N);
            System.out.printf("layer %d recall %.3f precision %.3f base %.3f%n", l, recall, precision, base);
            assertTrue(recall > 0.94, "layer " + l + " recall on unseen tokens " + recall);
            assertTrue(
                    precision > base + precisionGain,
                    "layer " + l + " precision " + precision + " vs base rate " + base);
            assertTrue(r.layers().get(l).recall(p.layer(l).threshold()) >= 0.97, "validation recall meets the target");
        }
    }

    @Test
    void deterministicWhateverTheThreadCount() throws Exception {
        Data d = Data.of(300, 4, 100, 5);
        PredictorTrainer.Result a = d.train(null, options(1));
        PredictorTrainer.Result b = d.train(null, options(2));
        for (int l = 0; l < LAYERS; l++) {
            assertArrayEquals(
                    a.layers().get(l).network().w1(),
                    b.layers().get(l).network().w1());
            assertArrayEquals(
                    a.layers().get(l).network().w2(),
                    b.layers().get(l).network().w2());
            assertEquals(a.layers().get(l).thresholdFor(0.98), b.layers().get(l).thresholdFor(0.98));
        }
    }

    @Test
    void rejectsBadOptionsAndMismatchedData() {
        assertThrows(
                IllegalArgumentException.class, () -> new PredictorTrainer.Options(0, 1, 1, 1e-3f, 1f, 1, 1, true));
        assertThrows(
                IllegalArgumentException.class, () -> new PredictorTrainer.Options(4, 1, 1, 1e-3f, -1f, 1, 1, true));
        List<FfnLayerWeights> w = weights();
        PredictorTrainer.TokenSet train = tokens(w, 50, 4);
        assertThrows(
                IllegalArgumentException.class,
                () -> PredictorTrainer.train(
                        train,
                        train,
                        RULE,
                        ConditionalMeans.fillIn(RULE, train.activations(), w),
                        w.subList(0, 1),
                        options(1)));
    }
}
