package dev.ripple.placement.predictor;

import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.activity.ErrorRule;
import dev.ripple.core.activity.LowRankPredictor;
import dev.ripple.core.activity.ThresholdRule;
import dev.ripple.core.activity.TrainedPredictor;
import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.core.format.FfnLayerSpec;
import dev.ripple.core.tensor.Activation;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;

/**
 * One layer's training for {@link PredictorTrainer}: labels and miss weights from the rule, the
 * start (random or from low-rank factors), Adam over shuffled mini-batches, and the validation
 * logits the thresholds are calibrated on. Plain loops over float arrays, which C2 vectorizes.
 */
final class LayerTrainer {
    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPS = 1e-8f;

    private final int layer;
    private final PredictorTrainer.TokenSet train;
    private final PredictorTrainer.TokenSet validation;
    private final ActivityRule rule;
    private final float[] mean;
    private final float[] downNorm;
    private final PredictorTrainer.Options o;
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

    LayerTrainer(
            int layer,
            PredictorTrainer.TokenSet train,
            PredictorTrainer.TokenSet validation,
            ActivityRule rule,
            float[] mean,
            float[] downNorm,
            FfnLayerWeights weightsOfLayer,
            LowRankPredictor.Factors start,
            PredictorTrainer.Options o) {
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
            throw new IllegalArgumentException(
                    "a start from low-rank factors is for ungated FFNs; layer " + layer + " is gated");
        }
        SplittableRandom r = new SplittableRandom(o.seed() * 1_000_003L + layer);
        float[] w1 = start == null
                ? gaussian(r, d * h, (float) Math.sqrt(2.0 / d))
                : start.a().clone();
        float[] b1 = new float[h];
        float[] w2 = start == null
                ? gaussian(r, h * n, (float) Math.sqrt(1.0 / h))
                : start.b().clone();
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

    PredictorTrainer.LayerResult run() {
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
        return new PredictorTrainer.LayerResult(
                new TrainedPredictor.Layer(
                        d,
                        h,
                        n,
                        params[0].clone(),
                        params[1].clone(),
                        params[2].clone(),
                        params[3].clone(),
                        0f,
                        o.relu(),
                        dip),
                logits[0],
                logits[1],
                (int) logits[2][0],
                (int) logits[2][1],
                loss);
    }

    /** Labels from the rule; an active neuron's weight grows with the error missing it would cause. */
    private void labelAndWeigh(PredictorTrainer.TokenSet set, byte[] labels, float[] weights) {
        float[] acts = set.activations().layer(layer);
        float[] row = new float[n];
        IntArrayList active = new IntArrayList();
        double errSum = 0;
        long errCount = 0;
        float[] x = set.inputs().get(layer);
        float[] up = weightsOfLayer.up();
        float[] upBias = weightsOfLayer.upBias();
        float low = minimum();
        // A positive activation comes from a positive pre-activation (all four activations are
        // positive exactly above 0), far above a dip minimum below 0, so only the others need the
        // dot product: most active neurons are positive, and the product was most of training's time.
        boolean positiveIsRising = low < 0;
        for (int t = 0; t < set.tokens(); t++) {
            System.arraycopy(acts, t * n, row, 0, n);
            active.clear();
            rule.select(layer, row, n, active);
            for (int k = 0; k < active.size(); k++) {
                int i = active.get(k);
                if (start != null
                        && !(positiveIsRising && row[i] > 0)
                        && preActivation(up, upBias[i], i, x, t * d) < low) {
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

    /** Scales B's columns and sets the biases so that logit = (ẑ − z*) / (s·r); see {@link PredictorTrainer#train}. */
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
            default ->
                throw new IllegalArgumentException(
                        "a start from low-rank factors needs a threshold or error " + "rule, not " + rule.describe());
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
        if (spec.activate(minimum()) > a) {
            return Float.NEGATIVE_INFINITY;
        }
        return crossing(-100f, minimum(), a);
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
        if (spec.activate(minimum()) > a) {
            return -100f;
        }
        return crossing(100f, minimum(), a);
    }

    /**
     * Bisects one branch of the activation between a pre-activation {@code above} whose activation
     * exceeds {@code a} and one, {@code below}, whose activation does not; returns the point found
     * nearest the crossing on the {@code above} side.
     */
    private float crossing(float above, float below, float a) {
        for (int k = 0; k < 60; k++) {
            float mid = (above + below) / 2;
            if (spec.activate(mid) > a) {
                above = mid;
            } else {
                below = mid;
            }
        }
        return above;
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
    private double backward(
            float[] x,
            int xAt,
            float[] hid,
            float[] z,
            float[] g,
            float[] dh,
            byte[] labels,
            float[] weights,
            int at,
            float scale,
            boolean withLoss) {
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
