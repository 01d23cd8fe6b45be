package dev.ripple.placement.synthetic;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.io.json.JsonFileProblem;
import dev.ripple.placement.importer.ModelFormatException;
import dev.ripple.placement.importer.UnsupportedModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the ONNX exporter needs from a Hugging Face decoder's {@code config.json}, with
 * transformers' defaults for absent keys. Read independently of {@link SyntheticDecoder}, so a test
 * through the exporter also checks the config the writer produced.
 */
record HfDecoderConfig(
        boolean opt,
        String modelType,
        int hidden,
        int intermediate,
        int layers,
        int heads,
        int kvHeads,
        int headDim,
        int vocab,
        int maxPositions,
        String act,
        double actParam,
        boolean qkvBias,
        double normEps,
        double ropeTheta,
        SyntheticDecoder.RopeScaling ropeScaling,
        boolean tied,
        boolean layerNormBefore,
        boolean finalNorm,
        int wordEmbedProjDim,
        int slidingWindow,
        boolean generated) {

    private static final long MAX_CONFIG = 16L << 20;

    static HfDecoderConfig read(Path dir) throws IOException {
        Path file = dir.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException(file, "file", "not found");
        }
        if (Files.size(file) > MAX_CONFIG) {
            throw new ModelFormatException(file, "file", "larger than " + MAX_CONFIG + " bytes");
        }
        JsonNode c;
        try {
            c = new ObjectMapper().readTree(file.toFile());
        } catch (JacksonException e) {
            throw new ModelFormatException(file, "json", "does not parse: " + parseProblem(e), e);
        }
        if (c == null || !c.isObject()) {
            throw new ModelFormatException(file, "json", "is not a JSON object");
        }
        String type = c.path("model_type").asText("");
        boolean generated = GeneratedWeights.inHfConfig(c);
        int hidden = positive(c, "hidden_size", file);
        int layers = positive(c, "num_hidden_layers", file);
        int heads = positive(c, "num_attention_heads", file);
        int vocab = positive(c, "vocab_size", file);
        int maxPositions = positive(c, "max_position_embeddings", file);
        if (hidden % heads != 0) {
            throw new ModelFormatException(file, "hidden_size", hidden + " is not a multiple of " + heads + " heads");
        }
        if (type.equals("opt")) {
            String act = c.path("activation_function").asText("relu");
            if (!act.equals("relu")) {
                throw new UnsupportedModelException(file, "OPT activation_function '" + act + "' (relu is supported)");
            }
            if (!c.path("enable_bias").asBoolean(true)
                    || !c.path("layer_norm_elementwise_affine").asBoolean(true)) {
                throw new UnsupportedModelException(file, "OPT without biases or LayerNorm affine parameters");
            }
            boolean before = c.path("do_layer_norm_before").asBoolean(true);
            boolean removeFinal = c.path("_remove_final_layer_norm").asBoolean(false);
            int proj = c.path("word_embed_proj_dim").asInt(hidden);
            return new HfDecoderConfig(
                    true,
                    type,
                    hidden,
                    positive(c, "ffn_dim", file),
                    layers,
                    heads,
                    heads,
                    hidden / heads,
                    vocab,
                    maxPositions,
                    "relu",
                    Double.NaN,
                    true,
                    SyntheticDecoder.OPT_LAYER_NORM_EPS,
                    Double.NaN,
                    null,
                    c.path("tie_word_embeddings").asBoolean(true),
                    before,
                    before && !removeFinal,
                    proj,
                    0,
                    generated);
        }
        if (!type.equals("llama") && !type.equals("mistral") && !type.equals("qwen2")) {
            throw new UnsupportedModelException(
                    file, "model_type '" + type + "' (opt, llama, mistral, qwen2 are supported)");
        }
        if (c.path("mlp_bias").asBoolean(false)) {
            throw new UnsupportedModelException(file, "mlp_bias is not supported");
        }
        if (type.equals("llama") && c.path("attention_bias").asBoolean(false)) {
            throw new UnsupportedModelException(
                    file,
                    "llama attention_bias (q, k, v and o_proj biases) is not supported;" + " qwen2's q/k/v biases are");
        }
        int kvHeads = c.path("num_key_value_heads").asInt(heads);
        if (kvHeads <= 0 || heads % kvHeads != 0) {
            throw new ModelFormatException(
                    file, "num_key_value_heads", kvHeads + " does not divide " + heads + " heads");
        }
        int headDim = c.path("head_dim").isNumber() ? c.get("head_dim").asInt() : hidden / heads;
        if (headDim <= 0 || headDim % 2 != 0) {
            throw new ModelFormatException(
                    file, "head_dim", "must be positive and even for rotary embeddings: " + headDim);
        }
        String act = c.path("hidden_act").asText("silu");
        double param = Double.NaN;
        switch (act) {
            case "silu", "relu", "drelu" -> {}
            case "fatrelu" -> {
                param = c.path("hidden_act_param").asDouble(Double.NaN);
                if (!Double.isFinite(param)) {
                    throw new ModelFormatException(file, "hidden_act_param", "fatrelu needs a numeric threshold");
                }
            }
            default ->
                throw new UnsupportedModelException(
                        file, "hidden_act '" + act + "' (silu, relu, fatrelu, drelu are supported)");
        }
        SyntheticDecoder.RopeScaling scaling = null;
        JsonNode rs = c.path("rope_scaling");
        if (rs.isObject()) {
            String rt = rs.path("rope_type").asText(rs.path("type").asText(""));
            if (!rt.equals("llama3")) {
                throw new UnsupportedModelException(file, "rope_scaling type '" + rt + "' (llama3 is supported)");
            }
            try {
                scaling = new SyntheticDecoder.RopeScaling(
                        rs.path("factor").asDouble(),
                        rs.path("low_freq_factor").asDouble(),
                        rs.path("high_freq_factor").asDouble(),
                        rs.path("original_max_position_embeddings").asInt());
            } catch (IllegalArgumentException e) {
                throw new ModelFormatException(file, "rope_scaling", e.getMessage());
            }
        }
        int window = 0;
        if (type.equals("mistral")
                || (type.equals("qwen2") && c.path("use_sliding_window").asBoolean(false))) {
            window = c.path("sliding_window").asInt(0);
        }
        return new HfDecoderConfig(
                false,
                type,
                hidden,
                positive(c, "intermediate_size", file),
                layers,
                heads,
                kvHeads,
                headDim,
                vocab,
                maxPositions,
                act,
                param,
                type.equals("qwen2"),
                c.path("rms_norm_eps").asDouble(1e-6),
                c.path("rope_theta").asDouble(10000.0),
                scaling,
                c.path("tie_word_embeddings").asBoolean(false),
                true,
                true,
                hidden,
                window,
                generated);
    }

    private static int positive(JsonNode c, String key, Path file) throws ModelFormatException {
        JsonNode n = c.get(key);
        if (n == null || !n.canConvertToInt() || n.asInt() <= 0) {
            throw new ModelFormatException(file, key, "missing or not a positive integer: " + n);
        }
        return n.asInt();
    }

    /** Positions the graph may be run at: {@code max_position_embeddings}, or the sliding window when smaller. */
    int usablePositions() {
        return slidingWindow > 0 ? Math.min(maxPositions, slidingWindow) : maxPositions;
    }

    /** Jackson's complaint in the file's terms, without its {@code [Source: ...]} notes ({@link JsonFileProblem}). */
    private static String parseProblem(JacksonException e) {
        return e instanceof JsonProcessingException p ? JsonFileProblem.describe(p) : e.getOriginalMessage();
    }
}
