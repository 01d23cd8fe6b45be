package dev.ripple.core.model.decoder;

import dev.ripple.core.tokenizer.IncrementalDecoder;

/**
 * Turns generated token ids into text as they arrive, never splitting a UTF-8 character: each id
 * returns the text that became final with it (often empty while a multi-byte character or a
 * byte-fallback sequence is incomplete), and {@link #finish()} returns what is left at the end.
 * One instance per generation.
 */
public interface Detokenizer {

    /** The text that became final once {@code id} arrived. */
    String push(int id);

    /** Whatever text is still held back, at the end of the generation. */
    String finish();

    /** The model's tokenizer decoding incrementally. */
    static Detokenizer of(IncrementalDecoder decoder) {
        return new Detokenizer() {
            @Override
            public String push(int id) {
                return decoder.push(id);
            }

            @Override
            public String finish() {
                return decoder.finish();
            }
        };
    }
}
