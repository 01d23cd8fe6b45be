package dev.ripple.placement.predictor;

import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.activity.ErrorRule;
import dev.ripple.core.activity.LowRankPredictor;
import dev.ripple.core.activity.ThresholdRule;
import dev.ripple.core.format.FfnLayerSpec;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.activity.FillIn;
import dev.ripple.core.activity.TrainedPredictor;
import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.placement.calibrate.ActivationSample;
import dev.ripple.placement.calibrate.ErrorRuleCalibrator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;

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
    private PredictorTrainer() {
    }

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
    public record Options(int hidden, int epochs, int batch, float learningRate, float missWeight, long seed, int threads,
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
                throw new IllegalArgumentException("token set: inputs for " + inputs.size() + " layers, activations for "
                        + activations.layers());
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
    public record LayerResult(TrainedPredictor.Layer network, float[] positiveLogits, float[] negativeLogits,
                              int dipPositives, int dipNegatives, double finalLoss) {

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
            return (above(positiveLogits, t) + dipPositives) / (double) Math.max(1, positiveLogits.length + dipPositives);
        }

        /** Share of neurons predicted active on the validation tokens. */
        public double readShare(float t) {
            return (above(positiveLogits, t) + above(negativeLogits, t) + dipPositives + dipNegatives)
                    / (double) Math.max(1, positiveLogits.length + negativeLogits.length + dipPositives + dipNegatives);
        }

        private static int above(float[] sorted, float t) {
            int lo = 0;
            int hi = sorted.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (sorted[mid] > t) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            return sorted.length - lo;
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
            return new TrainedPredictor(layers.stream().map(l -> l.network().withThreshold(l.thresholdFor(recall))).toList());
        }
    }

    /**
     * @param rule   the rule whose verdicts are learned
     * @param fillIn the fill-in the rule runs with (the m of the miss weights)
     */
    public static Result train(TokenSet train, TokenSet validation, ActivityRule rule, List<FillIn> fillIn,
                               List<FfnLayerWeights> layers, Options o) throws InterruptedException {
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
    public static Result train(TokenSet train, TokenSet validation, ActivityRule rule, List<FillIn> fillIn,
                               List<FfnLayerWeights> layers, List<LowRankPredictor.Factors> start, Options o)
            throws InterruptedException {
        int count = layers.size();
        if (start != null && (start.size() != count || o.relu())) {
            throw new IllegalArgumentException("predictor training: a start from low-rank factors needs one per layer ("
                    + count + ", got " + start.size() + ") and a linear hidden layer (relu false)");
        }
        if (train.activations().layers() != count || validation.activations().layers() != count || fillIn.size() != count) {
            throw new IllegalArgumentException("predictor training: " + count + " layers, but data for "
                    + train.activations().layers() + " / " + validation.activations().layers() + " and fill-in for "
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
                parts.add(pool.submit(() -> new LayerTrainer(layer, train, validation, rule, fillIn.get(layer).meanByNeuron(),
                        ErrorRuleCalibrator.downNorms(layers.get(layer)), layers.get(layer),
                        start == null ? null : start.get(layer), o).run()));
            }
            List<LayerResult> out = new ArrayList<>();
            for (Future<LayerResult> f : parts) {
                out.add(f.get());
            }
            return new Result(out, (System.nanoTime() - began) / 1e9);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** One layer's training: plain loops over float arrays, which C2 vectorizes. */
    private static final class LayerTrainer {
        private static final float BETA1 = 0.9f;
        private static final float BETA2 = 0.999f;
        private static final float EPS = 1e-8f;

        private final int layer;
        private final TokenSet train;
        private final TokenSet validation;
        private final ActivityRule rule;
        private final float[] mean;
        private final float[] downNorm;
        private final Options o;
        private final LowRankPredictor.Factors start;
        private final float[] dip;
        private final FfnLayerSpec spec;
        private final FfnLayerWeights weightsOfLayer;
        private final int d;
        private final int h;
        private final int n;
        private final float[][] params;
        private final float[][] grads;
        private final float[][] m1;
        private final float[][] m2;
        private int step;

        LayerTrainer(int layer, TokenSet train, TokenSet validation, ActivityRule rule, float[] mean, float[] downNorm,
                     FfnLayerWeights weightsOfLayer, LowRankPredictor.Factors start, Options o) {
            this.layer = layer;
            this.train = train;
            this.validation = validation;
            this.rule = rule;
            this.mean = mean;
            this.downNorm = downNorm;
            this.o = o;
            this.n = train.activations().neurons()[layer];
            this.d = train.inputs().get(layer).length / train.tokens();
            this.h = start == null ? o.hidden() : start.rank();
            this.start = start;
            this.dip = start == null ? null : new float[n];
            this.spec = weightsOfLayer.spec();
            this.weightsOfLayer = weightsOfLayer;
            if (start != null && spec.gated()) {
                throw new IllegalArgumentException("a start from low-rank factors is for ungated FFNs; layer " + layer
                        + " is gated");
            }
            SplittableRandom r = new SplittableRandom(o.seed() * 1_000_003L + layer);
            float[] w1 = start == null ? gaussian(r, d * h, (float) Math.sqrt(2.0 / d)) : start.a().clone();
            float[] b1 = new float[h];
            float[] w2 = start == null ? gaussian(r, h * n, (float) Math.sqrt(1.0 / h)) : start.b().clone();
            float[] b2 = new float[n];
            this.params = new float[][] {w1, b1, w2, b2};
            this.grads = new float[4][];
            this.m1 = new float[4][];
            this.m2 = new float[4][];
            for (int p = 0; p < 4; p++) {
                grads[p] = new float[params[p].length];
                m1[p] = new float[params[p].length];
                m2[p] = new float[params[p].length];
            }
        }

        private static float[] gaussian(SplittableRandom r, int size, float scale) {
            float[] a = new float[size];
            for (int i = 0; i < size; i++) {
                // Box–Muller from the seeded stream, so the weights do not depend on the JDK's Random.
                double u = 1 - r.nextDouble();
                double v = r.nextDouble();
                a[i] = (float) (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)) * scale;
            }
            return a;
        }

        LayerResult run() {
            int tokens = train.tokens();
            byte[] labels = new byte[tokens * n];
            float[] weights = new float[tokens * n];
            labelAndWeigh(train, labels, weights);
            if (start == null) {
                initBias(labels, tokens);
            } else {
                initFromFactors();
            }
            int[] order = new int[tokens];
            for (int t = 0; t < tokens; t++) {
                order[t] = t;
            }
            SplittableRandom shuffle = new SplittableRandom(o.seed() * 7_919L + layer);
            float[] x = train.inputs().get(layer);
            float[] hid = new float[h];
            float[] z = new float[n];
            float[] g = new float[n];
            float[] dh = new float[h];
            double loss = 0;
            for (int epoch = 0; epoch < o.epochs(); epoch++) {
                for (int t = tokens - 1; t > 0; t--) {
                    int j = shuffle.nextInt(t + 1);
                    int tmp = order[t];
                    order[t] = order[j];
                    order[j] = tmp;
                }
                loss = 0;
                for (int b = 0; b < tokens; b += o.batch()) {
                    int end = Math.min(tokens, b + o.batch());
                    for (float[] gr : grads) {
                        Arrays.fill(gr, 0f);
                    }
                    float scale = 1f / (end - b);
                    for (int k = b; k < end; k++) {
                        int t = order[k];
                        forward(x, t * d, hid, z);
                        loss += backward(x, t * d, hid, z, g, dh, labels, weights, t * n, scale, epoch == o.epochs() - 1);
                    }
                    adam();
                }
                loss /= tokens;
            }
            float[][] logits = validationLogits();
            return new LayerResult(new TrainedPredictor.Layer(d, h, n, params[0].clone(), params[1].clone(),
                    params[2].clone(), params[3].clone(), 0f, o.relu(), dip), logits[0], logits[1],
                    (int) logits[2][0], (int) logits[2][1], loss);
        }

        /** Labels from the rule; an active neuron's weight grows with the error missing it would cause. */
        private void labelAndWeigh(TokenSet set, byte[] labels, float[] weights) {
            float[] acts = set.activations().layer(layer);
            float[] row = new float[n];
            IntArrayList active = new IntArrayList();
            double errSum = 0;
            long errCount = 0;
            float[] x = set.inputs().get(layer);
            float[] up = weightsOfLayer.up();
            float[] upBias = weightsOfLayer.upBias();
            float low = minimum();
            for (int t = 0; t < set.tokens(); t++) {
                System.arraycopy(acts, t * n, row, 0, n);
                active.clear();
                rule.select(layer, row, n, active);
                for (int k = 0; k < active.size(); k++) {
                    int i = active.get(k);
                    if (start != null && preActivation(up, upBias[i], i, x, t * d) < low) {
                        // active below the activation's dip: the dip test predicts it, the linear logit must not learn it
                        continue;
                    }
                    labels[t * n + i] = 1;
                    float e = Math.abs(row[i] - mean[i]) * downNorm[i];
                    weights[t * n + i] = e;
                    errSum += e;
                    errCount++;
                }
            }
            float meanErr = (float) (errCount == 0 ? 1 : errSum / errCount);
            for (int j = 0; j < weights.length; j++) {
                weights[j] = labels[j] == 1 ? 1 + o.missWeight() * weights[j] / Math.max(meanErr, 1e-12f) : 1f;
            }
        }

        private float preActivation(float[] up, float bias, int i, float[] x, int at) {
            float z = bias;
            int row = i * d;
            for (int k = 0; k < d; k++) {
                z += up[row + k] * x[at + k];
            }
            return z;
        }

        /** Scales B's columns and sets the biases so that logit = (ẑ − z*) / (s·r); see {@link #train}. */
        private void initFromFactors() {
            float[] x = train.inputs().get(layer);
            double sq = 0;
            for (float v : x) {
                sq += (double) v * v;
            }
            double rms = Math.sqrt(sq / x.length);
            float[] w2 = params[2];
            float[] b2 = params[3];
            for (int i = 0; i < n; i++) {
                float g = (float) (1 / Math.max(1e-6, start.residualNorm()[i] * rms));
                for (int j = 0; j < h; j++) {
                    w2[j * n + i] *= g;
                }
                float upper = boundary(i);
                b2[i] = (start.bias()[i] - upper) * g;
                float lower = lowerBoundary(i);
                // active also when ẑ − 1.5 expected errors lies below the dip's far side, as the low-rank predictor's test
                dip[i] = Float.isInfinite(lower) ? Float.NEGATIVE_INFINITY : (lower - upper) * g + 1.5f;
            }
        }

        /** The rule's activation bound for neuron i: active above it (on the rising branch). */
        private float bound(int i) {
            return switch (rule) {
                case ThresholdRule t -> t.threshold(layer);
                case ErrorRule e -> e.centres()[layer][i] + e.threshold(layer) / Math.max(1e-12f, e.weights()[layer][i]);
                default -> throw new IllegalArgumentException("a start from low-rank factors needs a threshold or error "
                        + "rule, not " + rule.describe());
            };
        }

        /**
         * Below the activation's minimum a GELU or SiLU rises back towards 0: the pre-activation
         * below which it is above the bound again there, or −∞ when it never is (ReLU, or a bound ≥ 0).
         */
        private float lowerBoundary(int i) {
            float a = bound(i);
            if (spec.activation() == Activation.RELU || a >= 0) {
                return Float.NEGATIVE_INFINITY;
            }
            float hi = minimum();
            float lo = -100f;
            if (spec.activate(hi) > a) {
                return Float.NEGATIVE_INFINITY;
            }
            for (int k = 0; k < 60; k++) {
                float mid = (lo + hi) / 2;
                if (spec.activate(mid) > a) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        private float minimum() {
            return spec.activation() == Activation.SILU ? -1.2785f : spec.activation() == Activation.RELU ? 0f : -0.7518f;
        }

        /**
         * z*_i: the pre-activation above which neuron i is active under the rule, on the rising
         * branch of the activation (found by bisection; the activations here rise above their minimum).
         */
        private float boundary(int i) {
            float a = bound(i);
            float lo = minimum();
            float hi = 100f;
            if (spec.activate(lo) > a) {
                return -100f;
            }
            for (int k = 0; k < 60; k++) {
                float mid = (lo + hi) / 2;
                if (spec.activate(mid) > a) {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            return hi;
        }

        /** Each output bias starts at the logit of its neuron's base rate, so training starts calibrated. */
        private void initBias(byte[] labels, int tokens) {
            float[] b2 = params[3];
            for (int i = 0; i < n; i++) {
                int pos = 0;
                for (int t = 0; t < tokens; t++) {
                    pos += labels[t * n + i];
                }
                double p = (pos + 0.5) / (tokens + 1.0);
                b2[i] = (float) Math.log(p / (1 - p));
            }
        }

        private void forward(float[] x, int xAt, float[] hid, float[] z) {
            float[] w1 = params[0];
            float[] w2 = params[2];
            System.arraycopy(params[1], 0, hid, 0, h);
            for (int k = 0; k < d; k++) {
                float xk = x[xAt + k];
                int row = k * h;
                for (int j = 0; j < h; j++) {
                    hid[j] += xk * w1[row + j];
                }
            }
            if (o.relu()) {
                for (int j = 0; j < h; j++) {
                    hid[j] = Math.max(0f, hid[j]);
                }
            }
            System.arraycopy(params[3], 0, z, 0, n);
            for (int j = 0; j < h; j++) {
                float v = hid[j];
                if (v != 0f) {
                    int row = j * n;
                    for (int i = 0; i < n; i++) {
                        z[i] += v * w2[row + i];
                    }
                }
            }
        }

        /** Adds this token's gradients (scaled by 1/batch); returns its weighted loss per neuron when asked (it costs a log). */
        private double backward(float[] x, int xAt, float[] hid, float[] z, float[] g, float[] dh, byte[] labels,
                                float[] weights, int at, float scale, boolean withLoss) {
            double loss = 0;
            for (int i = 0; i < n; i++) {
                float zi = z[i];
                double e = Math.exp(-Math.abs(zi));
                float p = (float) (zi >= 0 ? 1 / (1 + e) : e / (1 + e));
                float y = labels[at + i];
                float w = weights[at + i];
                if (withLoss) {
                    // log(1 + e^-|z|) + max(z, 0) − y·z: the cross-entropy without overflow
                    loss += w * (Math.log1p(e) + Math.max(zi, 0) - y * zi);
                }
                g[i] = w * (p - y) * scale;
            }
            float[] w2 = params[2];
            float[] gw2 = grads[2];
            float[] gb2 = grads[3];
            for (int i = 0; i < n; i++) {
                gb2[i] += g[i];
            }
            for (int j = 0; j < h; j++) {
                float v = hid[j];
                if (v != 0f || !o.relu()) {
                    int row = j * n;
                    float s = 0;
                    for (int i = 0; i < n; i++) {
                        gw2[row + i] += v * g[i];
                        s += w2[row + i] * g[i];
                    }
                    dh[j] = s;
                } else {
                    dh[j] = 0f;
                }
            }
            float[] gw1 = grads[0];
            float[] gb1 = grads[1];
            for (int j = 0; j < h; j++) {
                gb1[j] += dh[j];
            }
            for (int k = 0; k < d; k++) {
                float xk = x[xAt + k];
                int row = k * h;
                for (int j = 0; j < h; j++) {
                    gw1[row + j] += xk * dh[j];
                }
            }
            return loss / n;
        }

        private void adam() {
            step++;
            float lr = (float) (o.learningRate() * Math.sqrt(1 - Math.pow(BETA2, step)) / (1 - Math.pow(BETA1, step)));
            for (int p = 0; p < 4; p++) {
                float[] w = params[p];
                float[] gr = grads[p];
                float[] a = m1[p];
                float[] b = m2[p];
                for (int i = 0; i < w.length; i++) {
                    float gi = gr[i];
                    a[i] = BETA1 * a[i] + (1 - BETA1) * gi;
                    b[i] = BETA2 * b[i] + (1 - BETA2) * gi * gi;
                    w[i] -= lr * a[i] / ((float) Math.sqrt(b[i]) + EPS);
                }
            }
        }

        /** The validation logits split by the rule's verdict, each ascending. */
        private float[][] validationLogits() {
            int tokens = validation.tokens();
            float[] x = validation.inputs().get(layer);
            float[] acts = validation.activations().layer(layer);
            float[] hid = new float[h];
            float[] z = new float[n];
            float[] row = new float[n];
            IntArrayList active = new IntArrayList();
            float[] pos = new float[tokens * n];
            float[] neg = new float[tokens * n];
            int np = 0;
            int nn = 0;
            int dipPos = 0;
            int dipNeg = 0;
            for (int t = 0; t < tokens; t++) {
                forward(x, t * d, hid, z);
                System.arraycopy(acts, t * n, row, 0, n);
                active.clear();
                rule.select(layer, row, n, active);
                boolean[] on = new boolean[n];
                for (int k = 0; k < active.size(); k++) {
                    on[active.get(k)] = true;
                }
                for (int i = 0; i < n; i++) {
                    if (dip != null && z[i] < dip[i]) {
                        if (on[i]) {
                            dipPos++;
                        } else {
                            dipNeg++;
                        }
                    } else if (on[i]) {
                        pos[np++] = z[i];
                    } else {
                        neg[nn++] = z[i];
                    }
                }
            }
            float[] p = Arrays.copyOf(pos, np);
            float[] q = Arrays.copyOf(neg, nn);
            Arrays.sort(p);
            Arrays.sort(q);
            return new float[][] {p, q, {dipPos, dipNeg}};
        }
    }
}
