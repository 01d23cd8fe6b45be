package dev.ripple.placement.importer.gguf;

import dev.ripple.placement.synthetic.SyntheticDecoder;
import dev.ripple.placement.synthetic.SyntheticDecoderWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Generated GGUF models for tests outside this package (the command-line suite): a tiny generated
 * Llama converted as llama.cpp converts it, with a small SentencePiece vocabulary so that it
 * tokenizes and generates text. Its weights are generated (docs/SYNTHETIC.md).
 */
public final class GgufTestModels {
    private static final String SPACE = "\u2581";
    private static final String[] WORDS = {
        "the",
        "of",
        "and",
        "to",
        "in",
        "is",
        "that",
        "we",
        "for",
        "this",
        "it",
        "on",
        "be",
        "are",
        "with",
        "as",
        "not",
        "have",
        "which",
        "Commission",
        "Parliament",
        "President",
        "European",
        "Council",
        "report",
        "also",
        "must",
        "will",
        "there",
        "their",
        "would",
        "should",
        "can",
        "by",
        "at",
        "from",
        "all",
        "an",
        "our",
        "has",
        "been",
        "more",
        "was",
        "they",
        "very",
        "Member",
        "States",
        "Union",
        "important",
        "question",
        "capital",
        "France",
        "Paris",
        "cat",
        "sat",
        "mat",
        "world",
        "Hello"
    };

    private GgufTestModels() {}

    /**
     * Writes {@code tiny-llama.gguf} into {@code dir}: 2 layers, hidden 64, ffn 256, 4/2 heads, a
     * 512-token SentencePiece vocabulary (BOS 1, EOS 2), matrices in {@code matrices}.
     */
    public static Path tinyLlama(Path dir, GgmlType matrices) throws IOException {
        return tinyLlama(dir, matrices, 11);
    }

    /** As {@link #tinyLlama(Path, GgmlType)}, with weights drawn from {@code seed}: the same size, other values. */
    public static Path tinyLlama(Path dir, GgmlType matrices, long seed) throws IOException {
        Path hf = dir.resolve("tiny-llama-hf");
        SyntheticDecoder spec = SyntheticDecoder.tinyLlama().withSeed(seed);
        SyntheticDecoderWriter.write(spec, hf, "F32", 1);
        Path gguf = dir.resolve("tiny-llama.gguf");
        GgufTestWriter w = HfToGguf.convert(hf, "llama", matrices);
        sentencePieceVocabulary(w, spec.vocabSize());
        w.write(gguf);
        return gguf;
    }

    /**
     * A SentencePiece-style vocabulary of {@code size} tokens: {@code <unk> <s> </s>}, the 256 byte
     * tokens, single characters, then every prefix of "▁word" for common words (later ones score
     * lower), as model {@code llama}.
     */
    static GgufTestWriter sentencePieceVocabulary(GgufTestWriter w, int size) {
        if (size < 320) {
            throw new IllegalArgumentException(
                    "the vocabulary needs room for the specials, 256 bytes and letters: " + size);
        }
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
        }
        Set<String> pieces = new LinkedHashSet<>();
        pieces.add(SPACE);
        for (char c = 'a'; c <= 'z'; c++) {
            pieces.add(String.valueOf(c));
        }
        for (char c = 'A'; c <= 'Z'; c++) {
            pieces.add(String.valueOf(c));
        }
        for (String word : WORDS) {
            String s = SPACE + word;
            for (int k = 2; k <= s.length(); k++) {
                pieces.add(s.substring(0, k));
            }
        }
        for (String p : pieces) {
            if (tokens.size() < size) {
                tokens.add(p);
            }
        }
        for (int i = 0; tokens.size() < size; i++) {
            tokens.add(SPACE + "x" + i);
        }
        float[] scores = new float[size];
        int[] types = new int[size];
        for (int i = 0; i < size; i++) {
            scores[i] = -i;
            types[i] = i == 0
                    ? GgufTokenizer.UNKNOWN
                    : i < 3 ? GgufTokenizer.CONTROL : i < 259 ? GgufTokenizer.BYTE : GgufTokenizer.NORMAL;
        }
        return w.putString("tokenizer.ggml.model", "llama")
                .putStrings("tokenizer.ggml.tokens", tokens.toArray(String[]::new))
                .putFloats("tokenizer.ggml.scores", scores)
                .putInts("tokenizer.ggml.token_type", types)
                .putU32("tokenizer.ggml.bos_token_id", 1)
                .putU32("tokenizer.ggml.eos_token_id", 2)
                .putU32("tokenizer.ggml.unknown_token_id", 0);
    }
}
