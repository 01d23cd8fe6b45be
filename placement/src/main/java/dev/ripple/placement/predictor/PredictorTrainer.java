package dev.ripple.placement.predictor;

import dev.ripple.core.TaskFailure;
import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.activity.FillIn;
import dev.ripple.core.activity.LowRankPredictor;
import dev.ripple.core.activity.TrainedPredictor;
import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.placement.calibrate.ActivationSample;
import dev.ripple.placement.calibrate.ErrorRuleCalibrator;
import dev.ripple.placement.calibrate.ThresholdCalibrator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Trains a {@link TrainedPredictor} per layer on profiled FFN inputs and the activity rule's
 * verdicts on the same tokens (issue 16, part 2), then calibrates each layer's threshold on a
 * separate validation split.
 *
 * <p>The loss is a binary cross-entropy per neuron in which an active neuron's term is weighted by
 * {@code 1 + missWeight·e/ē}, where {@code e = |a − m|·‖d‖} is the output error missing it would
 * cause with mean fill-in m and ē the mean of e over the layer's active neurons: a miss that costs
 * a lot of accuracy costs a lot of loss, a miss of a neuron just over the rule's line costs
 * little. A false positive costs I/O only, weight 1. Adam, mini-batches, a fixed number of epochs.
 *
 * <p>Two starts: random weights with a rectified hidden layer, or the low-rank predictor's factors
 * fitted to the inputs ({@link #train(TokenSet, TokenSet, ActivityRule, List, List, List, Options)}),
 * which on all-MiniLM-L6-v2 is the better one by far (docs/PERFORMANCE.md §15) and which training
 * only nudges: more steps lower the loss but not the share read at high recall.
 *
 * <p>Deterministic under {@link Options#seed}: each layer is trained alone, sequentially, from its
 * own seed; layers run in parallel on {@link Options#threads} threads, which changes no number.
 *
 * <pre>{@code
 * PredictorTrainer.Result r = PredictorTrainer.train(train, validation, rule, fillIn, layers,
 *         PredictorTrainer.Options.defaults());
 * TrainedPredictor p = r.predictor(0.98);   // thresholds for recall 0.98 on the validation split
 * }</pre>
 */
public final class PredictorTrainer {
    private PredictorTrainer() {}

    /**
     * @param hidden       the network's hidden width
     * @param epochs       passes over the training tokens
     * @param batch        tokens per Adam step
     * @param learningRate Adam's step size
     * @param missWeight   how much a miss's error adds to its weight (0: plain cross-entropy)
     * @param seed         initial weights and shuffling
     * @param threads      layers trained at once
     * @param relu         whether the hidden layer is rectified (must be false to start from low-rank factors)
     */
    public record Options(
            int hidden,
            int epochs,
            int batch,
            float learningRate,
            float missWeight,
            long seed,
            int threads,
            boolean relu) {
        public Options {
            if (hidden <= 0 || epochs <= 0 || batch <= 0 || !(learningRate > 0) || !(missWeight >= 0) || threads <= 0) {
                throw new IllegalArgumentException("predictor training options: hidden, epochs, batch, threads and the "
                        + "learning rate must be positive and missWeight ≥ 0, got " + this);
            }
        }

        /**
         * Hidden 96 (the cost of the rank-96 low-rank predictor), rectified, 6 epochs, batch 128,
         * rate 2e-3, miss weight 2.
         */
        public static Options defaults() {
            return new Options(96, 6, 128, 2e-3f, 2f, 42, Runtime.getRuntime().availableProcessors(), true);
        }

        /**
         * For a start from low-rank factors: a linear hidden layer, 2 epochs at step 5e-5. Larger
         * steps lower the training loss but read more at recall 0.975 on all-MiniLM-L6-v2's
         * validation split (docs/PERFORMANCE.md §15), so the start is only nudged.
         */
        public static Options warmStart() {
            return new Options(96, 2, 128, 5e-5f, 2f, 42, Runtime.getRuntime().availableProcessors(), false);
        }
    }

    /**
     * Tokens to train or validate on: per layer the FFN inputs {@code [tokens × dModel]} and the
     * activations of the same tokens.
     */
    public record TokenSet(List<float[]> inputs, ActivationSample activations) {
        public TokenSet {
            inputs = List.copyOf(inputs);
            if (inputs.size() != activations.layers()) {
                throw new IllegalArgumentException(
                        "token set: inputs for " + inputs.size() + " layers, activations for " + activations.layers());
            }
            for (int l = 0; l < inputs.size(); l++) {
                if (activations.tokens() == 0 || inputs.get(l).length % activations.tokens() != 0) {
                    throw new IllegalArgumentException("token set: layer " + l + " has " + inputs.get(l).length
                            + " input values for " + activations.tokens() + " tokens");
                }
            }
        }

        public int tokens() {
            return activations.tokens();
        }
    }

    /**
     * What one layer learned and how it scores on the validation split.
     *
     * @param network            the trained network (threshold 0: probability ½)
     * @param positiveLogits     the validation logits of the truly active neurons, ascending
     * @param negativeLogits     the validation logits of the truly inactive ones, ascending
     *                           (both without the neurons predicted active by the dip test)
     * @param dipPositives       validation active neurons the dip test predicts active
     * @param dipNegatives       validation inactive neurons the dip test predicts active
     * @param finalLoss          mean weighted cross-entropy per neuron over the last epoch
     */
    public record LayerResult(
            TrainedPredictor.Layer network,
            float[] positiveLogits,
            float[] negativeLogits,
            int dipPositives,
            int dipNegatives,
            double finalLoss) {

        /** The largest threshold at which at least {@code recall} of the validation positives are predicted. */
        public float thresholdFor(double recall) {
            int total = positiveLogits.length + dipPositives;
            int misses = (int) Math.floor((1 - recall) * total);
            if (positiveLogits.length == 0 || misses >= positiveLogits.length) {
                return Float.POSITIVE_INFINITY;
            }
            return Math.nextDown(positiveLogits[misses]);
        }

        public double recall(float t) {
            return (ThresholdCalibrator.countAbove(positiveLogits, t) + dipPositives)
                    / (double) Math.max(1, positiveLogits.length + dipPositives);
        }

        /** Share of neurons predicted active on the validation tokens. */
        public double readShare(float t) {
            return (ThresholdCalibrator.countAbove(positiveLogits, t)
                            + ThresholdCalibrator.countAbove(negativeLogits, t)
                            + dipPositives
                            + dipNegatives)
                    / (double) Math.max(1, positiveLogits.length + negativeLogits.length + dipPositives + dipNegatives);
        }
    }

    /** Every layer's result and the wall time of training. */
    public record Result(List<LayerResult> layers, double seconds) {
        public Result {
            layers = List.copyOf(layers);
        }

        /** The predictor with each layer's threshold calibrated to {@code recall} on the validation split. */
        public TrainedPredictor predictor(double recall) {
            if (!(recall > 0 && recall <= 1)) {
                throw new IllegalArgumentException("recall target must be in (0, 1], got " + recall);
            }
            return new TrainedPredictor(layers.stream()
                    .map(l -> l.network().withThreshold(l.thresholdFor(recall)))
                    .toList());
        }
    }

    /**
     * @param rule   the rule whose verdicts are learned
     * @param fillIn the fill-in the rule runs with (the m of the miss weights)
     */
    public static Result train(
            TokenSet train,
            TokenSet validation,
            ActivityRule rule,
            List<FillIn> fillIn,
            List<FfnLayerWeights> layers,
            Options o)
            throws InterruptedException {
        return train(train, validation, rule, fillIn, layers, null, o);
    }

    /**
     * Trains starting from a low-rank predictor's factors (fitted to the inputs): the hidden layer
     * is x·A (linear, width = the rank), and neuron i's logit starts as
     * {@code (ẑ_i − z*_i) / (s_i·r)}, its predicted pre-activation's distance from the rule's
     * boundary z*_i in units of its expected error (s_i the factor's residual scale, r the RMS input
     * coordinate), which is the low-rank predictor's own test: at threshold −margin the start
     * predicts what a {@link dev.ripple.core.activity.LowRankPredictor} of that margin would,
     * up to the lower branch of a GELU's dip. Training then only improves on that.
     *
     * @param start per layer, the factors to start from (null: a random start)
     */
    public static Result train(
            TokenSet train,
            TokenSet validation,
            ActivityRule rule,
            List<FillIn> fillIn,
            List<FfnLayerWeights> layers,
            List<LowRankPredictor.Factors> start,
            Options o)
            throws InterruptedException {
        return train(train, validation, rule, fillIn, layers, start, o, l -> {});
    }

    /**
     * As {@link #train(TokenSet, TokenSet, ActivityRule, List, List, List, Options)}, telling
     * {@code layerDone} each layer whose result has been collected, in layer order (a progress bar).
     */
    public static Result train(
            TokenSet train,
            TokenSet validation,
            ActivityRule rule,
            List<FillIn> fillIn,
            List<FfnLayerWeights> layers,
            List<LowRankPredictor.Factors> start,
            Options o,
            IntConsumer layerDone)
            throws InterruptedException {
        int count = layers.size();
        if (start != null && (start.size() != count || o.relu())) {
            throw new IllegalArgumentException("predictor training: a start from low-rank factors needs one per layer ("
                    + count + ", got " + start.size() + ") and a linear hidden layer (relu false)");
        }
        if (train.activations().layers() != count
                || validation.activations().layers() != count
                || fillIn.size() != count) {
            throw new IllegalArgumentException("predictor training: " + count + " layers, but data for "
                    + train.activations().layers() + " / "
                    + validation.activations().layers() + " and fill-in for "
                    + fillIn.size());
        }
        long began = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(o.threads(), count), r -> {
            Thread t = new Thread(r, "predictor-trainer");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<LayerResult>> parts = new ArrayList<>();
            for (int l = 0; l < count; l++) {
                int layer = l;
                parts.add(pool.submit(() -> new LayerTrainer(
                                layer,
                                train,
                                validation,
                                rule,
                                fillIn.get(layer).meanByNeuron(),
                                ErrorRuleCalibrator.downNorms(layers.get(layer)),
                                layers.get(layer),
                                start == null ? null : start.get(layer),
                                o)
                        .run()));
            }
            List<LayerResult> out = new ArrayList<>();
            for (Future<LayerResult> f : parts) {
                out.add(f.get());
                layerDone.accept(out.size() - 1);
            }
            return new Result(out, (System.nanoTime() - began) / 1e9);
        } catch (ExecutionException e) {
            throw TaskFailure.unwrap(e);
        } finally {
            pool.shutdownNow();
        }
    }
}
