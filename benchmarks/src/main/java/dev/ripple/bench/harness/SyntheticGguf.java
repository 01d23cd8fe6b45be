package dev.ripple.bench.harness;

import dev.ripple.placement.importer.gguf.GgmlType;
import dev.ripple.placement.importer.gguf.GgufVocabulary;
import dev.ripple.placement.synthetic.SyntheticDecoder;
import dev.ripple.placement.synthetic.SyntheticGgufWriter;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A generated decoder as one GGUF file, with the Llama 2 SentencePiece vocabulary or none,
 * streamed (a 7B Q4_0 file, 3.79 GB, wrote in 116 s with a 128 MiB heap in the slow test
 * {@code SyntheticGgufHeapTest}).
 *
 * @param file           the GGUF file
 * @param decoder        the shape and seed of its weights
 * @param type           the matrices' type
 * @param sizeBytes      the file's size
 * @param vocabularySize the vocabulary's tokens, 0 without one
 */
public record SyntheticGguf(Path file, SyntheticDecoder decoder, GgmlType type, long sizeBytes, int vocabularySize) {

    /**
     * Writes {@code decoder} to {@code file} under the model name {@code name}.
     *
     * @throws VocabularySizeException the vocabulary's tokens are not the decoder's embedding rows
     */
    public static SyntheticGguf write(
            SyntheticDecoder decoder, Path file, GgmlType type, SyntheticVocabulary vocabulary, String name)
            throws IOException {
        SyntheticGgufWriter.requireLlama(decoder); // first: a vocabulary's remedy would only lead here
        GgufVocabulary v = switch (vocabulary) {
            case NONE -> null;
            case LLAMA2 -> GgufVocabulary.fromSentencePieceJson(vocabulary.resource("tokenizer.json"));
            default ->
                throw new IllegalArgumentException(
                        "a GGUF file carries the llama2 vocabulary or none, not '" + vocabulary.label() + "'");
        };
        if (v != null && v.size() != decoder.vocabSize()) {
            throw new VocabularySizeException(
                    "the llama2 vocabulary has " + v.size() + " tokens and GGUF needs as many embedding rows; "
                            + "this model has " + decoder.vocabSize(),
                    v.size());
        }
        long size = SyntheticGgufWriter.write(decoder, file, type, v, name);
        return new SyntheticGguf(file, decoder, type, size, v == null ? 0 : v.size());
    }

    /**
     * A vocabulary that does not fit the decoder: GGUF keeps one embedding row per token. The
     * mismatch is kept apart from the remedy so that a front end can say the remedy with its own
     * options.
     */
    public static final class VocabularySizeException extends IllegalArgumentException {
        private final String mismatch;
        private final int tokens;

        VocabularySizeException(String mismatch, int tokens) {
            super(mismatch + " (give the decoder a vocabSize of " + tokens + " or no vocabulary)");
            this.mismatch = mismatch;
            this.tokens = tokens;
        }

        /** What does not fit, without the remedy. */
        public String mismatch() {
            return mismatch;
        }

        /** The vocabulary's tokens: the vocabulary size that would fit. */
        public int tokens() {
            return tokens;
        }
    }
}
