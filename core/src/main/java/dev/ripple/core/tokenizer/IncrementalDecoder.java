package dev.ripple.core.tokenizer;

import java.util.Arrays;
import java.util.List;

/**
 * Turns ids into text as they arrive (one per generated token) so that the pieces it returns,
 * joined, equal {@link Tokenizer#decode(int[], boolean)} of all the ids, and no piece ends inside a
 * character: text is held back while the decoded bytes end in an incomplete UTF-8 sequence (byte-level
 * vocabularies) and while a run of byte-fallback tokens ({@code <0xE2><0x82>...}) is open, since the
 * run's text depends on all its bytes.
 *
 * <p>It decodes a small window of ids: the ids of the previous emitted piece (as context, so that
 * decoders that treat the first token specially, strip a leading space or join word pieces see the
 * same neighbours as in a full decode) plus the ids not emitted yet, and returns what the window's
 * text adds to the context's text. If a decoder's output for the context is not a prefix of its
 * output for the window, the decoder waits for more ids. Not thread-safe: one per generated sequence.
 *
 * <pre>{@code
 * IncrementalDecoder d = tokenizer.newIncrementalDecoder(true);
 * for (int id : ids) out.print(d.push(id));
 * out.print(d.finish());
 * }</pre>
 */
public final class IncrementalDecoder {
    private final Tokenizer tokenizer;
    private final boolean skipSpecialTokens;
    private final boolean byteLevel;
    private final boolean byteFallback;
    private int[] window = new int[16];
    private int size;
    private int contextSize;
    private String contextText = "";

    IncrementalDecoder(Tokenizer tokenizer, boolean skipSpecialTokens) {
        this.tokenizer = tokenizer;
        this.skipSpecialTokens = skipSpecialTokens;
        Decoder d = tokenizer.decoder();
        this.byteLevel = d != null && d.uses(Decoder.ByteLevel.class);
        this.byteFallback = d != null && d.uses(Decoder.ByteFallback.class);
    }

    /** Adds one id; returns the text that became final with it (often empty, never a partial character). */
    public String push(int id) {
        if (size == window.length) {
            window = Arrays.copyOf(window, size * 2);
        }
        window[size++] = id;
        List<String> tokens = tokenizer.tokens(window, 0, size, skipSpecialTokens);
        if (waits(tokens)) {
            return "";
        }
        String text = tokenizer.decodeTokens(tokens);
        if (!text.startsWith(contextText)) {
            return "";
        }
        String fresh = text.substring(contextText.length());
        // the ids just emitted become the context of the next piece, unless none of them has a token
        // to show (skipped special tokens, unknown ids): a decoder must not see the next token as the first
        if (!tokenizer.tokens(window, contextSize, size, skipSpecialTokens).isEmpty()) {
            System.arraycopy(window, contextSize, window, 0, size - contextSize);
            size -= contextSize;
            contextSize = size;
            contextText = tokenizer.decodeTokens(tokenizer.tokens(window, 0, size, skipSpecialTokens));
        }
        return fresh;
    }

    /** The text not returned yet (an incomplete character becomes U+FFFD, as in a full decode); then starts over. */
    public String finish() {
        String text = tokenizer.decodeTokens(tokenizer.tokens(window, 0, size, skipSpecialTokens));
        int common = 0;
        int limit = Math.min(text.length(), contextText.length());
        while (common < limit && text.charAt(common) == contextText.charAt(common)) {
            common++;
        }
        String rest = text.substring(text.startsWith(contextText) ? contextText.length() : common);
        size = 0;
        contextSize = 0;
        contextText = "";
        return rest;
    }

    private boolean waits(List<String> tokens) {
        if (tokens.isEmpty()) {
            return false;
        }
        if (byteFallback && Decoder.ByteFallback.byteOf(tokens.get(tokens.size() - 1)) >= 0) {
            return true;
        }
        if (byteLevel) {
            ByteLevelAlphabet.ByteSink bytes = new ByteLevelAlphabet.ByteSink();
            for (int i = Math.max(0, tokens.size() - 4); i < tokens.size(); i++) {
                ByteLevelAlphabet.appendBytes(tokens.get(i), bytes);
            }
            return Utf8.endsIncomplete(bytes.bytes, 0, bytes.size);
        }
        return false;
    }
}
