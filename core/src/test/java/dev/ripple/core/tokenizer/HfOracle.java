package dev.ripple.core.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Hugging Face's own tokenizers library (the Rust crate, through DJL's binding): the oracle the pure
 * Java tokenizer is compared with. Encodes without truncation or padding unless asked.
 *
 * <p>Encodings are read straight from the native library, taking only what a comparison needs: DJL's
 * {@code Encoding} would also copy every token string, mask and span out of the library, which
 * doubles the oracle's time. It is the same native call DJL's {@code encode} makes; DJL's Java-side
 * text edits (prefix space, lower case, accent stripping) are options these oracles never set.
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
        long encoding = TokenizersLibrary.LIB.encode(tokenizer.getHandle(), text, addSpecialTokens);
        long[] ids;
        try {
            ids = TokenizersLibrary.LIB.getTokenIds(encoding);
        } finally {
            TokenizersLibrary.LIB.deleteEncoding(encoding);
        }
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    /** Where each token of {@code text} lies, in code points, special tokens left out. */
    CharSpan[] spans(String text) {
        long encoding = TokenizersLibrary.LIB.encode(tokenizer.getHandle(), text, false);
        try {
            return TokenizersLibrary.LIB.getTokenCharSpans(encoding);
        } finally {
            TokenizersLibrary.LIB.deleteEncoding(encoding);
        }
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
