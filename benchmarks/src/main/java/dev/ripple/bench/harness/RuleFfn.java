package dev.ripple.bench.harness;

import dev.ripple.core.activity.ActivationPredictor;
import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.activity.FillIn;
import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.core.model.FeedForward;
import dev.ripple.core.model.TokenStats;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.kernels.KernelProvider;
import dev.ripple.core.tensor.kernels.Kernels;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;

/**
 * An FFN in DRAM that computes exactly what the flash runtime would under an activity rule, so a
 * sweep over rules needs no file and no I/O: every neuron's activation is computed exactly (for
 * the statistics), the rule picks the true active set S, and the neurons that would be read — S
 * itself (a perfect predictor), or what a predictor proposes — contribute exactly, every other
 * neuron its conditional mean, in {@link FillIn}'s form:
 * <pre>
 *   ŷ = b + c + Σ_{i read} (a_i − m_i)·d_i        (m = 0, c = 0 without fill-in)
 * </pre>
 * The error vector {@code Σ_{i not read} (a_i − m_i)·d_i} is accumulated in the same pass, so
 * the dense output of this very input is {@code ŷ + error} and the FFN relative error is measured
 * on the input the sparse model actually produced, layer after layer.
 *
 * <p>Not thread-safe (it counts); one instance per thread, merged with {@link FfnTally#plus}.
 */
public final class RuleFfn implements FeedForward {
    private final List<FfnLayerWeights> layers;
    private final ActivityRule rule;
    private final float[][] means;
    private final float[][] constants;
    private final ActivationPredictor predictor;
    private final MemorySegment[] up;
    private final MemorySegment[] gate;
    private final Kernels kernels = KernelProvider.best();
    private final IntArrayList active = new IntArrayList();
    private final IntArrayList predicted = new IntArrayList();
    private double readSum;
    private double errorSum;
    private long tokenLayers;
    private long truePositives;
    private long predictedCount;
    private long activeCount;

    /**
     * @param fillIn    per layer, or null for none (dropped neurons contribute nothing)
     * @param predictor what is read, or null to read exactly the rule's active set
     */
    public RuleFfn(
            List<FfnLayerWeights> layers, ActivityRule rule, List<FillIn> fillIn, ActivationPredictor predictor) {
        if (fillIn != null && fillIn.size() != layers.size()) {
            throw new IllegalArgumentException(
                    "fill-in for " + fillIn.size() + " layers, the model has " + layers.size());
        }
        this.layers = List.copyOf(layers);
        this.rule = rule;
        this.predictor = predictor;
        this.means = new float[layers.size()][];
        this.constants = new float[layers.size()][];
        this.up = new MemorySegment[layers.size()];
        this.gate = new MemorySegment[layers.size()];
        for (int l = 0; l < layers.size(); l++) {
            FfnLayerWeights w = layers.get(l);
            means[l] =
                    fillIn == null ? new float[w.spec().dFfn()] : fillIn.get(l).meanByNeuron();
            constants[l] = fillIn == null
                    ? new float[w.spec().dModel()]
                    : fillIn.get(l).constant();
            up[l] = MemorySegment.ofArray(w.up());
            gate[l] = w.spec().gated() ? MemorySegment.ofArray(w.gate()) : null;
        }
    }

    @Override
    public TokenStats forwardAll(int layer, float[][] xs, int n, float[][] outs) {
        for (int t = 0; t < n; t++) {
            forward(layer, xs[t], outs[t]);
        }
        return TokenStats.inMemory(layer, n, layers.get(layer).spec().dFfn(), 0);
    }

    @Override
    public TokenStats forward(int layer, float[] x, float[] out) {
        FfnLayerWeights w = layers.get(layer);
        int n = w.spec().dFfn();
        int d = w.spec().dModel();
        float[] a = activations(layer, w, x);
        active.clear();
        rule.select(layer, a, n, active);
        boolean[] read = new boolean[n];
        int readCount;
        if (predictor == null) {
            for (int k = 0; k < active.size(); k++) {
                read[active.get(k)] = true;
            }
            readCount = active.size();
        } else {
            predicted.clear();
            predictor.predict(layer, x, predicted);
            for (int k = 0; k < predicted.size(); k++) {
                read[predicted.get(k)] = true;
            }
            readCount = 0;
            for (boolean r : read) {
                readCount += r ? 1 : 0;
            }
            long hits = 0;
            for (int k = 0; k < active.size(); k++) {
                hits += read[active.get(k)] ? 1 : 0;
            }
            truePositives += hits;
            predictedCount += readCount;
            activeCount += active.size();
        }
        float[] m = means[layer];
        float[] down = w.downColumns();
        float[] err = new float[d];
        float[] bias = w.downBias();
        float[] c = constants[layer];
        for (int k = 0; k < d; k++) {
            out[k] = bias[k] + c[k];
        }
        for (int i = 0; i < n; i++) {
            float diff = a[i] - m[i];
            if (diff != 0) {
                axpy(read[i] ? out : err, diff, down, i * d, d);
            }
        }
        double e = 0;
        double dense = 0;
        for (int k = 0; k < d; k++) {
            e += (double) err[k] * err[k];
            double y = (double) out[k] + err[k];
            dense += y * y;
        }
        errorSum += dense == 0 ? (e == 0 ? 0 : 1) : Math.sqrt(e / dense);
        readSum += readCount / (double) n;
        tokenLayers++;
        return TokenStats.inMemory(layer, 1, readCount, 0);
    }

    /** Every neuron's exact activation for input x. */
    private float[] activations(int layer, FfnLayerWeights w, float[] x) {
        int n = w.spec().dFfn();
        int d = w.spec().dModel();
        float[] a = new float[n];
        float[] upBias = w.upBias();
        for (int i = 0; i < n; i++) {
            float u = kernels.dot(DType.F32, up[layer], 4L * i * d, x, d, null) + upBias[i];
            if (gate[layer] == null) {
                a[i] = w.spec().activate(u);
            } else {
                float g = kernels.dot(DType.F32, gate[layer], 4L * i * d, x, d, null) + w.gateBias()[i];
                a[i] = w.spec().neuron(u, g);
            }
        }
        return a;
    }

    private static void axpy(float[] acc, float a, float[] x, int from, int n) {
        for (int k = 0; k < n; k++) {
            acc[k] += a * x[from + k];
        }
    }

    /** What this instance counted so far. */
    public FfnTally tally() {
        return (new FfnTally(tokenLayers, readSum, errorSum, truePositives, predictedCount, activeCount));
    }

    /** Counts of one or more {@link RuleFfn}s; sums, so merging threads is exact. */
    public record FfnTally(
            long tokenLayers, double readSum, double errorSum, long truePositives, long predicted, long active) {
        public static final FfnTally ZERO = new FfnTally(0, 0, 0, 0, 0, 0);

        public FfnTally plus(FfnTally o) {
            return new FfnTally(
                    tokenLayers + o.tokenLayers,
                    readSum + o.readSum,
                    errorSum + o.errorSum,
                    truePositives + o.truePositives,
                    predicted + o.predicted,
                    active + o.active);
        }

        /** Mean over tokens and layers of the share of neurons read. */
        public double readShare() {
            return tokenLayers == 0 ? Double.NaN : readSum / tokenLayers;
        }

        /** Mean over tokens and layers of the FFN relative error. */
        public double ffnError() {
            return tokenLayers == 0 ? Double.NaN : errorSum / tokenLayers;
        }

        /** Share of truly active neurons that were read (NaN without a predictor). */
        public double recall() {
            return predicted == 0 && active == 0 ? Double.NaN : truePositives / (double) Math.max(1, active);
        }

        /** Share of read neurons that were truly active (NaN without a predictor). */
        public double precision() {
            return predicted == 0 && active == 0 ? Double.NaN : truePositives / (double) Math.max(1, predicted);
        }
    }

    @Override
    public String toString() {
        return "RuleFfn[" + rule.describe() + (predictor == null ? "" : ", " + predictor.name()) + "]";
    }
}
