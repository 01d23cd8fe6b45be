package dev.ripple.bench.harness;

import dev.ripple.core.Labels;
import dev.ripple.placement.synthetic.SyntheticDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * The real tokenizer written beside a generated decoder, so that text runs through it: GPT-2's for
 * OPT, Llama 2's or Llama 3's (by vocabulary size) for the Llama family, or none. Read from the
 * tokenizer-data module's resources.
 */
public enum SyntheticVocabulary {
    GPT2,
    LLAMA2,
    LLAMA3,
    NONE;

    /** The name used on the command line: {@code gpt2}, {@code llama2}, {@code llama3}, {@code none}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The vocabulary named {@code label} (any case); unknown: "unknown tokenizer 'x' (known: ...)". */
    public static SyntheticVocabulary parse(String label) {
        return Labels.findIgnoringCase(values(), SyntheticVocabulary::label, label, "tokenizer");
    }

    /** The one that fits the shape: GPT-2's for OPT, Llama 3's for a vocabulary of 128,000 or more, else Llama 2's. */
    public static SyntheticVocabulary forShape(SyntheticDecoder s) {
        return s.family() == SyntheticDecoder.Family.OPT ? GPT2 : s.vocabSize() >= 128000 ? LLAMA3 : LLAMA2;
    }

    /** One of its files, e.g. {@code tokenizer.json}. */
    byte[] resource(String file) throws IOException {
        String name = "/ripple-tokenizer-data/" + label() + "/" + file;
        try (InputStream in = SyntheticVocabulary.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(
                        "tokenizer resource " + name + " is not on the class path (module tokenizer-data)");
            }
            return in.readAllBytes();
        }
    }
}
