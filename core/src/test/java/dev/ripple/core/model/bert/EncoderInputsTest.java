package dev.ripple.core.model.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.runtime.MappedFfn;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.RandomEncoders;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inputs an encoder refuses, each with a message that says what fits: an app embedding a long
 * text meets the position limit first, so that message names the tokenizer call that cuts a text
 * to it.
 */
class EncoderInputsTest {
    private static final int POSITIONS = 8;

    @TempDir
    Path dir;

    @Test
    void noIdsTooManyIdsAndAnIdOutsideTheVocabularyAreRefusedSayingWhatFits() throws Exception {
        Path file = dir.resolve("bert.ripple");
        RippleFileWriter.write(
                file,
                RandomEncoders.generate(new RandomEncoders.Shape(8, 12, 1, 2, 6, POSITIONS), 2, DType.F32)
                        .contents());
        try (RippleFile f = RippleFile.open(file)) {
            EncoderModel encoder = EncoderModel.load(f, MappedFfn.of(f));
            assertEquals(
                    "sequence of 0 tokens; this model takes 1..8",
                    assertThrows(IllegalArgumentException.class, () -> encoder.embed(new int[0]))
                            .getMessage());
            assertEquals(
                    "sequence of 9 tokens; this model takes 1..8: cut a long text as it is encoded,"
                            + " tokenizer.encode(text, true, 8)",
                    assertThrows(IllegalArgumentException.class, () -> encoder.embed(new int[POSITIONS + 1]))
                            .getMessage());
            assertEquals(
                    "token id 6 outside the vocabulary of 6",
                    assertThrows(IllegalArgumentException.class, () -> encoder.hiddenStates(new int[] {1, 6}))
                            .getMessage());
            assertEquals(8, encoder.embed(new int[POSITIONS]).length, "the longest sequence fits");
        }
    }
}
