package dev.ripple.placement.profile;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Tokenises text with a Hugging Face {@code tokenizer.json} through DJL's binding of the Rust
 * tokenizers library. The native library ships inside the DJL jar for linux/macOS/windows and is
 * extracted to DJL's cache directory ({@code ~/.djl.ai}, or {@code DJL_CACHE_DIR}); no network
 * access is needed. The tokenizer JSON is read from a stream so its file name does not matter.
 *
 * <pre>{@code
 * try (PassageTokenizer t = PassageTokenizer.open(Path.of("tokenizer.json"), 128)) {
 *     EncodedPassage p = t.encode("The Commission agrees.");
 * }
 * }</pre>
 */
public final class PassageTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;

    private PassageTokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Opens {@code tokenizerJson}, adding special tokens and truncating to {@code maxLength}. */
    public static PassageTokenizer open(Path tokenizerJson, int maxLength) throws IOException {
        try (InputStream in = Files.newInputStream(tokenizerJson)) {
            return open(in, maxLength);
        }
    }

    /** Opens a tokenizer JSON given as a stream (e.g. a class-path resource). */
    public static PassageTokenizer open(InputStream tokenizerJson, int maxLength) throws IOException {
        Map<String, String> options = Map.of(
                "addSpecialTokens", "true",
                "truncation", "true",
                "padding", "false",
                "maxLength", Integer.toString(maxLength));
        return new PassageTokenizer(HuggingFaceTokenizer.newInstance(tokenizerJson, options));
    }

    public EncodedPassage encode(String text) {
        Encoding e = tokenizer.encode(text);
        return new EncodedPassage(e.getIds(), e.getAttentionMask(), e.getTypeIds());
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
