package dev.ripple.placement.profile;

import dev.ripple.core.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Tokenises text with a Hugging Face {@code tokenizer.json} through the runtime's pure-Java
 * {@link Tokenizer} (ids equal to the Rust library's; docs/TOKENIZER.md): special tokens added,
 * truncated to {@code maxLength} tokens, no padding, attention mask all ones, type ids all zeros
 * (single sentences). As DJL's binding did before, a {@code maxLength} above 512 is lowered to 512.
 *
 * <pre>{@code
 * try (PassageTokenizer t = PassageTokenizer.open(Path.of("tokenizer.json"), 128)) {
 *     EncodedPassage p = t.encode("The Commission agrees.");
 * }
 * }</pre>
 */
public final class PassageTokenizer implements AutoCloseable {
    /** DJL's default model_max_length, which it capped every maxLength to; kept so passages stay the same. */
    public static final int MODEL_MAX_LENGTH = 512;

    private final Tokenizer tokenizer;
    private final int maxLength;

    private PassageTokenizer(Tokenizer tokenizer, int maxLength) {
        this.tokenizer = tokenizer;
        this.maxLength = Math.min(maxLength, MODEL_MAX_LENGTH);
    }

    /** Opens {@code tokenizerJson}, adding special tokens and truncating to {@code maxLength}. */
    public static PassageTokenizer open(Path tokenizerJson, int maxLength) throws IOException {
        return new PassageTokenizer(Tokenizer.fromJson(tokenizerJson), maxLength);
    }

    /** Opens a tokenizer JSON given as a stream (e.g. a class-path resource). */
    public static PassageTokenizer open(InputStream tokenizerJson, int maxLength) throws IOException {
        return new PassageTokenizer(Tokenizer.fromJson(tokenizerJson.readAllBytes()), maxLength);
    }

    /** One more than the largest id it gives: the rows the model's token embedding needs. */
    public int vocabSize() {
        return tokenizer.vocabSize();
    }

    public EncodedPassage encode(String text) {
        int[] ids = tokenizer.encode(text, true, maxLength);
        long[] longIds = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            longIds[i] = ids[i];
        }
        long[] mask = new long[ids.length];
        Arrays.fill(mask, 1L);
        return new EncodedPassage(longIds, mask, new long[ids.length]);
    }

    /**
     * Whether {@code encoded} (the {@link #encode} of {@code text}) holds a token of the text: not
     * when the tokenizer's normalizer drops every character of the line (a zero-width space, control
     * characters, white space Java's {@code strip} keeps), which leaves [CLS][SEP] alone, the passage
     * of special tokens that blank lines are left out not to make. A passage of [UNK] holds one: the
     * text's, which the model reads.
     */
    public boolean holdsText(String text, EncodedPassage encoded) {
        for (long id : encoded.ids()) {
            if (!tokenizer.isSpecial(Math.toIntExact(id))) {
                return true;
            }
        }
        return tokenizer.encode(text, false).length > 0;
    }

    /**
     * The tokens {@code text} makes uncut, special tokens included: {@code encoded}'s length (its
     * {@link #encode}) when that is below the cut, else the text encoded again without one (only the
     * passages that reach the cut pay for a second encoding).
     */
    public int fullLength(String text, EncodedPassage encoded) {
        return encoded.length() < maxLength ? encoded.length() : tokenizer.encode(text, true).length;
    }

    /** The tokenizer behind this one. */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public void close() {
        // nothing native to release any more
    }
}
