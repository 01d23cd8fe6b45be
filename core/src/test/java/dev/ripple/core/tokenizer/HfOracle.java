package dev.ripple.core.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Hugging Face's own tokenizers library (the Rust crate, through DJL's binding): the oracle the pure
 * Java tokenizer is compared with. Encodes without truncation or padding unless asked.
 */
final class HfOracle implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;

    private HfOracle(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    static HfOracle of(byte[] tokenizerJson) {
        return of(tokenizerJson, Map.of("truncation", "false", "padding", "false"));
    }

    static HfOracle truncating(byte[] tokenizerJson, int maxLength) {
        return of(
                tokenizerJson,
                Map.of("truncation", "true", "padding", "false", "maxLength", Integer.toString(maxLength)));
    }

    private static HfOracle of(byte[] json, Map<String, String> options) {
        try {
            return new HfOracle(HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json), options));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int[] encode(String text, boolean addSpecialTokens) {
        long[] ids = tokenizer.encode(text, addSpecialTokens, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    String decode(int[] ids, boolean skipSpecialTokens) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return tokenizer.decode(l, skipSpecialTokens);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
