package dev.ripple.placement.importer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.ffn.Activation;
import dev.ripple.core.ffn.FfnLayerSpec;
import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.core.format.DType;
import dev.ripple.core.format.ResidentTensor;
import dev.ripple.core.format.RippleFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Imports decoder LLMs from Hugging Face safetensors checkpoints ({@link HfCheckpoint}: single file
 * or sharded) with their {@code config.json}:
 * <ul>
 *   <li>OPT ({@code model_type: "opt"}): {@code layers.i.fc1} (up, with bias) → activation
 *       ({@code activation_function}, ReLU for OPT) → {@code layers.i.fc2} (down, with bias);</li>
 *   <li>Llama family ({@code llama, mistral, qwen2}): {@code mlp.gate_proj}, {@code mlp.up_proj},
 *       {@code mlp.down_proj}, no biases, {@code hidden_act} SiLU (or ReLU for ReLU-Llama).</li>
 * </ul>
 * Tensors may be F32, F16 or BF16. PyTorch stores linear weights [out, in], so up and gate rows are
 * already neuron-major and only the down projection is transposed. Every other tensor becomes a
 * resident tensor under its checkpoint name, in its checkpoint dtype; docs/IMPORT.md lists the
 * config fields.
 *
 * <pre>{@code
 * ImportedModel opt = SafetensorsImporter.importModel(Path.of("opt-125m/"), DType.F16);
 * }</pre>
 */
public final class SafetensorsImporter {
    private static final Set<String> LLAMA_TYPES = Set.of("llama", "mistral", "qwen2");

    private SafetensorsImporter() {
    }

    /**
     * @param path    checkpoint directory, or one {@code .safetensors} file with config.json beside it
     * @param storage element type of the FFN bundles on flash
     */
    public static ImportedModel importModel(Path path, DType storage) throws IOException {
        HfCheckpoint ck = HfCheckpoint.open(path);
        ObjectNode cfg = ck.config;
        String type = cfg.path("model_type").asText("");
        boolean opt = type.equals("opt");
        if (!opt && !LLAMA_TYPES.contains(type)) {
            throw new UnsupportedModelException(ck.root, "model_type '" + type + "' is not supported (opt, llama, mistral,"
                    + " qwen2 are)");
        }
        int layers = requireInt(ck, "num_hidden_layers");
        int d = requireInt(ck, "hidden_size");
        int ffnDim = requireInt(ck, opt ? "ffn_dim" : "intermediate_size");
        String actName = cfg.path(opt ? "activation_function" : "hidden_act").asText(opt ? "relu" : "silu");
        Activation act = activation(ck, actName);
        String prefix = findLayerPrefix(ck);
        long elements = 0;
        for (String name : ck.tensors.keySet()) {
            elements += ck.entry(name).elementCount();
        }
        HeapBudget.require(ck.root, elements * Float.BYTES, "importing " + elements + " weights as f32");
        List<FfnLayerWeights> ffns = new ArrayList<>();
        Set<String> ffnTensors = new TreeSet<>();
        for (int i = 0; i < layers; i++) {
            String p = prefix + i + ".";
            FfnLayerSpec spec = new FfnLayerSpec(i, d, ffnDim, act, !opt, storage);
            if (opt) {
                String up = p + "fc1.weight";
                String down = p + "fc2.weight";
                float[] upW = matrix(ck, up, ffnDim, d);
                float[] downW = Matrices.transpose(matrix(ck, down, d, ffnDim), d, ffnDim);
                float[] upB = vectorOrZeros(ck, p + "fc1.bias", ffnDim);
                float[] downB = vectorOrZeros(ck, p + "fc2.bias", d);
                ffns.add(new FfnLayerWeights(spec, upW, null, downW, upB, null, downB));
                ffnTensors.addAll(List.of(up, down, p + "fc1.bias", p + "fc2.bias"));
            } else {
                String gate = p + "mlp.gate_proj.weight";
                String up = p + "mlp.up_proj.weight";
                String down = p + "mlp.down_proj.weight";
                float[] gateW = matrix(ck, gate, ffnDim, d);
                float[] upW = matrix(ck, up, ffnDim, d);
                float[] downW = Matrices.transpose(matrix(ck, down, d, ffnDim), d, ffnDim);
                ffns.add(new FfnLayerWeights(spec, upW, gateW, downW, new float[ffnDim], new float[ffnDim], new float[d]));
                ffnTensors.addAll(List.of(gate, up, down));
            }
        }
        List<ResidentTensor> residents = new ArrayList<>();
        for (String name : ck.tensors.keySet()) {
            if (ffnTensors.contains(name)) {
                continue;
            }
            SafetensorsFile.Entry e = ck.entry(name);
            if (SafetensorsFile.width(e.dtype()) < 0) {
                continue;   // integer buffers such as rotary caches are not weights
            }
            residents.add(new ResidentTensor(name, SafetensorsFile.dtypeOf(e.dtype()), e.shape(), ck.read(name)));
        }
        ObjectNode arch = architecture(ck, opt, type, prefix, layers, d, ffnDim, act);
        return new ImportedModel(ck.root.toString(), arch, residents, ffns, List.of(), List.of());
    }

    private static ObjectNode architecture(HfCheckpoint ck, boolean opt, String type, String prefix, int layers, int d,
                                           int ffnDim, Activation act) throws IOException {
        ObjectNode cfg = ck.config;
        ObjectNode a = JsonNodeFactory.instance.objectNode();
        a.put("type", opt ? "opt" : "llama");
        a.put("source", "safetensors");
        a.put("hfModelType", type);
        a.put("hiddenSize", d);
        a.put("intermediateSize", ffnDim);
        a.put("numLayers", layers);
        a.put("numHeads", requireInt(ck, "num_attention_heads"));
        a.put("numKeyValueHeads", cfg.path("num_key_value_heads").asInt(requireInt(ck, "num_attention_heads")));
        a.put("vocabSize", requireInt(ck, "vocab_size"));
        a.put("maxPositions", cfg.path("max_position_embeddings").asInt(0));
        a.put("activation", act.label());
        a.put("weightLayout", "out_in");
        a.put("tieWordEmbeddings", cfg.path("tie_word_embeddings").asBoolean(opt));
        if (opt) {
            a.put("layerNormEps", 1e-5);
            a.put("doLayerNormBefore", cfg.path("do_layer_norm_before").asBoolean(true));
            a.put("positionOffset", 2);
        } else {
            a.put("rmsNormEps", cfg.path("rms_norm_eps").asDouble(1e-6));
            a.put("ropeTheta", cfg.path("rope_theta").asDouble(10000.0));
        }
        String base = prefix.substring(0, prefix.length() - "layers.".length());
        ObjectNode emb = a.putObject("embeddings");
        emb.put("word", require(ck, base + "embed_tokens.weight"));
        if (opt) {
            emb.put("position", require(ck, base + "embed_positions.weight"));
            putNorm(ck, a, "finalNorm", base + "final_layer_norm.weight", base + "final_layer_norm.bias");
        } else {
            putNorm(ck, a, "finalNorm", base + "norm.weight", null);
        }
        a.put("lmHead", ck.has("lm_head.weight") ? "lm_head.weight" : emb.get("word").asText());
        ArrayNode ls = a.putArray("layers");
        for (int i = 0; i < layers; i++) {
            String p = prefix + i + ".";
            ObjectNode l = ls.addObject();
            String attn = p + "self_attn.";
            l.set("query", linear(ck, attn + "q_proj"));
            l.set("key", linear(ck, attn + "k_proj"));
            l.set("value", linear(ck, attn + "v_proj"));
            l.set("attentionOutput", linear(ck, attn + (opt ? "out_proj" : "o_proj")));
            if (opt) {
                putNorm(ck, l, "attentionNorm", p + "self_attn_layer_norm.weight", p + "self_attn_layer_norm.bias");
                putNorm(ck, l, "ffnNorm", p + "final_layer_norm.weight", p + "final_layer_norm.bias");
            } else {
                putNorm(ck, l, "attentionNorm", p + "input_layernorm.weight", null);
                putNorm(ck, l, "ffnNorm", p + "post_attention_layernorm.weight", null);
            }
            l.put("ffn", i);
            l.put("ffnDownBias", RippleFormat.downBiasTensor(i));
        }
        a.set("hf", cfg.deepCopy());
        return a;
    }

    private static ObjectNode linear(HfCheckpoint ck, String base) throws IOException {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("weight", require(ck, base + ".weight"));
        if (ck.has(base + ".bias")) {
            o.put("bias", base + ".bias");
        } else {
            o.putNull("bias");
        }
        return o;
    }

    private static void putNorm(HfCheckpoint ck, ObjectNode into, String key, String weight, String bias)
            throws IOException {
        ObjectNode o = into.putObject(key);
        o.put("weight", require(ck, weight));
        if (bias != null && ck.has(bias)) {
            o.put("bias", bias);
        } else {
            o.putNull("bias");
        }
    }

    private static String require(HfCheckpoint ck, String name) throws UnsupportedModelException {
        if (!ck.has(name)) {
            throw new UnsupportedModelException(ck.root, "expected tensor '" + name + "' is missing; the checkpoint has "
                    + sample(ck));
        }
        return name;
    }

    private static String findLayerPrefix(HfCheckpoint ck) throws UnsupportedModelException {
        for (String p : List.of("model.decoder.layers.", "decoder.layers.", "model.layers.", "layers.")) {
            if (ck.tensors.keySet().stream().anyMatch(n -> n.startsWith(p + "0."))) {
                return p;
            }
        }
        throw new UnsupportedModelException(ck.root, "no tensors named like '[model.][decoder.]layers.0.*'; the checkpoint"
                + " has " + sample(ck));
    }

    private static String sample(HfCheckpoint ck) {
        List<String> names = new ArrayList<>(ck.tensors.keySet());
        return names.size() + " tensors, e.g. " + names.subList(0, Math.min(8, names.size()));
    }

    private static Activation activation(HfCheckpoint ck, String name) throws UnsupportedModelException {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "relu" -> Activation.RELU;
            case "silu", "swish" -> Activation.SILU;
            case "gelu" -> Activation.GELU;
            case "gelu_new", "gelu_pytorch_tanh" -> Activation.GELU_TANH;
            default -> throw new UnsupportedModelException(ck.root, "activation '" + name + "' is not supported");
        };
    }

    private static int requireInt(HfCheckpoint ck, String key) throws ModelFormatException {
        JsonNode n = ck.config.get(key);
        if (n == null || !n.canConvertToInt() || n.asInt() <= 0) {
            throw new ModelFormatException(ck.root.resolve("config.json"), key, "missing or not a positive integer: " + n);
        }
        return n.asInt();
    }

    private static float[] matrix(HfCheckpoint ck, String name, int rows, int cols) throws IOException {
        SafetensorsFile.Entry e = ck.entry(name);
        if (e == null) {
            throw new UnsupportedModelException(ck.root, "FFN tensor '" + name + "' is missing; the checkpoint has " + sample(ck));
        }
        long[] s = e.shape();
        if (s.length != 2 || s[0] != rows || s[1] != cols) {
            throw new ModelFormatException(ck.tensors.get(name).file(), "tensor '" + name + "'", "shape "
                    + java.util.Arrays.toString(s) + ", config.json implies [" + rows + ", " + cols + "]");
        }
        return ck.read(name);
    }

    private static float[] vectorOrZeros(HfCheckpoint ck, String name, int n) throws IOException {
        SafetensorsFile.Entry e = ck.entry(name);
        if (e == null) {
            return new float[n];
        }
        if (e.elementCount() != n) {
            throw new ModelFormatException(ck.tensors.get(name).file(), "tensor '" + name + "'", "has " + e.elementCount()
                    + " elements, expected " + n);
        }
        return ck.read(name);
    }
}
