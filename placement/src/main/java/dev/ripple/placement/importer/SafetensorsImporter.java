package dev.ripple.placement.importer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.format.FfnLayerSpec;
import dev.ripple.core.format.ResidentTensor;
import dev.ripple.core.model.decoder.DecoderConfig;
import dev.ripple.core.model.decoder.DecoderConfig.Family;
import dev.ripple.core.model.decoder.DecoderConfig.Norm;
import dev.ripple.core.model.decoder.DecoderConfig.Projection;
import dev.ripple.core.model.decoder.DecoderConfig.Rope;
import dev.ripple.core.model.decoder.DecoderConfig.RopeScaling;
import dev.ripple.core.model.decoder.DecoderConfig.Rotation;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Imports decoder LLMs from Hugging Face safetensors checkpoints ({@link HfCheckpoint}: one file
 * or sharded) with their {@code config.json}, without reading them onto the heap: every tensor is
 * mapped in its stored type (F32, F16, BF16), resident tensors are copied to the {@code .ripple}
 * file byte for byte, and FFN bundles are gathered neuron by neuron as they are written
 * ({@link CheckpointFfnLayer}).
 * <ul>
 *   <li>OPT ({@code model_type: "opt"}): LayerNorm, learned positions (offset 2), {@code fc1}
 *       (up, with bias) → ReLU → {@code fc2} (down, with bias), biased attention, tied LM head;
 *       OPT-350m's post-norm layers and {@code project_in}/{@code project_out}.</li>
 *   <li>Llama family ({@code llama, mistral, qwen2}): RMSNorm, rotary positions (Hugging Face's
 *       half rotation, Llama-3.1 and linear frequency scaling), grouped-query attention, q/k/v
 *       biases when present (Qwen2), Mistral's sliding window, tied or untied LM head, FFN
 *       {@code down(act(gate)·up)} with {@code hidden_act} {@code silu}, {@code relu}
 *       (ReluLLaMA), {@code fatrelu} with {@code hidden_act_param} (ProSparse) or {@code drelu}
 *       ({@code act} on up too, TurboSparse), and {@code mlp_bias} when set.</li>
 * </ul>
 * A tensor the architecture does not use is refused (it would mean a model this forward pass does
 * not implement), except rotary caches. docs/DECODERS.md lists the config fields read.
 *
 * <pre>{@code
 * ImportedModel opt = SafetensorsImporter.importModel(Path.of("opt-125m/"), DType.F16);
 * RippleFileWriter.write(Path.of("opt-125m.ripple"), opt.toContents());
 * }</pre>
 */
public final class SafetensorsImporter {
    private static final Set<String> LLAMA_TYPES = Set.of("llama", "mistral", "qwen2");
    /** Files of a checkpoint directory that are stored in the {@code .ripple} file as blobs, when present. */
    static final List<String> COMPANION_FILES = List.of(
            "tokenizer.json",
            "tokenizer_config.json",
            "vocab.json",
            "merges.txt",
            "special_tokens_map.json",
            "generation_config.json");

    private SafetensorsImporter() {}

    /**
     * True when the checkpoint directory {@code dir} holds a tokenizer the import stores with the
     * model: a {@code tokenizer.json}, or GPT-2's {@code vocab.json} with {@code merges.txt}. Known
     * before the import, which for a large checkpoint takes minutes.
     */
    public static boolean hasTokenizer(Path dir) {
        return Files.isRegularFile(dir.resolve("tokenizer.json"))
                || (Files.isRegularFile(dir.resolve("vocab.json")) && Files.isRegularFile(dir.resolve("merges.txt")));
    }

    /**
     * The files of the checkpoint directory {@code dir} that an import reads, those present: its
     * config.json, its {@code .safetensors} weights (every shard) and their index, and the
     * tokenizer and generation files stored with the model. What a file written from the import
     * must not replace ({@code InputFiles}); other files of the directory (a {@code .ripple} file
     * placed there before) are not inputs.
     */
    public static List<Path> filesRead(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> {
                        String name = f.getFileName().toString();
                        return name.equals("config.json")
                                || name.endsWith(".safetensors")
                                || name.endsWith(".safetensors.index.json")
                                || COMPANION_FILES.contains(name);
                    })
                    .sorted()
                    .toList();
        }
    }

    /**
     * @param path    checkpoint directory, or one {@code .safetensors} file with config.json beside it
     * @param storage element type of the FFN bundles on flash
     */
    public static ImportedModel importModel(Path path, DType storage) throws IOException {
        HfCheckpoint ck = HfCheckpoint.open(path);
        String type = ck.config.path("model_type").asText("");
        boolean opt = type.equals("opt");
        if (!opt && !LLAMA_TYPES.contains(type)) {
            throw new UnsupportedModelException(
                    ck.root, "model_type '" + type + "' is not supported (opt, llama, mistral," + " qwen2 are)");
        }
        Reader r = new Reader(ck, type, storage);
        return opt ? r.opt() : r.llama();
    }

    /** One import: the checkpoint, what has been claimed from it, and the pieces built so far. */
    private static final class Reader {
        private final HfCheckpoint ck;
        private final ObjectNode cfg;
        private final String type;
        private final DType storage;
        private final DecoderParts parts = new DecoderParts();

        Reader(HfCheckpoint ck, String type, DType storage) {
            this.ck = ck;
            this.cfg = ck.config;
            this.type = type;
            this.storage = storage;
        }

        ImportedModel opt() throws IOException {
            int layers = requireInt("num_hidden_layers");
            int d = requireInt("hidden_size");
            int ffnDim = requireInt("ffn_dim");
            int heads = requireInt("num_attention_heads");
            int vocab = requireInt("vocab_size");
            int maxPositions = requireInt("max_position_embeddings");
            String act = cfg.path("activation_function").asText("relu");
            Activation activation = activation(act);
            boolean preNorm = cfg.path("do_layer_norm_before").asBoolean(true);
            int embedDim = cfg.path("word_embed_proj_dim").asInt(d);
            if (d % heads != 0) {
                throw format("num_attention_heads", heads + " does not divide hidden_size " + d);
            }
            String base = findLayerPrefix();
            String embeddings = resident(base + "embed_tokens.weight", vocab, embedDim);
            String positions = resident(base + "embed_positions.weight", maxPositions + 2, d);
            String projectIn = embedDim == d ? null : resident(base + "project_in.weight", d, embedDim);
            String projectOut = embedDim == d ? null : resident(base + "project_out.weight", embedDim, d);
            Norm finalNorm = preNorm && !cfg.path("_remove_final_layer_norm").asBoolean(false)
                    ? norm(base + "final_layer_norm", d, true)
                    : null;
            String lmHead = lmHead(
                    embeddings, vocab, embedDim, cfg.path("tie_word_embeddings").asBoolean(true));
            List<DecoderConfig.Layer> ls = new ArrayList<>();
            for (int i = 0; i < layers; i++) {
                String p = base + "layers." + i + ".";
                ls.add(attention(p, "out_proj", "self_attn_layer_norm", "final_layer_norm", d, d, d, true));
                FfnLayerSpec spec = new FfnLayerSpec(i, d, ffnDim, activation, false, storage);
                parts.addFfn(new CheckpointFfnLayer(
                        spec,
                        matrix(p + "fc1.weight", ffnDim, d),
                        null,
                        matrix(p + "fc2.weight", d, ffnDim),
                        optionalVector(p + "fc1.bias", ffnDim),
                        null,
                        optionalVector(p + "fc2.bias", d)));
            }
            int eos = eosIds();
            return finish(checked(() -> new DecoderConfig(
                    Family.OPT,
                    type,
                    d,
                    ffnDim,
                    heads,
                    heads,
                    d / heads,
                    vocab,
                    maxPositions,
                    1e-5f,
                    preNorm,
                    2,
                    null,
                    0,
                    cfg.path("bos_token_id").asInt(-1),
                    eos,
                    new DecoderConfig.Tensors(embeddings, positions, projectIn, projectOut, finalNorm, lmHead, ls))));
        }

        ImportedModel llama() throws IOException {
            int layers = requireInt("num_hidden_layers");
            int d = requireInt("hidden_size");
            int ffnDim = requireInt("intermediate_size");
            int heads = requireInt("num_attention_heads");
            int kvHeads = cfg.has("num_key_value_heads")
                            && !cfg.get("num_key_value_heads").isNull()
                    ? requireInt("num_key_value_heads")
                    : heads;
            int headDim = cfg.has("head_dim") && !cfg.get("head_dim").isNull() ? requireInt("head_dim") : d / heads;
            int vocab = requireInt("vocab_size");
            int maxPositions = cfg.path("max_position_embeddings").asInt(4096);
            if (heads % kvHeads != 0) {
                throw format("num_key_value_heads", kvHeads + " does not divide num_attention_heads " + heads);
            }
            String act = cfg.path("hidden_act").asText("silu").toLowerCase(Locale.ROOT);
            boolean upActivated = act.equals("drelu");
            float threshold =
                    act.equals("fatrelu") ? (float) cfg.path("hidden_act_param").asDouble(0) : 0f;
            Activation activation = switch (act) {
                case "fatrelu", "drelu" -> Activation.RELU;
                default -> activation(act);
            };
            boolean mlpBias = cfg.path("mlp_bias").asBoolean(false);
            String base = findLayerPrefix();
            String embeddings = resident(base + "embed_tokens.weight", vocab, d);
            Norm finalNorm = norm(base + "norm", d, false);
            String lmHead =
                    lmHead(embeddings, vocab, d, cfg.path("tie_word_embeddings").asBoolean(false));
            int qWidth = heads * headDim;
            int kvWidth = kvHeads * headDim;
            List<DecoderConfig.Layer> ls = new ArrayList<>();
            for (int i = 0; i < layers; i++) {
                String p = base + "layers." + i + ".";
                ls.add(attention(
                        p, "o_proj", "input_layernorm", "post_attention_layernorm", d, qWidth, kvWidth, false));
                String mlp = p + "mlp.";
                FfnLayerSpec spec = new FfnLayerSpec(i, d, ffnDim, activation, true, storage, upActivated, threshold);
                parts.addFfn(new CheckpointFfnLayer(
                        spec,
                        matrix(mlp + "up_proj.weight", ffnDim, d),
                        matrix(mlp + "gate_proj.weight", ffnDim, d),
                        matrix(mlp + "down_proj.weight", d, ffnDim),
                        mlpBias ? optionalVector(mlp + "up_proj.bias", ffnDim) : null,
                        mlpBias ? optionalVector(mlp + "gate_proj.bias", ffnDim) : null,
                        mlpBias ? optionalVector(mlp + "down_proj.bias", d) : null));
            }
            if (cfg.path("use_sliding_window").asBoolean(false)) {
                throw new UnsupportedModelException(
                        ck.root, "use_sliding_window (sliding attention on some layers only)" + " is not supported");
            }
            // Mistral attends within sliding_window positions on every layer (null or absent: no window).
            int window = type.equals("mistral") ? cfg.path("sliding_window").asInt(0) : 0;
            Rope rope = rope();
            int eos = eosIds();
            return finish(checked(() -> new DecoderConfig(
                    Family.LLAMA,
                    type,
                    d,
                    ffnDim,
                    heads,
                    kvHeads,
                    headDim,
                    vocab,
                    maxPositions,
                    (float) cfg.path("rms_norm_eps").asDouble(1e-6),
                    true,
                    0,
                    rope,
                    Math.max(0, window),
                    cfg.path("bos_token_id").asInt(-1),
                    eos,
                    new DecoderConfig.Tensors(embeddings, null, null, null, finalNorm, lmHead, ls))));
        }

        private ImportedModel finish(DecoderConfig config) throws IOException {
            // rotary inverse frequencies are recomputed, and a tied model's lm_head copies the embeddings
            parts.requireAllClaimed(
                    ck.root,
                    type,
                    ck.tensors.keySet().stream()
                            .filter(n -> !n.endsWith("rotary_emb.inv_freq") && !n.equals("lm_head.weight"))
                            .toList());
            ObjectNode arch = config.toJson();
            arch.put("source", "safetensors");
            arch.set("hf", cfg.deepCopy());
            return parts.toModel(ck.root.toAbsolutePath().normalize().toString(), arch, companionFiles());
        }

        /** The checkpoint's tokenizer and generation files, stored with the model so that it runs alone. */
        private Map<String, byte[]> companionFiles() throws IOException {
            Map<String, byte[]> blobs = new LinkedHashMap<>();
            for (String name : COMPANION_FILES) {
                Path p = ck.root.resolve(name);
                if (Files.isRegularFile(p)) {
                    if (Files.size(p) > HfCheckpoint.MAX_JSON * 4) {
                        throw new ModelFormatException(
                                p, "file", Files.size(p) + " bytes is too large for a tokenizer file");
                    }
                    blobs.put(name, Files.readAllBytes(p));
                }
            }
            return blobs;
        }

        private Rope rope() throws ModelFormatException {
            double theta = cfg.path("rope_theta").asDouble(10000.0);
            JsonNode s = cfg.path("rope_scaling");
            RopeScaling scaling = null;
            if (s.isObject()) {
                String kind = s.path("rope_type").asText(s.path("type").asText(""));
                double factor = s.path("factor").asDouble(1.0);
                try {
                    scaling = switch (kind) {
                        case "linear" -> RopeScaling.linear(factor);
                        case "llama3" ->
                            RopeScaling.llama3(
                                    factor,
                                    s.path("low_freq_factor").asDouble(1.0),
                                    s.path("high_freq_factor").asDouble(4.0),
                                    s.path("original_max_position_embeddings").asInt(8192));
                        case "default" -> null;
                        default ->
                            throw new IllegalArgumentException(
                                    "rope_scaling type '" + kind + "' is not supported (linear, llama3 are)");
                    };
                } catch (IllegalArgumentException e) {
                    throw format("rope_scaling", e.getMessage());
                }
            }
            return new Rope(theta, Rotation.HALF, scaling);
        }

        private int eosIds() {
            JsonNode eos = cfg.path("eos_token_id");
            return eos.isArray() ? (eos.isEmpty() ? -1 : eos.get(0).asInt()) : eos.asInt(-1);
        }

        private String lmHead(String embeddings, int vocab, int width, boolean tied) throws IOException {
            if (!tied && ck.has("lm_head.weight")) {
                return resident("lm_head.weight", vocab, width);
            }
            if (!tied) {
                throw new UnsupportedModelException(
                        ck.root, "tie_word_embeddings is false but the checkpoint has no " + "lm_head.weight");
            }
            return embeddings;
        }

        private String findLayerPrefix() throws UnsupportedModelException {
            for (String p : List.of("model.decoder.", "decoder.", "model.", "")) {
                if (ck.tensors.keySet().stream().anyMatch(n -> n.startsWith(p + "layers.0."))) {
                    return p;
                }
            }
            throw new UnsupportedModelException(
                    ck.root,
                    "no tensors named like '[model.][decoder.]layers.0.*'; the " + "checkpoint has " + sample());
        }

        /**
         * Layer {@code p}'s attention projections ({@code self_attn.q_proj}, k, v and {@code out}) and
         * its two norms, named and shaped as the family has them.
         *
         * @param biased OPT: projections always biased (unless {@code enable_bias} is false), norms with bias
         */
        private DecoderConfig.Layer attention(
                String p, String out, String inputNorm, String postNorm, int d, int qWidth, int kvWidth, boolean biased)
                throws IOException {
            String attn = p + "self_attn.";
            return new DecoderConfig.Layer(
                    projection(attn + "q_proj", qWidth, d, biased),
                    projection(attn + "k_proj", kvWidth, d, biased),
                    projection(attn + "v_proj", kvWidth, d, biased),
                    projection(attn + out, d, qWidth, biased),
                    norm(p + inputNorm, d, biased),
                    norm(p + postNorm, d, biased));
        }

        /** Claims a resident tensor of the given shape and copies it as stored. */
        private String resident(String name, long... shape) throws IOException {
            parts.addResident(ResidentTensor.stored(name, matrixOrVector(name, shape)));
            return name;
        }

        private Projection projection(String base, int out, int in, boolean alwaysBias) throws IOException {
            String weight = resident(base + ".weight", out, in);
            String bias = base + ".bias";
            if (ck.has(bias) || alwaysBias && cfg.path("enable_bias").asBoolean(true)) {
                return new Projection(weight, resident(bias, out));
            }
            return new Projection(weight, null);
        }

        private Norm norm(String base, int d, boolean withBias) throws IOException {
            String weight = resident(base + ".weight", d);
            String bias = withBias && ck.has(base + ".bias") ? resident(base + ".bias", d) : null;
            return new Norm(weight, bias);
        }

        private Tensor matrix(String name, int rows, int cols) throws IOException {
            return matrixOrVector(name, rows, cols);
        }

        private Tensor optionalVector(String name, int n) throws IOException {
            return ck.has(name) ? matrixOrVector(name, n) : null;
        }

        private Tensor matrixOrVector(String name, long... shape) throws IOException {
            if (!ck.has(name)) {
                throw new UnsupportedModelException(
                        ck.root, "expected tensor '" + name + "' is missing; the checkpoint has " + sample());
            }
            Tensor t = ck.mapped(name);
            if (!Arrays.equals(t.shape(), shape)) {
                throw new ModelFormatException(
                        ck.tensors.get(name).file(),
                        "tensor '" + name + "'",
                        "shape " + Arrays.toString(t.shape()) + ", config.json implies " + Arrays.toString(shape));
            }
            parts.claim(name);
            return t;
        }

        private String sample() {
            List<String> names = new ArrayList<>(ck.tensors.keySet());
            return names.size() + " tensors, e.g. " + names.subList(0, Math.min(8, names.size()));
        }

        private Activation activation(String name) throws UnsupportedModelException {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "relu" -> Activation.RELU;
                case "silu", "swish" -> Activation.SILU;
                case "gelu" -> Activation.GELU;
                case "gelu_new", "gelu_pytorch_tanh" -> Activation.GELU_TANH;
                default ->
                    throw new UnsupportedModelException(
                            ck.root,
                            "activation '" + name + "' is not supported (relu,"
                                    + " silu, gelu, gelu_new; for the llama family also fatrelu and drelu)");
            };
        }

        private int requireInt(String key) throws ModelFormatException {
            JsonNode n = cfg.get(key);
            if (n == null || !n.canConvertToInt() || n.asInt() <= 0) {
                throw format(key, "missing or not a positive integer: " + n);
            }
            return n.asInt();
        }

        /**
         * The config, or the file named when the values read from it are ones the decoder refuses
         * (a norm epsilon of 0, a head width that does not divide): the fuzzer found config.json
         * values that passed every key's own check and failed only together.
         */
        private DecoderConfig checked(Supplier<DecoderConfig> make) throws ModelFormatException {
            try {
                return make.get();
            } catch (IllegalArgumentException e) {
                throw format("config", e.getMessage());
            }
        }

        private ModelFormatException format(String key, String detail) {
            return new ModelFormatException(ck.root.resolve("config.json"), key, detail);
        }
    }
}
