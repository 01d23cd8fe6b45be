package dev.ripple.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The architecture block of a BERT-family {@code .ripple} file (docs/FORMAT.md, "Architectures"):
 * sizes and the names of the resident tensors the forward pass needs. Linear weights are stored
 * {@code [in, out]} (as ONNX MatMul holds them: {@code y = x·W + b}).
 */
public record BertConfig(int hiddenSize, int numHeads, int numLayers, float layerNormEps, int vocabSize,
                         int maxPositions, int typeVocabSize, String pooling, boolean normalize,
                         String wordEmbeddings, String positionEmbeddings, String tokenTypeEmbeddings,
                         String embeddingsNormWeight, String embeddingsNormBias, List<Layer> layers) {

    /** Resident tensor names of one encoder layer (the FFN itself lives in the bundle sections). */
    public record Layer(String query, String queryBias, String key, String keyBias, String value, String valueBias,
                        String attentionOutput, String attentionOutputBias, String attentionNormWeight,
                        String attentionNormBias, String outputNormWeight, String outputNormBias) {
    }

    public static final String TYPE = "bert";

    public BertConfig {
        if (hiddenSize <= 0 || numHeads <= 0 || hiddenSize % numHeads != 0) {
            throw new IllegalArgumentException("bert: hiddenSize " + hiddenSize + " must be a positive multiple of numHeads " + numHeads);
        }
        if (layers.size() != numLayers) {
            throw new IllegalArgumentException("bert: " + numLayers + " layers declared but " + layers.size() + " described");
        }
        if (!pooling.equals("mean") && !pooling.equals("cls")) {
            throw new IllegalArgumentException("bert: pooling must be 'mean' or 'cls', got '" + pooling + "'");
        }
        layers = List.copyOf(layers);
    }

    public int headSize() {
        return hiddenSize / numHeads;
    }

    /** Reads the architecture block; every missing field is named in the error. */
    public static BertConfig fromJson(JsonNode a) {
        if (!TYPE.equals(a.path("type").asText())) {
            throw new IllegalArgumentException("architecture type is '" + a.path("type").asText() + "', not 'bert'");
        }
        JsonNode t = a.path("tensors");
        List<Layer> layers = new ArrayList<>();
        JsonNode ls = t.path("layers");
        for (int i = 0; i < ls.size(); i++) {
            JsonNode l = ls.get(i);
            String w = "tensors.layers[" + i + "].";
            layers.add(new Layer(text(l, "query", w), text(l, "queryBias", w), text(l, "key", w), text(l, "keyBias", w),
                    text(l, "value", w), text(l, "valueBias", w), text(l, "attentionOutput", w),
                    text(l, "attentionOutputBias", w), text(l, "attentionNormWeight", w), text(l, "attentionNormBias", w),
                    text(l, "outputNormWeight", w), text(l, "outputNormBias", w)));
        }
        return new BertConfig(integer(a, "hiddenSize"), integer(a, "numHeads"), integer(a, "numLayers"),
                (float) number(a, "layerNormEps"), integer(a, "vocabSize"), integer(a, "maxPositions"),
                a.path("typeVocabSize").asInt(0), a.path("pooling").asText("mean"), a.path("normalize").asBoolean(true),
                text(t, "wordEmbeddings", "tensors."), text(t, "positionEmbeddings", "tensors."),
                t.path("tokenTypeEmbeddings").isTextual() ? t.path("tokenTypeEmbeddings").asText() : null,
                text(t, "embeddingsNormWeight", "tensors."), text(t, "embeddingsNormBias", "tensors."), layers);
    }

    public ObjectNode toJson() {
        ObjectNode a = JsonNodeFactory.instance.objectNode();
        a.put("type", TYPE);
        a.put("hiddenSize", hiddenSize);
        a.put("numHeads", numHeads);
        a.put("numLayers", numLayers);
        a.put("layerNormEps", layerNormEps);
        a.put("vocabSize", vocabSize);
        a.put("maxPositions", maxPositions);
        a.put("typeVocabSize", typeVocabSize);
        a.put("pooling", pooling);
        a.put("normalize", normalize);
        ObjectNode t = a.putObject("tensors");
        t.put("wordEmbeddings", wordEmbeddings);
        t.put("positionEmbeddings", positionEmbeddings);
        if (tokenTypeEmbeddings != null) {
            t.put("tokenTypeEmbeddings", tokenTypeEmbeddings);
        }
        t.put("embeddingsNormWeight", embeddingsNormWeight);
        t.put("embeddingsNormBias", embeddingsNormBias);
        var arr = t.putArray("layers");
        for (Layer l : layers) {
            ObjectNode n = arr.addObject();
            n.put("query", l.query());
            n.put("queryBias", l.queryBias());
            n.put("key", l.key());
            n.put("keyBias", l.keyBias());
            n.put("value", l.value());
            n.put("valueBias", l.valueBias());
            n.put("attentionOutput", l.attentionOutput());
            n.put("attentionOutputBias", l.attentionOutputBias());
            n.put("attentionNormWeight", l.attentionNormWeight());
            n.put("attentionNormBias", l.attentionNormBias());
            n.put("outputNormWeight", l.outputNormWeight());
            n.put("outputNormBias", l.outputNormBias());
        }
        return a;
    }

    private static String text(JsonNode n, String field, String where) {
        JsonNode v = n.path(field);
        if (!v.isTextual()) {
            throw new IllegalArgumentException("bert architecture: '" + where + field + "' is missing");
        }
        return v.asText();
    }

    private static int integer(JsonNode n, String field) {
        JsonNode v = n.path(field);
        if (!v.isIntegralNumber()) {
            throw new IllegalArgumentException("bert architecture: '" + field + "' is missing or not an integer");
        }
        return v.asInt();
    }

    private static double number(JsonNode n, String field) {
        JsonNode v = n.path(field);
        if (!v.isNumber()) {
            throw new IllegalArgumentException("bert architecture: '" + field + "' is missing or not a number");
        }
        return v.asDouble();
    }
}
