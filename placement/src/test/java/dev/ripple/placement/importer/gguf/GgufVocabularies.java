package dev.ripple.placement.importer.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.core.testing.Europarl;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * GGUF vocabularies ({@code tokenizer.ggml.*}) built from the real tokenizers of the tokenizer-data
 * module, the way llama.cpp's converter writes them: the Llama 2-style SentencePiece vocabulary
 * with scores (derived from its merge ranks by {@link GgufVocabulary}: a token made by the merge of
 * rank r scores -r),
 * and the byte-level GPT-2 and Llama 3 vocabularies with their merges. Plus the Europarl sample.
 */
final class GgufVocabularies {
    static final String DIR = "/ripple-tokenizer-data/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private GgufVocabularies() {}

    static byte[] resource(String name) {
        try (InputStream in = GgufVocabularies.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(
                        "test resource " + name + " is not on the class path (module tokenizer-data)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String[]> merges(JsonNode root) {
        List<String[]> out = new ArrayList<>();
        for (JsonNode m : root.path("model").path("merges")) {
            if (m.isTextual()) {
                int space = m.asText().indexOf(' ');
                out.add(new String[] {m.asText().substring(0, space), m.asText().substring(space + 1)});
            } else {
                out.add(new String[] {m.get(0).asText(), m.get(1).asText()});
            }
        }
        return out;
    }

    /**
     * The Llama 2-style vocabulary as a llama.cpp converter writes a SentencePiece model: model
     * "llama", built by the main code's {@link GgufVocabulary} (which {@code ripple synth --format gguf} uses).
     */
    static GgufTestWriter llama2(GgufTestWriter w) throws IOException {
        GgufVocabulary v = GgufVocabulary.fromSentencePieceJson(resource(DIR + "llama2/tokenizer.json"));
        return w.putString("tokenizer.ggml.model", "llama")
                .putStrings("tokenizer.ggml.tokens", v.tokens())
                .putFloats("tokenizer.ggml.scores", v.scores())
                .putInts("tokenizer.ggml.token_type", v.types())
                .putU32("tokenizer.ggml.bos_token_id", v.bos())
                .putU32("tokenizer.ggml.eos_token_id", v.eos())
                .putU32("tokenizer.ggml.unknown_token_id", v.unk())
                .putBool("tokenizer.ggml.add_bos_token", true)
                .putBool("tokenizer.ggml.add_eos_token", false);
    }

    /** GPT-2's vocab.json + merges.txt as model "gpt2", pre "gpt-2". */
    static GgufTestWriter gpt2(GgufTestWriter w) throws IOException {
        JsonNode vocab = JSON.readTree(resource(DIR + "gpt2/encoder.json"));
        String[] tokens = new String[vocab.size()];
        vocab.properties().forEach(e -> tokens[e.getValue().asInt()] = e.getKey());
        int[] types = new int[tokens.length];
        Arrays.fill(types, GgufTokenizer.NORMAL);
        types[50256] = GgufTokenizer.CONTROL;
        List<String> merges = new ArrayList<>();
        for (String line : new String(resource(DIR + "gpt2/vocab.bpe"), StandardCharsets.UTF_8)
                .lines()
                .toList()) {
            if (!line.startsWith("#version")) {
                merges.add(line);
            }
        }
        return byteLevel(w, "gpt-2", tokens, types, merges, 50256, 50256);
    }

    /** The Llama 3-style byte-level vocabulary as model "gpt2", pre "llama-bpe", with its chat template. */
    static GgufTestWriter llama3(GgufTestWriter w) throws IOException {
        JsonNode root = JSON.readTree(resource(DIR + "llama3/tokenizer.json"));
        String[] tokens = GgufVocabulary.tokensById(root);
        int[] types = new int[tokens.length];
        Arrays.fill(types, GgufTokenizer.NORMAL);
        for (JsonNode t : root.path("added_tokens")) {
            types[t.get("id").asInt()] =
                    t.get("special").asBoolean() ? GgufTokenizer.CONTROL : GgufTokenizer.USER_DEFINED;
        }
        List<String> merges = new ArrayList<>();
        for (String[] m : merges(root)) {
            merges.add(m[0] + " " + m[1]);
        }
        JsonNode config = JSON.readTree(resource(DIR + "llama3/tokenizer_config.json"));
        return byteLevel(w, "llama-bpe", tokens, types, merges, 128000, 128009)
                .putString(
                        "tokenizer.chat_template", config.path("chat_template").asText());
    }

    /** A byte-level BPE vocabulary as llama.cpp's converter writes it: model "gpt2" and the pre-tokenizer's name. */
    private static GgufTestWriter byteLevel(
            GgufTestWriter w, String pre, String[] tokens, int[] types, List<String> merges, int bos, int eos) {
        return w.putString("tokenizer.ggml.model", "gpt2")
                .putString("tokenizer.ggml.pre", pre)
                .putStrings("tokenizer.ggml.tokens", tokens)
                .putInts("tokenizer.ggml.token_type", types)
                .putStrings("tokenizer.ggml.merges", merges.toArray(String[]::new))
                .putU32("tokenizer.ggml.bos_token_id", bos)
                .putU32("tokenizer.ggml.eos_token_id", eos);
    }

    /** Every {@code step}-th line of the Europarl sample (about eleven languages). */
    static List<String> europarl(int step) {
        return Europarl.lines(step);
    }
}
