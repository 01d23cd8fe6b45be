package dev.ripple.placement.importer.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A SentencePiece vocabulary as GGUF stores it ({@code tokenizer.ggml.model = "llama"}: tokens,
 * scores, token types, BOS/EOS/UNK ids), built from a Hugging Face tokenizer.json of a Llama 2-style
 * tokenizer (a BPE model with byte fallback and merges). The scores are the merge ranks: a token
 * made by the merge of rank r scores −r, others 0, which {@link GgufTokenizer} turns back into the
 * same merges, so the vocabulary tokenizes as the tokenizer.json does.
 *
 * <pre>{@code
 * GgufVocabulary v = GgufVocabulary.fromSentencePieceJson(Files.readAllBytes(Path.of("tokenizer.json")));
 * v.putInto(gguf);
 * }</pre>
 *
 * @param tokens token strings by id
 * @param scores one per token
 * @param types  ggml token types (normal 1, unknown 2, control 3, byte 6)
 */
public record GgufVocabulary(String[] tokens, float[] scores, int[] types, int bos, int eos, int unk) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public GgufVocabulary {
        if (scores.length != tokens.length || types.length != tokens.length) {
            throw new IllegalArgumentException(
                    tokens.length + " tokens, " + scores.length + " scores, " + types.length + " types");
        }
        tokens = tokens.clone();
        scores = scores.clone();
        types = types.clone();
    }

    public int size() {
        return tokens.length;
    }

    /**
     * @throws IOException              when the JSON cannot be read
     * @throws IllegalArgumentException when it is not a BPE tokenizer whose ids run from 0 without gaps,
     *                                  or lacks {@code <s>}, {@code </s>} or {@code <unk>}
     */
    public static GgufVocabulary fromSentencePieceJson(byte[] tokenizerJson) throws IOException {
        JsonNode root = JSON.readTree(tokenizerJson);
        if (!"BPE".equals(root.path("model").path("type").asText())) {
            throw new IllegalArgumentException("tokenizer.json: model type '"
                    + root.path("model").path("type").asText() + "', not a SentencePiece-style BPE model");
        }
        String[] tokens = tokensById(root);
        Map<String, Integer> firstRank = new HashMap<>();
        int rank = 0;
        for (JsonNode m : root.path("model").path("merges")) {
            String merged = m.isTextual()
                    ? m.asText().replaceFirst(" ", "")
                    : m.path(0).asText() + m.path(1).asText();
            firstRank.putIfAbsent(merged, rank++);
        }
        float[] scores = new float[tokens.length];
        int[] types = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            Integer r = firstRank.get(tokens[i]);
            scores[i] = r == null ? 0f : -r;
            types[i] = tokens[i].matches("<0x[0-9A-F]{2}>") ? GgufTokenizer.BYTE : GgufTokenizer.NORMAL;
        }
        for (JsonNode t : root.path("added_tokens")) {
            types[t.path("id").asInt()] =
                    t.path("content").asText().equals("<unk>") ? GgufTokenizer.UNKNOWN : GgufTokenizer.CONTROL;
        }
        return new GgufVocabulary(tokens, scores, types, id(tokens, "<s>"), id(tokens, "</s>"), id(tokens, "<unk>"));
    }

    /**
     * The tokens of a tokenizer.json's model vocabulary and added tokens, by id.
     *
     * @throws IllegalArgumentException when the ids do not run from 0 without gaps
     */
    static String[] tokensById(JsonNode root) {
        Map<Integer, String> byId = new HashMap<>();
        root.path("model")
                .path("vocab")
                .properties()
                .forEach(e -> byId.put(e.getValue().asInt(), e.getKey()));
        root.path("added_tokens")
                .forEach(t -> byId.put(t.path("id").asInt(), t.path("content").asText()));
        String[] tokens = new String[byId.size()];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = byId.get(i);
            if (tokens[i] == null) {
                throw new IllegalArgumentException(
                        "tokenizer.json: id " + i + " of " + tokens.length + " has no token");
            }
        }
        return tokens;
    }

    private static int id(String[] tokens, String token) {
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i].equals(token)) {
                return i;
            }
        }
        throw new IllegalArgumentException("tokenizer.json has no " + token + " token");
    }

    /** The {@code tokenizer.ggml.*} keys as llama.cpp's converter writes a SentencePiece model (BOS added, EOS not). */
    public GgufWriter putInto(GgufWriter w) {
        return w.put("tokenizer.ggml.model", "llama")
                .putStrings("tokenizer.ggml.tokens", tokens)
                .putFloats("tokenizer.ggml.scores", scores)
                .putInts("tokenizer.ggml.token_type", types)
                .putU32("tokenizer.ggml.bos_token_id", bos)
                .putU32("tokenizer.ggml.eos_token_id", eos)
                .putU32("tokenizer.ggml.unknown_token_id", unk)
                .putBool("tokenizer.ggml.add_bos_token", true)
                .putBool("tokenizer.ggml.add_eos_token", false);
    }
}
