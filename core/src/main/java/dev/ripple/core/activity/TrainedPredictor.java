package dev.ripple.core.activity;

import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.kernels.KernelProvider;
import dev.ripple.core.tensor.kernels.Kernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.collections.api.list.primitive.MutableIntList;

/**
 * A small network per layer, trained on profiled FFN inputs to say which neurons will be active
 * (issue 16, part 2; the shape of Deja Vu's predictor): {@code h = relu(x·W1 + b1)} (or without
 * the relu),
 * {@code logit = h·W2 + b2}, a neuron predicted active when its logit exceeds the layer's
 * threshold. It is trained offline (placement's {@code PredictorTrainer}) with a loss that weights
 * a missed neuron by the output error missing it causes, and the thresholds are calibrated on a
 * validation split to a recall target, so unlike {@link LowRankPredictor} it learns what the rule
 * decides rather than a regression of pre-activations followed by an interval test.
 *
 * <p>Cost per token and layer: {@code hidden·(dModel + dFfn)} multiply-adds, the same as a
 * low-rank predictor of rank {@code hidden}. Both products are sums of scaled rows computed with
 * the {@link Kernels#axpy} kernel ({@link KernelProvider#best()}: the Vector API where available;
 * {@link KernelProvider#scalar()} is the reference twin, and a contract test holds the two
 * together). Thread-safe: every call uses its own buffers.
 *
 * <pre>{@code
 * TrainedPredictor p = new TrainedPredictor(List.of(layer0, layer1));
 * MutableIntList active = new IntArrayList();
 * p.predict(0, x, active);            // neuron indices, ascending
 * }</pre>
 */
public final class TrainedPredictor implements ActivationPredictor {

    /**
     * One layer's network.
     *
     * @param w1        {@code [dModel × hidden]}, row-major
     * @param w2        {@code [hidden × dFfn]}, row-major
     * @param threshold the logit above which a neuron is predicted active
     * @param relu      whether the hidden layer is rectified; without, the network is a low-rank
     *                  logit model that can start from the low-rank predictor's factors
     * @param dip       per neuron, a logit below which the neuron is predicted active too (null:
     *                  none): with a start from low-rank factors the logit is a monotone function of
     *                  the predicted pre-activation, and a GELU is also above {@code act > -0.05}
     *                  far below its dip, so very low logits mean active as well
     */
    public record Layer(
            int dModel,
            int hidden,
            int dFfn,
            float[] w1,
            float[] b1,
            float[] w2,
            float[] b2,
            float threshold,
            boolean relu,
            float[] dip) {
        public Layer {
            if (dip != null && dip.length != dFfn) {
                throw new IllegalArgumentException(
                        "trained predictor layer: " + dip.length + " dip bounds for " + dFfn + " neurons");
            }
            if (dModel <= 0
                    || hidden <= 0
                    || dFfn <= 0
                    || w1.length != dModel * hidden
                    || b1.length != hidden
                    || w2.length != hidden * dFfn
                    || b2.length != dFfn) {
                throw new IllegalArgumentException("trained predictor layer: shapes do not match dModel " + dModel
                        + ", hidden " + hidden + ", dFfn " + dFfn);
            }
            if (Float.isNaN(threshold)) {
                throw new IllegalArgumentException("trained predictor layer: threshold is NaN");
            }
        }

        /** The same network with another threshold. */
        public Layer withThreshold(float t) {
            return new Layer(dModel, hidden, dFfn, w1, b1, w2, b2, t, relu, dip);
        }

        /** Multiply-adds per token. */
        public long multiplyAdds() {
            return (long) hidden * (dModel + dFfn);
        }
    }

    /** A layer as the kernels read it: the weights off-heap, where the Vector API's loads are intrinsified. */
    private record Resident(Layer layer, MemorySegment w1, MemorySegment w2) {}

    private final Resident[] layers;
    private final Kernels kernels;

    /** With the best kernels of this JVM. */
    public TrainedPredictor(List<Layer> layers) {
        this(layers, KernelProvider.best());
    }

    /** With the given kernels ({@link KernelProvider#scalar()} for the reference). */
    public TrainedPredictor(List<Layer> layers, Kernels kernels) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("trained predictor: no layers");
        }
        Arena arena = Arena.ofAuto();
        this.layers = new Resident[layers.size()];
        for (int l = 0; l < layers.size(); l++) {
            Layer f = layers.get(l);
            this.layers[l] = new Resident(
                    f,
                    arena.allocate(4L * f.w1().length, 64).copyFrom(MemorySegment.ofArray(f.w1())),
                    arena.allocate(4L * f.w2().length, 64).copyFrom(MemorySegment.ofArray(f.w2())));
        }
        this.kernels = kernels;
    }

    @Override
    public String name() {
        return "trained";
    }

    public int layers() {
        return layers.length;
    }

    public Layer layer(int l) {
        return layers[l].layer();
    }

    /** The same networks with new per-layer thresholds (one per layer). */
    public TrainedPredictor withThresholds(float[] thresholds) {
        if (thresholds.length != layers.length) {
            throw new IllegalArgumentException(
                    "trained predictor: " + thresholds.length + " thresholds for " + layers.length + " layers");
        }
        List<Layer> out = new ArrayList<>();
        for (int l = 0; l < layers.length; l++) {
            out.add(layers[l].layer().withThreshold(thresholds[l]));
        }
        return new TrainedPredictor(out, kernels);
    }

    /** Every neuron's logit for input {@code x}. */
    public float[] logits(int layer, float[] x) {
        Resident r = layers[layer];
        Layer f = r.layer();
        int d = f.dModel();
        int h = f.hidden();
        int n = f.dFfn();
        float[] hid = f.b1().clone();
        for (int k = 0; k < d; k++) {
            float xk = x[k];
            if (xk != 0f) {
                kernels.axpy(DType.F32, xk, r.w1(), 4L * k * h, hid, h, null);
            }
        }
        float[] z = f.b2().clone();
        for (int j = 0; j < h; j++) {
            float v = f.relu() ? Math.max(0f, hid[j]) : hid[j];
            if (v != 0f) {
                kernels.axpy(DType.F32, v, r.w2(), 4L * j * n, z, n, null);
            }
        }
        return z;
    }

    @Override
    public void predict(int layer, float[] x, MutableIntList out) {
        float[] z = logits(layer, x);
        float t = layers[layer].layer().threshold();
        float[] dip = layers[layer].layer().dip();
        for (int i = 0; i < z.length; i++) {
            if (z[i] > t || (dip != null && z[i] < dip[i])) {
                out.add(i);
            }
        }
    }
}
