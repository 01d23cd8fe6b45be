package dev.ripple.placement.trace;

import dev.ripple.placement.predictor.AheadMoments;
import dev.ripple.placement.predictor.InputMoments;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.roaringbitmap.ImmutableBitmapDataProvider;
import org.roaringbitmap.RoaringBitmap;

/**
 * Which FFN neurons were active, per token and layer, under one activity rule: the input of
 * co-activation statistics, placement and placement evaluation. Neuron ids are in the model's
 * original order.
 *
 * <p>A trace is a read-only value. One trace is handed to several readers at once: the placement
 * algorithms counting co-activations (on several threads), the evaluation of their orders, the
 * trace writer, the predictor fit. If any of them could change it, what the others computed would
 * depend on who ran first. So traces are assembled by a {@link Builder} (the profiler, the trace
 * file reader, the synthetic generators), which copies what it is given, and what a trace hands out
 * cannot change it: active sets are {@link ImmutableBitmapDataProvider} views of its own bitmaps
 * (no copy, so the counting and evaluation loops read them at full speed; casting a view back to
 * {@link RoaringBitmap} to change it is not supported), lists are unmodifiable and arrays are
 * copies.
 *
 * <pre>{@code
 * TraceInfo info = new TraceInfo("m", "corpus.txt", "act > 0", 2);
 * ActivationTrace.Builder b = ActivationTrace.builder(info, new int[] {1536}); // one layer of 1,536 neurons
 * b.addPassageStart(0);
 * b.add(0, RoaringBitmap.bitmapOf(3, 17, 900)); // token 0 of layer 0
 * b.add(0, RoaringBitmap.bitmapOf(17, 40));     // token 1
 * ActivationTrace trace = b.build();
 * int active = trace.active(0, 1).getCardinality(); // 2
 * }</pre>
 */
public final class ActivationTrace {
    private final TraceInfo info;
    private final int[] neurons;
    /** Per layer, the token sets in order; never changed once the trace is built. */
    private final List<List<RoaringBitmap>> perLayer;
    /** {@link #perLayer}'s lists as the read-only views {@link #layer} hands out. */
    private final List<List<ImmutableBitmapDataProvider>> views;

    private final int[] passageStarts;
    private final float[][] meanInactive;
    private final List<InputMoments> inputMoments;
    private final List<AheadMoments> aheadMoments;

    private ActivationTrace(
            TraceInfo info,
            int[] neurons,
            List<List<RoaringBitmap>> perLayer,
            int[] passageStarts,
            float[][] meanInactive,
            List<InputMoments> inputMoments,
            List<AheadMoments> aheadMoments) {
        this.info = info;
        this.neurons = neurons;
        this.perLayer = perLayer;
        List<List<ImmutableBitmapDataProvider>> v = new ArrayList<>(perLayer.size());
        for (List<RoaringBitmap> layer : perLayer) {
            v.add(Collections.unmodifiableList(layer));
        }
        this.views = List.copyOf(v);
        this.passageStarts = passageStarts;
        this.meanInactive = meanInactive;
        this.inputMoments = inputMoments;
        this.aheadMoments = aheadMoments;
    }

    /**
     * A builder of a trace of {@code neurons.length} layers.
     *
     * @param info    what the trace is recorded from (model, corpus, rule, token count)
     * @param neurons neurons per layer
     */
    public static Builder builder(TraceInfo info, int[] neurons) {
        return new Builder(info, neurons);
    }

    /**
     * The same active sets under another description, e.g. a split's part or another rule's name.
     * The sets are shared, not copied: neither trace can change them.
     */
    public ActivationTrace withInfo(TraceInfo other) {
        return new ActivationTrace(other, neurons, perLayer, passageStarts, meanInactive, inputMoments, aheadMoments);
    }

    /**
     * The same trace with other FFN input moments (one per layer, or none, as a trace written
     * before they were recorded) and no {@link #aheadMoments}, whose FFN side they were. The sets
     * are shared, not copied.
     */
    public ActivationTrace withInputMoments(List<InputMoments> moments) {
        return new ActivationTrace(
                info,
                neurons,
                perLayer,
                passageStarts,
                meanInactive,
                checkedMoments(moments, neurons.length),
                List.of());
    }

    /**
     * The same trace with other read-ahead moments (one per layer, or none); the FFN side of each
     * must be the trace's {@link #inputMoments} of that layer (the same tokens). The sets are
     * shared, not copied.
     *
     * @throws IllegalArgumentException for another number of layers, or FFN sides that are not the
     *     trace's input moments
     */
    public ActivationTrace withAheadMoments(List<AheadMoments> moments) {
        return new ActivationTrace(
                info,
                neurons,
                perLayer,
                passageStarts,
                meanInactive,
                inputMoments,
                checkedAhead(moments, inputMoments));
    }

    public TraceInfo info() {
        return info;
    }

    /**
     * What it was recorded on and how much: model, corpus, rule, layers, the first layer's neurons,
     * tokens and passages; the sets themselves are left out.
     */
    @Override
    public String toString() {
        return "ActivationTrace[model=" + info.model() + ", corpus=" + info.corpus() + ", rule=" + info.rule()
                + ", layers=" + layers() + ", neurons=" + (layers() == 0 ? 0 : neurons(0)) + ", tokens="
                + (layers() == 0 ? 0 : tokens(0)) + ", passages=" + passageStarts.length + "]";
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

    /** The active set of {@code token} in {@code layer}: a read-only view of the trace's own set, not a copy. */
    public ImmutableBitmapDataProvider active(int layer, int token) {
        return perLayer.get(layer).get(token);
    }

    /**
     * The union of the active sets of tokens {@code from} (inclusive) to {@code to} (exclusive) in
     * {@code layer}, as a new set the caller owns: a window of tokens (a prefill's union, the sets an
     * LLM-in-a-flash window keeps), made by the compressed sets' own union rather than element by
     * element through the read-only views.
     */
    public RoaringBitmap union(int layer, int from, int to) {
        List<RoaringBitmap> sets = perLayer.get(layer);
        Objects.checkFromToIndex(from, to, sets.size());
        return RoaringBitmap.or(sets.subList(from, to).iterator());
    }

    /** All active sets of one layer in token order: an unmodifiable list of read-only views, not a copy. */
    public List<ImmutableBitmapDataProvider> layer(int layer) {
        return views.get(layer);
    }

    /**
     * Whether {@code other} records the same active sets: the same layers, neurons, passages and, for
     * every token, the same set; info and moments aside. A held-out trace profiled from the
     * calibration text itself is one ({@code PlacementPipeline.place} refuses it).
     */
    public boolean sameActiveSets(ActivationTrace other) {
        if (other == this) {
            return true;
        }
        if (!Arrays.equals(neurons, other.neurons) || !Arrays.equals(passageStarts, other.passageStarts)) {
            return false;
        }
        for (int l = 0; l < neurons.length; l++) {
            if (!perLayer.get(l).equals(other.perLayer.get(l))) {
                return false;
            }
        }
        return true;
    }

    /**
     * First token of each passage (sentence), increasing; empty when boundaries were not recorded,
     * and the trace is then one stream of tokens. Passage boundaries let evaluations report
     * prefill-like (whole passage) figures beside per-token ones. A copy.
     */
    public int[] passageStarts() {
        return passageStarts.clone();
    }

    /**
     * Per layer and neuron, the mean activation over the tokens where the neuron was NOT active
     * under the trace's rule: what mean fill-in substitutes for dropped neurons. Null when not
     * recorded. A copy (one float per neuron), so callers read it once.
     */
    public float[][] meanInactive() {
        return deepCopy(meanInactive);
    }

    /**
     * Per layer, the moments of the FFN input over the traced tokens, which the low-rank predictor
     * is fitted to; empty when not recorded. Unmodifiable (and {@link InputMoments} is a value).
     */
    public List<InputMoments> inputMoments() {
        return inputMoments;
    }

    /**
     * Per layer, the joint moments of the layer input (as decode's read-ahead sees it) and the FFN
     * input over the traced tokens, which the read-ahead predictor is fitted to
     * ({@code LowRankFactorizer.factorAhead}); empty when not recorded (encoders, wide models,
     * traces written before them). When present, each one's {@link AheadMoments#ffn} is the
     * layer's {@link #inputMoments}: the trace file stores that side once. Unmodifiable.
     */
    public List<AheadMoments> aheadMoments() {
        return aheadMoments;
    }

    /** The stored set itself, for the writer in this package, which only reads it. */
    RoaringBitmap bitmap(int layer, int token) {
        return perLayer.get(layer).get(token);
    }

    private static float[][] deepCopy(float[][] a) {
        if (a == null) {
            return null;
        }
        float[][] c = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    private static List<InputMoments> checkedMoments(List<InputMoments> moments, int layers) {
        if (!moments.isEmpty() && moments.size() != layers) {
            throw new IllegalArgumentException("input moments for " + moments.size() + " layers, trace has " + layers);
        }
        return List.copyOf(moments);
    }

    private static List<AheadMoments> checkedAhead(List<AheadMoments> ahead, List<InputMoments> inputs) {
        if (ahead.isEmpty()) {
            return List.of();
        }
        if (ahead.size() != inputs.size()) {
            throw new IllegalArgumentException("ahead moments for " + ahead.size() + " layers, and input moments for "
                    + inputs.size() + "; they go together, one per layer");
        }
        for (int l = 0; l < ahead.size(); l++) {
            if (!ahead.get(l).ffn().equals(inputs.get(l))) {
                throw new IllegalArgumentException(
                        "layer " + l + ": the ahead moments' FFN side is not the trace's input moments");
            }
        }
        return List.copyOf(ahead);
    }

    /**
     * Assembles one trace: tokens are appended per layer in order, then {@link #build} hands the
     * result over. Sets given to {@link #add(int, RoaringBitmap)} are copied, so a recorder may
     * reuse or change its bitmap afterwards without touching the trace. Used by one thread at a time.
     */
    public static final class Builder {
        private final TraceInfo info;
        private final int[] neurons;
        private List<List<RoaringBitmap>> perLayer;
        private int[] passageStarts = new int[0];
        private int passages;
        private float[][] meanInactive;
        private List<InputMoments> inputMoments = List.of();
        private List<AheadMoments> aheadMoments = List.of();

        private Builder(TraceInfo info, int[] neurons) {
            this.info = info;
            this.neurons = neurons.clone();
            this.perLayer = new ArrayList<>(neurons.length);
            for (int i = 0; i < neurons.length; i++) {
                perLayer.add(new ArrayList<>());
            }
        }

        /** Appends a copy of one token's active set to {@code layer}. */
        public Builder add(int layer, RoaringBitmap active) {
            return adopt(layer, active.clone());
        }

        /**
         * Appends token {@code token} of {@code source}'s layer {@code layer} to the same layer here,
         * e.g. to split a trace. The set is shared, not copied: a built trace never changes it.
         */
        public Builder add(int layer, ActivationTrace source, int token) {
            return adopt(layer, source.bitmap(layer, token));
        }

        /**
         * Appends {@code active} itself, not a copy: for the trace reader in this package, which
         * decodes a fresh bitmap per token and keeps no reference to it.
         */
        Builder adopt(int layer, RoaringBitmap active) {
            requireOpen();
            // last() is the largest id as a signed int: negative for ids of 2^31 and above
            if (!active.isEmpty() && (active.last() < 0 || active.last() >= neurons[layer])) {
                throw new IllegalArgumentException("layer " + layer + ": neuron "
                        + Integer.toUnsignedString(active.last()) + " out of range 0.." + (neurons[layer] - 1));
            }
            perLayer.get(layer).add(active);
            return this;
        }

        /** Records that a passage (sentence) starts at token {@code firstToken}; starts must increase. */
        public Builder addPassageStart(int firstToken) {
            requireOpen();
            if (firstToken < 0 || (passages > 0 && firstToken <= passageStarts[passages - 1])) {
                throw new IllegalArgumentException("passage starts must increase: " + firstToken + " after "
                        + (passages == 0 ? "none" : passageStarts[passages - 1]));
            }
            if (passages == passageStarts.length) {
                passageStarts = Arrays.copyOf(passageStarts, Math.max(16, passages * 2));
            }
            passageStarts[passages++] = firstToken;
            return this;
        }

        /** Sets the per-neuron inactive means (one array of neurons(l) per layer, or null); copied. */
        public Builder meanInactive(float[][] means) {
            requireOpen();
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
            this.meanInactive = deepCopy(means);
            return this;
        }

        /** Sets per-layer FFN input moments (one per layer, or none). */
        public Builder inputMoments(List<InputMoments> moments) {
            requireOpen();
            this.inputMoments = checkedMoments(moments, neurons.length);
            return this;
        }

        /**
         * Sets per-layer read-ahead moments (one per layer, or none); {@link #build} checks that
         * their FFN sides are the {@link #inputMoments}.
         */
        public Builder aheadMoments(List<AheadMoments> moments) {
            requireOpen();
            this.aheadMoments = List.copyOf(moments);
            return this;
        }

        /**
         * The trace; the builder hands its sets over and cannot be used again.
         *
         * @throws IllegalArgumentException when the ahead moments do not go with the input moments
         *     ({@link ActivationTrace#withAheadMoments}); the builder can then still be used
         */
        public ActivationTrace build() {
            requireOpen();
            List<AheadMoments> ahead = checkedAhead(aheadMoments, inputMoments);
            List<List<RoaringBitmap>> sets = perLayer;
            perLayer = null;
            return new ActivationTrace(
                    info, neurons, sets, Arrays.copyOf(passageStarts, passages), meanInactive, inputMoments, ahead);
        }

        private void requireOpen() {
            if (perLayer == null) {
                throw new IllegalStateException("this builder already built its trace");
            }
        }
    }
}
