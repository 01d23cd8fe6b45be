package dev.ripple.placement.synthetic;

import static dev.ripple.placement.synthetic.OnnxModelWriter.FLOAT;
import static dev.ripple.placement.synthetic.OnnxModelWriter.INT64;
import static dev.ripple.placement.synthetic.OnnxModelWriter.floatAttr;
import static dev.ripple.placement.synthetic.OnnxModelWriter.intAttr;
import static dev.ripple.placement.synthetic.OnnxModelWriter.intsAttr;

import java.io.IOException;
import java.util.List;

/**
 * Builds the ONNX graph of a Hugging Face decoder's forward pass with a KV cache, one method per
 * block, from the config and the checkpoint's tensors (which become initializers under their
 * checkpoint names). Activations are 2-D {@code [T, width]} between blocks (the batch is 1), and
 * {@code [1, heads, T, headDim]} inside attention. Linear layers are {@code Gemm(x, W, b, transB=1)},
 * which is PyTorch's {@code x·Wᵀ + b} on the stored {@code [out, in]} weights, so no weight is
 * transposed or copied.
 */
final class DecoderGraph {
    static final long OPSET = 17;

    private final HfDecoderConfig c;
    private final CheckpointTensors ck;
    private final OnnxModelWriter g;

    private DecoderGraph(HfDecoderConfig c, CheckpointTensors ck, OnnxModelWriter g) {
        this.c = c;
        this.ck = ck;
        this.g = g;
    }

    static OnnxModelWriter build(HfDecoderConfig c, CheckpointTensors ck) throws IOException {
        OnnxModelWriter g = new OnnxModelWriter(c.modelType() + "_decoder", OPSET);
        new DecoderGraph(c, ck, g).build();
        return g;
    }

    private void build() throws IOException {
        declareInputsAndOutputs();
        String x;
        if (c.opt()) {
            x = optEmbeddings();
            for (int i = 0; i < c.layers(); i++) {
                x = optLayer(i, x);
            }
            x = optFinal(x);
        } else {
            x = llamaEmbeddings();
            String[] cosSin = rotaryTables();
            for (int i = 0; i < c.layers(); i++) {
                x = llamaLayer(i, x, cosSin);
            }
            x = rmsNorm(x, "model.norm.weight", "final.norm");
        }
        logits(x);
    }

    private void declareInputsAndOutputs() {
        g.input("input_ids", INT64, 1, "T");
        g.input("position_ids", INT64, 1, "T");
        g.input("attention_bias", FLOAT, 1, 1, "T", "S");
        for (int i = 0; i < c.layers(); i++) {
            g.input("past_key." + i, FLOAT, 1, c.kvHeads(), "P", c.headDim());
            g.input("past_value." + i, FLOAT, 1, c.kvHeads(), "P", c.headDim());
        }
        g.output("logits", FLOAT, 1, "T", c.vocab());
        for (int i = 0; i < c.layers(); i++) {
            g.output("present_key." + i, FLOAT, 1, c.kvHeads(), "S", c.headDim());
            g.output("present_value." + i, FLOAT, 1, c.kvHeads(), "S", c.headDim());
        }
    }

    // ---------------------------------------------------------------- OPT

    /** {@code embed_tokens[id]} (then {@code project_in}) + {@code embed_positions[position + 2]}. */
    private String optEmbeddings() throws IOException {
        String m = "model.decoder.";
        String words = g.node("Gather", "embed.words", List.of(embedTokens(), flatIds()), intAttr("axis", 0));
        if (c.wordEmbedProjDim() != c.hidden()) {
            words = linear(
                    words, weight(m + "project_in.weight", c.hidden(), c.wordEmbedProjDim()), null, "embed.project_in");
        }
        String shifted =
                g.node("Add", "embed.positions_plus_2", List.of("position_ids", longConst("opt_position_offset", 2)));
        String flat = g.node("Reshape", "embed.position_rows", List.of(shifted, shape(-1)));
        String positions = g.node(
                "Gather",
                "embed.positions",
                List.of(weight(m + "embed_positions.weight", c.maxPositions() + 2L, c.hidden()), flat),
                intAttr("axis", 0));
        return g.node("Add", "embed", List.of(words, positions));
    }

    /** Pre-LN: {@code h = x + attn(LN1(x)); x = h + ffn(LN2(h))}; post-LN: {@code h = LN1(x + attn(x)); x = LN2(h + ffn(h))}. */
    private String optLayer(int i, String x) throws IOException {
        String p = "model.decoder.layers." + i + ".";
        String l = "l" + i + ".";
        if (c.layerNormBefore()) {
            String a = attention(i, layerNorm(x, p + "self_attn_layer_norm", l + "ln1"), p + "self_attn.");
            String h = g.node("Add", l + "residual1", List.of(x, a));
            String f = optFfn(i, layerNorm(h, p + "final_layer_norm", l + "ln2"));
            return g.node("Add", l + "out", List.of(h, f));
        }
        String a = attention(i, x, p + "self_attn.");
        String h = layerNorm(g.node("Add", l + "residual1", List.of(x, a)), p + "self_attn_layer_norm", l + "ln1");
        String f = optFfn(i, h);
        return layerNorm(g.node("Add", l + "residual2", List.of(h, f)), p + "final_layer_norm", l + "out");
    }

    /** {@code fc2(relu(fc1(x)))}, both with biases. */
    private String optFfn(int i, String x) throws IOException {
        String p = "model.decoder.layers." + i + ".";
        String l = "l" + i + ".ffn.";
        String up = linear(
                x,
                weight(p + "fc1.weight", c.intermediate(), c.hidden()),
                weight(p + "fc1.bias", c.intermediate()),
                l + "fc1");
        String act = g.node("Relu", l + "act", List.of(up));
        return linear(
                act,
                weight(p + "fc2.weight", c.hidden(), c.intermediate()),
                weight(p + "fc2.bias", c.hidden()),
                l + "fc2");
    }

    /** {@code final_layer_norm} (pre-LN models only), then {@code project_out}. */
    private String optFinal(String x) throws IOException {
        String m = "model.decoder.";
        if (c.finalNorm()) {
            x = layerNorm(x, m + "final_layer_norm", "final.norm");
        }
        if (c.wordEmbedProjDim() != c.hidden()) {
            x = linear(
                    x, weight(m + "project_out.weight", c.wordEmbedProjDim(), c.hidden()), null, "final.project_out");
        }
        return x;
    }

    // ---------------------------------------------------------------- Llama family

    private String llamaEmbeddings() throws IOException {
        return g.node("Gather", "embed", List.of(embedTokens(), flatIds()), intAttr("axis", 0));
    }

    /**
     * {@code cos} and {@code sin} of {@code position · inv_freq}, the half-width table duplicated to
     * {@code headDim} (Hugging Face's {@code cat(freqs, freqs)}), shaped {@code [1, 1, T, headDim]}.
     */
    private String[] rotaryTables() {
        double[] inv = RopeFrequencies.inverseFrequencies(c.headDim(), c.ropeTheta(), c.ropeScaling());
        float[] f = new float[inv.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) inv[i];
        }
        String invFreq = g.floats("rope.inv_freq", new long[] {f.length}, f);
        String pos = g.node("Cast", "rope.positions_f", List.of("position_ids"), intAttr("to", FLOAT));
        String column = g.node("Reshape", "rope.positions_col", List.of(pos, shape(-1, 1)));
        String half = g.node("Mul", "rope.freqs_half", List.of(column, invFreq));
        String freqs = g.node("Concat", "rope.freqs", List.of(half, half), intAttr("axis", 1));
        String cos = g.node(
                "Reshape",
                "rope.cos",
                List.of(g.node("Cos", "rope.cos_2d", List.of(freqs)), shape(1, 1, -1, c.headDim())));
        String sin = g.node(
                "Reshape",
                "rope.sin",
                List.of(g.node("Sin", "rope.sin_2d", List.of(freqs)), shape(1, 1, -1, c.headDim())));
        return new String[] {cos, sin};
    }

    /** {@code h = x + o_proj(attn(RMSNorm1(x))); x = h + down(ffn(RMSNorm2(h)))}. */
    private String llamaLayer(int i, String x, String[] cosSin) throws IOException {
        String p = "model.layers." + i + ".";
        String l = "l" + i + ".";
        String a = attention(i, rmsNorm(x, p + "input_layernorm.weight", l + "norm1"), p + "self_attn.", cosSin);
        String h = g.node("Add", l + "residual1", List.of(x, a));
        String f = llamaFfn(i, rmsNorm(h, p + "post_attention_layernorm.weight", l + "norm2"));
        return g.node("Add", l + "out", List.of(h, f));
    }

    /**
     * {@code down(act(gate(x)) * up(x))} with silu, relu or fatrelu ({@code g > t ? g : 0}); drelu is
     * {@code down(relu(gate(x)) * relu(up(x)))}.
     */
    private String llamaFfn(int i, String x) throws IOException {
        String p = "model.layers." + i + ".mlp.";
        String l = "l" + i + ".ffn.";
        String gate = linear(x, weight(p + "gate_proj.weight", c.intermediate(), c.hidden()), null, l + "gate");
        String up = linear(x, weight(p + "up_proj.weight", c.intermediate(), c.hidden()), null, l + "up");
        String act = switch (c.act()) {
            case "silu" -> g.node("Mul", l + "silu", List.of(gate, g.node("Sigmoid", l + "sigmoid", List.of(gate))));
            case "relu", "drelu" -> g.node("Relu", l + "relu", List.of(gate));
            case "fatrelu" ->
                g.node(
                        "Where",
                        l + "fatrelu",
                        List.of(
                                g.node(
                                        "Greater",
                                        l + "above_threshold",
                                        List.of(gate, floatConst("fatrelu_threshold", (float) c.actParam()))),
                                gate,
                                floatConst("zero", 0f)));
            default -> throw new IllegalStateException(c.act());
        };
        if (c.act().equals("drelu")) {
            up = g.node("Relu", l + "up_relu", List.of(up));
        }
        String product = g.node("Mul", l + "product", List.of(act, up));
        return linear(product, weight(p + "down_proj.weight", c.hidden(), c.intermediate()), null, l + "down");
    }

    /** HF rotate_half convention: {@code x·cos + cat(-x2, x1)·sin} with halves {@code x1 = x[..., :d/2]}, {@code x2 = x[..., d/2:]}. */
    private String rotate(String x, String[] cosSin, String name) {
        int half = c.headDim() / 2;
        String axis = longConst("axis_3", 3);
        String x1 = g.node(
                "Slice", name + ".x1", List.of(x, longConst("zero_i64", 0), longConst("half_head_dim", half), axis));
        String x2 = g.node(
                "Slice",
                name + ".x2",
                List.of(x, longConst("half_head_dim", half), longConst("head_dim", c.headDim()), axis));
        String rotated = g.node(
                "Concat",
                name + ".rotate_half",
                List.of(g.node("Neg", name + ".neg_x2", List.of(x2)), x1),
                intAttr("axis", 3));
        return g.node(
                "Add",
                name,
                List.of(
                        g.node("Mul", name + ".cos", List.of(x, cosSin[0])),
                        g.node("Mul", name + ".sin", List.of(rotated, cosSin[1]))));
    }

    // ---------------------------------------------------------------- shared blocks

    private String attention(int i, String x, String p) throws IOException {
        return attention(i, x, p, null);
    }

    /**
     * Self-attention with the KV cache. OPT scales q by {@code headDim^-0.5} after {@code q_proj}'s bias;
     * Llama rotates q and k and scales the scores. The present keys (after RoPE) and values are the
     * past ones with this call's appended; query head h reads kv head {@code h / (heads / kvHeads)};
     * {@code attention_bias} (the caller's causal mask) is added before the softmax.
     */
    private String attention(int i, String x, String p, String[] cosSin) throws IOException {
        String l = "l" + i + ".attn.";
        int q = c.heads() * c.headDim();
        int kv = c.kvHeads() * c.headDim();
        boolean bias = c.qkvBias();
        String qs = linear(
                x, weight(p + "q_proj.weight", q, c.hidden()), bias ? weight(p + "q_proj.bias", q) : null, l + "q");
        String ks = linear(
                x, weight(p + "k_proj.weight", kv, c.hidden()), bias ? weight(p + "k_proj.bias", kv) : null, l + "k");
        String vs = linear(
                x, weight(p + "v_proj.weight", kv, c.hidden()), bias ? weight(p + "v_proj.bias", kv) : null, l + "v");
        float scale = (float) (1.0 / Math.sqrt(c.headDim()));
        if (c.opt()) {
            qs = g.node("Mul", l + "q_scaled", List.of(qs, floatConst("attention_scale", scale)));
        }
        String q4 = splitHeads(qs, c.heads(), l + "q_heads");
        String k4 = splitHeads(ks, c.kvHeads(), l + "k_heads");
        String v4 = splitHeads(vs, c.kvHeads(), l + "v_heads");
        if (cosSin != null) {
            q4 = rotate(q4, cosSin, l + "q_rope");
            k4 = rotate(k4, cosSin, l + "k_rope");
        }
        String keys = g.node("Concat", "present_key." + i, List.of("past_key." + i, k4), intAttr("axis", 2));
        String values = g.node("Concat", "present_value." + i, List.of("past_value." + i, v4), intAttr("axis", 2));
        keys = repeatKv(keys, l + "keys");
        values = repeatKv(values, l + "values");
        String scores = g.node(
                "MatMul",
                l + "scores",
                List.of(q4, g.node("Transpose", l + "keys_t", List.of(keys), intsAttr("perm", 0, 1, 3, 2))));
        if (!c.opt()) {
            scores = g.node("Mul", l + "scores_scaled", List.of(scores, floatConst("attention_scale", scale)));
        }
        String masked = g.node("Add", l + "scores_masked", List.of(scores, "attention_bias"));
        String probs = g.node("Softmax", l + "probs", List.of(masked), intAttr("axis", -1));
        String context = g.node("MatMul", l + "context", List.of(probs, values));
        String merged = g.node(
                "Reshape",
                l + "merged",
                List.of(
                        g.node("Transpose", l + "context_t", List.of(context), intsAttr("perm", 0, 2, 1, 3)),
                        shape(-1, q)));
        String out = p + (c.opt() ? "out_proj" : "o_proj");
        return linear(
                merged,
                weight(out + ".weight", c.hidden(), q),
                c.opt() ? weight(out + ".bias", c.hidden()) : null,
                l + "out");
    }

    /** {@code [T, n·headDim]} → {@code [1, n, T, headDim]}. */
    private String splitHeads(String x, int n, String name) {
        String r = g.node("Reshape", name + "_4d", List.of(x, shape(1, -1, n, c.headDim())));
        return g.node("Transpose", name, List.of(r), intsAttr("perm", 0, 2, 1, 3));
    }

    /** GQA: {@code [1, kv, S, d]} → {@code [1, kv, groups, S, d]} (Expand) → {@code [1, heads, S, d]}; identity when kv = heads. */
    private String repeatKv(String x, String name) {
        int groups = c.heads() / c.kvHeads();
        if (groups == 1) {
            return x;
        }
        String five = g.node("Reshape", name + "_5d", List.of(x, shape(1, c.kvHeads(), 1, -1, c.headDim())));
        String expanded = g.node("Expand", name + "_expanded", List.of(five, shape(1, 1, groups, 1, 1)));
        return g.node("Reshape", name + "_repeated", List.of(expanded, shape(1, c.heads(), -1, c.headDim())));
    }

    /** LayerNorm with {@code prefix.weight} and {@code prefix.bias} over the last axis, eps 1e-5. */
    private String layerNorm(String x, String prefix, String name) throws IOException {
        return g.node(
                "LayerNormalization",
                name,
                List.of(x, weight(prefix + ".weight", c.hidden()), weight(prefix + ".bias", c.hidden())),
                intAttr("axis", -1),
                floatAttr("epsilon", (float) c.normEps()));
    }

    /** {@code x / sqrt(mean(x²) + eps) * w}. */
    private String rmsNorm(String x, String weightName, String name) throws IOException {
        String square = g.node("Mul", name + ".square", List.of(x, x));
        String mean =
                g.node("ReduceMean", name + ".mean", List.of(square), intsAttr("axes", -1), intAttr("keepdims", 1));
        String rms = g.node(
                "Sqrt",
                name + ".rms",
                List.of(g.node(
                        "Add", name + ".mean_eps", List.of(mean, floatConst("rms_norm_eps", (float) c.normEps())))));
        String normed = g.node("Div", name + ".normalized", List.of(x, rms));
        return g.node("Mul", name, List.of(normed, weight(weightName, c.hidden())));
    }

    /** PyTorch's Linear: {@code x·Wᵀ (+ b)} on the {@code [out, in]} weight. */
    private String linear(String x, String weight, String bias, String name) {
        List<String> in = bias == null ? List.of(x, weight) : List.of(x, weight, bias);
        return g.node("Gemm", name, in, intAttr("transB", 1));
    }

    /** Logits over the vocabulary: {@code x · E_outᵀ} with the word embedding (tied) or {@code lm_head}, as {@code [1, T, V]}. */
    private void logits(String x) throws IOException {
        int width = c.opt() ? c.wordEmbedProjDim() : c.hidden();
        String head = c.tied() ? embedTokens() : weight("lm_head.weight", c.vocab(), width);
        String flat = g.node("Gemm", "logits_2d", List.of(x, head), intAttr("transB", 1));
        g.node("Reshape", "logits", List.of(flat, shape(1, -1, c.vocab())));
    }

    private String embedTokens() throws IOException {
        String name = c.opt() ? "model.decoder.embed_tokens.weight" : "model.embed_tokens.weight";
        return weight(name, c.vocab(), c.opt() ? c.wordEmbedProjDim() : c.hidden());
    }

    private String flatIds() {
        return g.hasInitializer("ids_flat_shape")
                ? "ids"
                : g.node("Reshape", "ids", List.of("input_ids", g.longs("ids_flat_shape", new long[] {1}, -1)));
    }

    /** A checkpoint tensor as an f32 initializer under its own name, checked against the expected shape, added once. */
    private String weight(String name, long... shape) throws IOException {
        if (!g.hasInitializer(name)) {
            ck.require(name, shape);
            g.streamed(name, shape, sink -> {
                float[] v = ck.read(name);
                sink.accept(v, 0, v.length);
            });
        }
        return name;
    }

    private String shape(long... dims) {
        StringBuilder name = new StringBuilder("shape");
        for (long d : dims) {
            name.append('_').append(d < 0 ? "m" + -d : Long.toString(d));
        }
        String n = name.toString();
        return g.hasInitializer(n) ? n : g.longs(n, new long[] {dims.length}, dims);
    }

    private String longConst(String name, long v) {
        return g.hasInitializer(name) ? name : g.longs(name, new long[] {1}, v);
    }

    private String floatConst(String name, float v) {
        return g.hasInitializer(name) ? name : g.floats(name, new long[0], v);
    }
}
