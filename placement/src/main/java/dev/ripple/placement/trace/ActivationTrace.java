package dev.ripple.placement.trace;

import dev.ripple.placement.predictor.InputMoments;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.roaringbitmap.RoaringBitmap;

/**
 * Which FFN neurons were active, per token and layer, under one activity rule: the input of
 * co-activation statistics, placement and placement evaluation. Neuron ids are in the model's
 * original order. Instances are built by the profiler or read from a trace file.
 */
public final class ActivationTrace {
    private final TraceInfo info;
    private final int[] neurons;
    private final List<List<RoaringBitmap>> perLayer;
    private float[][] meanInactive;
    private List<InputMoments> inputMoments = List.of();
    private int[] passageStarts = new int[0];
    private int passages;

    /**
     * @param info    what the trace was recorded from (model, corpus, rule, token count)
     * @param neurons neurons per layer
     */
    public ActivationTrace(TraceInfo info, int[] neurons) {
        this.info = info;
        this.neurons = neurons.clone();
        this.perLayer = new ArrayList<>();
        for (int i = 0; i < neurons.length; i++) {
            perLayer.add(new ArrayList<>());
        }
    }

    /** Appends one token's active set for {@code layer}; tokens of a layer are appended in order. */
    public void add(int layer, RoaringBitmap active) {
        if (!active.isEmpty() && active.last() >= neurons[layer]) {
            throw new IllegalArgumentException(
                    "layer " + layer + ": neuron " + active.last() + " out of range 0.." + (neurons[layer] - 1));
        }
        perLayer.get(layer).add(active);
    }

    /**
     * Records that a passage (sentence) starts at token {@code firstToken}; starts must increase.
     * Passage boundaries let evaluations report prefill-like (whole passage) figures beside
     * per-token ones. A trace without boundaries is one stream of tokens.
     */
    public void addPassageStart(int firstToken) {
        if (firstToken < 0 || (passages > 0 && firstToken <= passageStarts[passages - 1])) {
            throw new IllegalArgumentException("passage starts must increase: " + firstToken + " after "
                    + (passages == 0 ? "none" : passageStarts[passages - 1]));
        }
        if (passages == passageStarts.length) {
            passageStarts = Arrays.copyOf(passageStarts, Math.max(16, passages * 2));
        }
        passageStarts[passages++] = firstToken;
    }

    /** First token of each passage, increasing; empty when boundaries were not recorded. */
    public int[] passageStarts() {
        return Arrays.copyOf(passageStarts, passages);
    }

    /**
     * The same active sets under another description, e.g. once the profiler knows the final
     * token count. The bitmaps are shared, not copied.
     */
    public ActivationTrace withInfo(TraceInfo other) {
        ActivationTrace t = new ActivationTrace(other, neurons);
        for (int l = 0; l < neurons.length; l++) {
            t.perLayer.get(l).addAll(perLayer.get(l));
        }
        for (int i = 0; i < passages; i++) {
            t.addPassageStart(passageStarts[i]);
        }
        return t;
    }

    /**
     * Per layer and neuron, the mean activation over the tokens where the neuron was NOT active
     * under the trace's rule: what mean fill-in substitutes for dropped neurons. Null when not recorded.
     */
    public float[][] meanInactive() {
        return meanInactive == null ? null : meanInactive.clone();
    }

    /** Attaches the per-neuron inactive means (one array of neurons(l) per layer). */
    public void setMeanInactive(float[][] means) {
        if (means != null) {
            if (means.length != neurons.length) {
                throw new IllegalArgumentException(
                        "means for " + means.length + " layers, trace has " + neurons.length);
            }
            for (int l = 0; l < means.length; l++) {
                if (means[l].length != neurons[l]) {
                    throw new IllegalArgumentException(
                            "layer " + l + ": " + means[l].length + " means for " + neurons[l] + " neurons");
                }
            }
        }
        this.meanInactive = means == null ? null : means.clone();
    }

    /**
     * Per layer, the moments of the FFN input over the traced tokens, which the low-rank predictor
     * is fitted to; empty when not recorded.
     */
    public List<InputMoments> inputMoments() {
        return inputMoments;
    }

    /** Attaches per-layer input moments (one per layer, or none). */
    public void setInputMoments(List<InputMoments> moments) {
        if (!moments.isEmpty() && moments.size() != neurons.length) {
            throw new IllegalArgumentException(
                    "input moments for " + moments.size() + " layers, trace has " + neurons.length);
        }
        this.inputMoments = List.copyOf(moments);
    }

    public TraceInfo info() {
        return info;
    }

    public int layers() {
        return neurons.length;
    }

    public int neurons(int layer) {
        return neurons[layer];
    }

    /** Tokens recorded for {@code layer}. */
    public int tokens(int layer) {
        return perLayer.get(layer).size();
    }

    /** The active set of {@code token} in {@code layer} (do not modify). */
    public RoaringBitmap active(int layer, int token) {
        return perLayer.get(layer).get(token);
    }

    /** All active sets of one layer in token order (do not modify). */
    public List<RoaringBitmap> layer(int layer) {
        return Collections.unmodifiableList(perLayer.get(layer));
    }
}
