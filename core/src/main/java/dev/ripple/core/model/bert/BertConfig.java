package dev.ripple.core.model.bert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.model.ArchitectureFields;
import java.util.ArrayList;
import java.util.List;

/**
 * The architecture block of a BERT-family {@code .ripple} file (docs/IMPORT.md): sizes and the
 * names of the resident tensors the forward pass needs. Linear weights are stored {@code [out, in]}
 * ({@code y_j = W_j · x + b_j}), so each output is one contiguous dot product. The ONNX importer
 * builds it and writes {@link #toJson()}; the runtime reads {@link #fromJson}.
 *
 * @param intermediateSize neurons per FFN layer (informative: the FFN sections carry their shape)
 * @param activation       the FFN activation's label (informative, as above)
 */
public record BertConfig(
        int hiddenSize,
        int intermediateSize,
        int numHeads,
        int numLayers,
        float layerNormEps,
        int vocabSize,
        int maxPositions,
        int typeVocabSize,
        String activation,
        String pooling,
        boolean normalize,
        String wordEmbeddings,
        String positionEmbeddings,
        String tokenTypeEmbeddings,
        String embeddingsNormWeight,
        String embeddingsNormBias,
        List<Layer> layers) {
    private static final ArchitectureFields FIELDS = new ArchitectureFields("bert architecture");

    /** Resident tensor names of one encoder layer (the FFN itself lives in the bundle sections). */
    public record Layer(
            String query,
            String queryBias,
            String key,
            String keyBias,
            String value,
            String valueBias,
            String attentionOutput,
            String attentionOutputBias,
            String attentionNormWeight,
            String attentionNormBias,
            String outputNormWeight,
            String outputNormBias) {}

    public static final String TYPE = "bert";

    public BertConfig {
        if (hiddenSize <= 0 || numHeads <= 0 || hiddenSize % numHeads != 0) {
            throw new IllegalArgumentException(
                    "bert: hiddenSize " + hiddenSize + " must be a positive multiple of numHeads " + numHeads);
        }
        if (layers.size() != numLayers) {
            throw new IllegalArgumentException(
                    "bert: " + numLayers + " layers declared but " + layers.size() + " described");
        }
        if (!pooling.equals("mean") && !pooling.equals("cls")) {
            throw new IllegalArgumentException("bert: pooling must be 'mean' or 'cls', got '" + pooling + "'");
        }
        layers = List.copyOf(layers);
    }

    public int headSize() {
        return hiddenSize / numHeads;
    }

    /**
     * Reads the architecture block written by the ONNX importer (docs/IMPORT.md): nested
     * {@code embeddings {word, position, tokenType, norm {weight, bias}}} and per layer
     * {@code query|key|value|attentionOutput {weight, bias}}, {@code attentionNorm|outputNorm {weight, bias}};
     * linear weights {@code [out, in]} ({@code weightLayout: out_in}). Every missing field is named.
     */
    public static BertConfig fromJson(JsonNode a) {
        if (!TYPE.equals(a.path("type").asText())) {
            throw new IllegalArgumentException(
                    "architecture type is '" + a.path("type").asText() + "', not 'bert'");
        }
        if (!"out_in".equals(a.path("weightLayout").asText("out_in"))) {
            throw new IllegalArgumentException("bert architecture: weightLayout '"
                    + a.path("weightLayout").asText() + "' is not supported (expected out_in)");
        }
        JsonNode e = a.path("embeddings");
        List<Layer> layers = new ArrayList<>();
        JsonNode ls = a.path("layers");
        for (int i = 0; i < ls.size(); i++) {
            JsonNode l = ls.get(i);
            String w = "layers[" + i + "].";
            layers.add(new Layer(
                    FIELDS.text(l.path("query"), "weight", w + "query."),
                    FIELDS.text(l.path("query"), "bias", w + "query."),
                    FIELDS.text(l.path("key"), "weight", w + "key."),
                    FIELDS.text(l.path("key"), "bias", w + "key."),
                    FIELDS.text(l.path("value"), "weight", w + "value."),
                    FIELDS.text(l.path("value"), "bias", w + "value."),
                    FIELDS.text(l.path("attentionOutput"), "weight", w + "attentionOutput."),
                    FIELDS.text(l.path("attentionOutput"), "bias", w + "attentionOutput."),
                    FIELDS.text(l.path("attentionNorm"), "weight", w + "attentionNorm."),
                    FIELDS.text(l.path("attentionNorm"), "bias", w + "attentionNorm."),
                    FIELDS.text(l.path("outputNorm"), "weight", w + "outputNorm."),
                    FIELDS.text(l.path("outputNorm"), "bias", w + "outputNorm.")));
        }
        return new BertConfig(
                FIELDS.integer(a, "hiddenSize"),
                a.path("intermediateSize").asInt(0),
                FIELDS.integer(a, "numHeads"),
                FIELDS.integer(a, "numLayers"),
                (float) FIELDS.number(a, "layerNormEps"),
                FIELDS.integer(a, "vocabSize"),
                FIELDS.integer(a, "maxPositions"),
                a.path("typeVocabSize").asInt(0),
                a.path("activation").asText(""),
                a.path("pooling").asText("mean"),
                a.path("normalize").asBoolean(true),
                FIELDS.text(e, "word", "embeddings."),
                FIELDS.text(e, "position", "embeddings."),
                ArchitectureFields.nullable(e, "tokenType"),
                FIELDS.text(e.path("norm"), "weight", "embeddings.norm."),
                FIELDS.text(e.path("norm"), "bias", "embeddings.norm."),
                layers);
    }

    /** The architecture block in the form {@link #fromJson} reads. */
    public ObjectNode toJson() {
        ObjectNode a = JsonNodeFactory.instance.objectNode();
        a.put("type", TYPE);
        a.put("hiddenSize", hiddenSize);
        a.put("intermediateSize", intermediateSize);
        a.put("activation", activation);
        a.put("numHeads", numHeads);
        a.put("headDim", headSize());
        a.put("numLayers", numLayers);
        a.put("layerNormEps", layerNormEps);
        a.put("vocabSize", vocabSize);
        a.put("maxPositions", maxPositions);
        a.put("typeVocabSize", typeVocabSize);
        a.put("pooling", pooling);
        a.put("normalize", normalize);
        a.put("weightLayout", "out_in");
        ObjectNode e = a.putObject("embeddings");
        e.put("word", wordEmbeddings);
        e.put("position", positionEmbeddings);
        if (tokenTypeEmbeddings != null) {
            e.put("tokenType", tokenTypeEmbeddings);
        } else {
            e.putNull("tokenType");
        }
        pair(e.putObject("norm"), embeddingsNormWeight, embeddingsNormBias);
        var arr = a.putArray("layers");
        for (Layer l : layers) {
            ObjectNode n = arr.addObject();
            pair(n.putObject("query"), l.query(), l.queryBias());
            pair(n.putObject("key"), l.key(), l.keyBias());
            pair(n.putObject("value"), l.value(), l.valueBias());
            pair(n.putObject("attentionOutput"), l.attentionOutput(), l.attentionOutputBias());
            pair(n.putObject("attentionNorm"), l.attentionNormWeight(), l.attentionNormBias());
            pair(n.putObject("outputNorm"), l.outputNormWeight(), l.outputNormBias());
        }
        return a;
    }

    private static void pair(ObjectNode o, String weight, String bias) {
        o.put("weight", weight);
        o.put("bias", bias);
    }
}
