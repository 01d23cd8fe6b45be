package dev.ripple.core.model.decoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.Labels;
import dev.ripple.core.model.ArchitectureFields;
import dev.ripple.core.tensor.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The architecture block of a decoder {@code .ripple} file: the family, sizes, conventions and the
 * names of the resident tensors its forward pass needs (the FFN of layer i is the file's FFN layer
 * i). Importers build it and write {@link #toJson()}; the runtime reads {@link #fromJson}; a test
 * holds the two together for each family. docs/DECODERS.md describes every field.
 *
 * <pre>{@code
 * DecoderConfig c = DecoderConfig.fromJson(file.architecture());
 * int kvBytesPerToken = c.kvBytesPerToken(DType.F16);
 * }</pre>
 *
 * @param family           OPT or the Llama family (Llama 2/3, Mistral, Qwen2 and their ReLU-fied kin)
 * @param hfModelType      the checkpoint's {@code model_type} ({@code opt}, {@code llama}, {@code mistral}, {@code qwen2}, …)
 * @param hiddenSize       width of the residual stream
 * @param intermediateSize neurons per FFN layer
 * @param numHeads         query heads
 * @param numKvHeads       key/value heads (grouped-query attention when fewer than numHeads)
 * @param headDim          width of one head
 * @param vocabSize        rows of the embedding and of the LM head
 * @param maxPositions     longest context the model supports (OPT: rows of its position table)
 * @param normEps          epsilon of LayerNorm (OPT) or RMSNorm (Llama)
 * @param preNorm          norms before attention and FFN (every Llama; OPT unless {@code do_layer_norm_before}
 *                         is false, as in OPT-350m, which normalises after each residual instead)
 * @param positionOffset   OPT's learned positions start at this row (2); 0 elsewhere
 * @param rope             rotary embeddings (Llama family), or null (OPT)
 * @param slidingWindow    Mistral's attention window in tokens, 0 for none
 * @param bosId            beginning-of-sequence token, or -1
 * @param eosId            end-of-sequence token, or -1
 * @param tensors          names of the resident tensors
 */
public record DecoderConfig(
        Family family,
        String hfModelType,
        int hiddenSize,
        int intermediateSize,
        int numHeads,
        int numKvHeads,
        int headDim,
        int vocabSize,
        int maxPositions,
        float normEps,
        boolean preNorm,
        int positionOffset,
        Rope rope,
        int slidingWindow,
        int bosId,
        int eosId,
        Tensors tensors) {
    private static final ArchitectureFields FIELDS = new ArchitectureFields("decoder architecture");

    /** The two decoder families: they differ in norms, positions, attention and FFN shape. */
    public enum Family {
        /** Meta's OPT: LayerNorm, learned positions, ReLU FFN with biases, tied LM head. */
        OPT("opt"),
        /** Llama and kin: RMSNorm, rotary positions, grouped-query attention, gated FFN. */
        LLAMA("llama");

        private final String label;

        Family(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static Family ofLabel(String s) {
            return Labels.find(values(), Family::label, s, "decoder family");
        }
    }

    /**
     * Which dimensions of a head rotate together. Hugging Face's Llama weights rotate dimension i
     * with i + headDim/2 ({@link #HALF}); GGUF files converted by llama.cpp permute the q and k rows
     * and rotate adjacent pairs (2i, 2i + 1) ({@link #ADJACENT}). The same model is right under
     * exactly one of them, so the file records which.
     */
    public enum Rotation {
        HALF("half"),
        ADJACENT("adjacent");

        private final String label;

        Rotation(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static Rotation ofLabel(String s) {
            return Labels.find(values(), Rotation::label, s, "rotation convention");
        }
    }

    /**
     * Rotary position embeddings.
     *
     * @param theta    base of the frequencies ({@code rope_theta})
     * @param rotation which dimensions rotate together
     * @param scaling  frequency scaling, or null
     */
    public record Rope(double theta, Rotation rotation, RopeScaling scaling) {
        public Rope {
            if (!(theta > 1)) {
                throw new IllegalArgumentException("rope theta must be > 1, got " + theta);
            }
        }

        /**
         * The inverse frequencies of a head of {@code headDim}, one per rotated pair, scaled as the
         * config says, rounded to float as Hugging Face keeps them.
         */
        public float[] inverseFrequencies(int headDim) {
            float[] inv = new float[headDim / 2];
            for (int i = 0; i < inv.length; i++) {
                double f = 1.0 / Math.pow(theta, (2.0 * i) / headDim);
                inv[i] = (float) (scaling == null ? f : scaling.scale(f));
            }
            return inv;
        }
    }

    /**
     * How rotary frequencies are rescaled for long contexts: {@code linear} divides every frequency
     * by {@code factor}; {@code llama3} (Llama 3.1) divides the low frequencies, keeps the high ones
     * and blends in between, as transformers' {@code _compute_llama3_parameters} does.
     */
    public record RopeScaling(
            String type, double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {
        public RopeScaling {
            if (!type.equals("linear") && !type.equals("llama3")) {
                throw new IllegalArgumentException("rope scaling '" + type + "' is not supported (linear, llama3 are)");
            }
            if (!(factor > 0)
                    || (type.equals("llama3") && !(highFreqFactor > lowFreqFactor && originalMaxPositions > 0))) {
                throw new IllegalArgumentException(
                        "rope scaling " + type + ": factor " + factor + ", low " + lowFreqFactor + ", high "
                                + highFreqFactor + ", original context " + originalMaxPositions + " do not make sense");
            }
        }

        public static RopeScaling linear(double factor) {
            return new RopeScaling("linear", factor, 0, 0, 0);
        }

        public static RopeScaling llama3(double factor, double low, double high, int originalMaxPositions) {
            return new RopeScaling("llama3", factor, low, high, originalMaxPositions);
        }

        /** One inverse frequency after scaling. */
        double scale(double invFreq) {
            if (type.equals("linear")) {
                return invFreq / factor;
            }
            double lowWavelen = originalMaxPositions / lowFreqFactor;
            double highWavelen = originalMaxPositions / highFreqFactor;
            double wavelen = 2 * Math.PI / invFreq;
            if (wavelen < highWavelen) {
                return invFreq;
            }
            if (wavelen > lowWavelen) {
                return invFreq / factor;
            }
            double smooth = (originalMaxPositions / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
            return (1 - smooth) * invFreq / factor + smooth * invFreq;
        }
    }

    /**
     * Names of the resident tensors. Linear weights are [out, in]; a null bias means none.
     *
     * @param embeddings     token embeddings [vocab, embedDim]
     * @param positions      OPT's learned positions [maxPositions + offset, hidden], else null
     * @param projectIn      OPT-350m's [hidden, embedDim] projection of the embeddings, else null
     * @param projectOut     OPT-350m's [embedDim, hidden] projection before the LM head, else null
     * @param finalNorm      the norm before the LM head (null for post-norm OPT, which has none)
     * @param lmHead         [vocab, embedDim]; the embeddings' name when tied
     */
    public record Tensors(
            String embeddings,
            String positions,
            String projectIn,
            String projectOut,
            Norm finalNorm,
            String lmHead,
            List<Layer> layers) {
        public Tensors {
            layers = List.copyOf(layers);
        }
    }

    /** A norm's weight and bias (bias null for RMSNorm). */
    public record Norm(String weight, String bias) {}

    /** A projection's weight and bias (bias null when the model has none). */
    public record Projection(String weight, String bias) {}

    /** One layer's attention and norms (its FFN lives in the bundle sections). */
    public record Layer(
            Projection query, Projection key, Projection value, Projection output, Norm attentionNorm, Norm ffnNorm) {}

    public DecoderConfig {
        if (hiddenSize <= 0
                || intermediateSize <= 0
                || numHeads <= 0
                || numKvHeads <= 0
                || headDim <= 0
                || numHeads % numKvHeads != 0
                || vocabSize <= 0
                || maxPositions <= 0) {
            throw new IllegalArgumentException(
                    "decoder: sizes must be positive and heads a multiple of kv heads: hidden "
                            + hiddenSize + ", ffn " + intermediateSize + ", heads " + numHeads + "/" + numKvHeads
                            + ", head dim "
                            + headDim + ", vocab " + vocabSize + ", positions " + maxPositions);
        }
        for (int heads : new int[] {numHeads, numKvHeads}) {
            // q, k, v and the buffers are heads × headDim wide: an overflow would wrap around to a
            // width that may match a stored projection, and attention would run past its rows
            if ((long) heads * headDim > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(
                        "decoder: " + heads + " heads of " + headDim + " are wider than an int");
            }
        }
        if ((family == Family.LLAMA) != (rope != null)) {
            throw new IllegalArgumentException("decoder: the llama family uses rotary positions and opt does not");
        }
        if (rope != null && headDim % 2 != 0) {
            throw new IllegalArgumentException("decoder: rotary heads need an even width, got " + headDim);
        }
        if (family == Family.OPT && tensors.positions() == null) {
            throw new IllegalArgumentException("decoder: opt needs its learned position table");
        }
        if (!(normEps > 0) || slidingWindow < 0 || positionOffset < 0) {
            throw new IllegalArgumentException("decoder: norm eps " + normEps + ", sliding window " + slidingWindow
                    + ", position offset " + positionOffset);
        }
        if ((tensors.projectIn() == null) != (tensors.projectOut() == null)) {
            throw new IllegalArgumentException("decoder: project_in and project_out come together");
        }
    }

    public static final String TYPE_OPT = "opt";
    public static final String TYPE_LLAMA = "llama";

    public int numLayers() {
        return tensors.layers().size();
    }

    /** Query heads that share one key/value head. */
    public int groupSize() {
        return numHeads / numKvHeads;
    }

    /** Bytes the KV cache needs per token of context, over all layers, in {@code kvType}. */
    public long kvBytesPerToken(DType kvType) {
        return 2L * numLayers() * numKvHeads * headDim * kvType.size();
    }

    /** True when {@code architecture} (a file's architecture block) describes a decoder. */
    public static boolean isDecoder(JsonNode architecture) {
        String type = architecture.path("type").asText("");
        return type.equals(TYPE_OPT) || type.equals(TYPE_LLAMA);
    }

    /** The architecture block in the form {@link #fromJson} reads. */
    public ObjectNode toJson() {
        ObjectNode a = JsonNodeFactory.instance.objectNode();
        a.put("type", family.label());
        a.put("hfModelType", hfModelType);
        a.put("hiddenSize", hiddenSize);
        a.put("intermediateSize", intermediateSize);
        a.put("numLayers", numLayers());
        a.put("numHeads", numHeads);
        a.put("numKeyValueHeads", numKvHeads);
        a.put("headDim", headDim);
        a.put("vocabSize", vocabSize);
        a.put("maxPositions", maxPositions);
        a.put("normEps", normEps);
        a.put("preNorm", preNorm);
        a.put("positionOffset", positionOffset);
        a.put("slidingWindow", slidingWindow);
        a.put("bosTokenId", bosId);
        a.put("eosTokenId", eosId);
        a.put("weightLayout", "out_in");
        if (rope != null) {
            ObjectNode r = a.putObject("rope");
            r.put("theta", rope.theta());
            r.put("rotation", rope.rotation().label());
            if (rope.scaling() != null) {
                RopeScaling s = rope.scaling();
                ObjectNode sc = r.putObject("scaling");
                sc.put("type", s.type());
                sc.put("factor", s.factor());
                if (s.type().equals("llama3")) {
                    sc.put("lowFreqFactor", s.lowFreqFactor());
                    sc.put("highFreqFactor", s.highFreqFactor());
                    sc.put("originalMaxPositions", s.originalMaxPositions());
                }
            }
        }
        ObjectNode e = a.putObject("embeddings");
        e.put("word", tensors.embeddings());
        putNullable(e, "position", tensors.positions());
        putNullable(a, "projectIn", tensors.projectIn());
        putNullable(a, "projectOut", tensors.projectOut());
        if (tensors.finalNorm() != null) {
            norm(a.putObject("finalNorm"), tensors.finalNorm());
        }
        a.put("lmHead", tensors.lmHead());
        var ls = a.putArray("layers");
        for (Layer l : tensors.layers()) {
            ObjectNode n = ls.addObject();
            projection(n.putObject("query"), l.query());
            projection(n.putObject("key"), l.key());
            projection(n.putObject("value"), l.value());
            projection(n.putObject("attentionOutput"), l.output());
            norm(n.putObject("attentionNorm"), l.attentionNorm());
            norm(n.putObject("ffnNorm"), l.ffnNorm());
        }
        return a;
    }

    /**
     * Reads the block written by {@link #toJson()}.
     *
     * @throws IllegalArgumentException naming the first missing or malformed field
     */
    public static DecoderConfig fromJson(JsonNode a) {
        Family family = Family.ofLabel(a.path("type").asText(""));
        if (!"out_in".equals(a.path("weightLayout").asText("out_in"))) {
            throw new IllegalArgumentException("decoder architecture: weightLayout '"
                    + a.path("weightLayout").asText() + "' is not supported (expected out_in)");
        }
        Rope rope = null;
        JsonNode r = a.path("rope");
        if (r.isObject()) {
            RopeScaling scaling = null;
            JsonNode s = r.path("scaling");
            if (s.isObject()) {
                String type = FIELDS.text(s, "type", "rope.scaling.");
                scaling = type.equals("linear")
                        ? RopeScaling.linear(FIELDS.number(s, "factor"))
                        : new RopeScaling(
                                type,
                                FIELDS.number(s, "factor"),
                                FIELDS.number(s, "lowFreqFactor"),
                                FIELDS.number(s, "highFreqFactor"),
                                FIELDS.integer(s, "originalMaxPositions"));
            }
            rope = new Rope(FIELDS.number(r, "theta"), Rotation.ofLabel(FIELDS.text(r, "rotation", "rope.")), scaling);
        }
        JsonNode e = a.path("embeddings");
        List<Layer> layers = new ArrayList<>();
        JsonNode ls = a.path("layers");
        if (!ls.isArray() || ls.size() != FIELDS.integer(a, "numLayers")) {
            throw new IllegalArgumentException("decoder architecture: 'layers' must list numLayers layers");
        }
        for (int i = 0; i < ls.size(); i++) {
            JsonNode l = ls.get(i);
            String w = "layers[" + i + "].";
            layers.add(new Layer(
                    projection(l, "query", w),
                    projection(l, "key", w),
                    projection(l, "value", w),
                    projection(l, "attentionOutput", w),
                    norm(l, "attentionNorm", w),
                    norm(l, "ffnNorm", w)));
        }
        Tensors tensors = new Tensors(
                FIELDS.text(e, "word", "embeddings."),
                ArchitectureFields.nullable(e, "position"),
                ArchitectureFields.nullable(a, "projectIn"),
                ArchitectureFields.nullable(a, "projectOut"),
                a.path("finalNorm").isObject() ? norm(a, "finalNorm", "") : null,
                FIELDS.text(a, "lmHead", ""),
                layers);
        return new DecoderConfig(
                family,
                a.path("hfModelType").asText(family.label()),
                FIELDS.integer(a, "hiddenSize"),
                FIELDS.integer(a, "intermediateSize"),
                FIELDS.integer(a, "numHeads"),
                FIELDS.integer(a, "numKeyValueHeads"),
                FIELDS.integer(a, "headDim"),
                FIELDS.integer(a, "vocabSize"),
                FIELDS.integer(a, "maxPositions"),
                (float) FIELDS.number(a, "normEps"),
                a.path("preNorm").asBoolean(true),
                a.path("positionOffset").asInt(0),
                rope,
                a.path("slidingWindow").asInt(0),
                a.path("bosTokenId").asInt(-1),
                a.path("eosTokenId").asInt(-1),
                tensors);
    }

    private static void putNullable(ObjectNode o, String key, String value) {
        if (value != null) {
            o.put(key, value);
        }
    }

    private static void norm(ObjectNode o, Norm n) {
        o.put("weight", n.weight());
        if (n.bias() != null) {
            o.put("bias", n.bias());
        } else {
            o.putNull("bias");
        }
    }

    private static void projection(ObjectNode o, Projection p) {
        o.put("weight", p.weight());
        if (p.bias() != null) {
            o.put("bias", p.bias());
        } else {
            o.putNull("bias");
        }
    }

    private static Norm norm(JsonNode parent, String key, String where) {
        JsonNode n = parent.path(key);
        return new Norm(FIELDS.text(n, "weight", where + key + "."), ArchitectureFields.nullable(n, "bias"));
    }

    private static Projection projection(JsonNode parent, String key, String where) {
        JsonNode n = parent.path(key);
        return new Projection(FIELDS.text(n, "weight", where + key + "."), ArchitectureFields.nullable(n, "bias"));
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "%s (%s) %d layers, hidden %d, ffn %d, heads %d/%d",
                family.label(),
                hfModelType,
                numLayers(),
                hiddenSize,
                intermediateSize,
                numHeads,
                numKvHeads);
    }
}
