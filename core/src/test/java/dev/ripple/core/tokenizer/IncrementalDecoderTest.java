package dev.ripple.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.testing.Europarl;
import dev.ripple.core.tokenizer.TokenizerData.Vocab;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The streaming decoder: its pieces joined equal a full decode, for real encodings and for random
 * ids (partial characters, stray byte tokens, special tokens); no piece ends inside a character or
 * an open byte-fallback run; text arrives as soon as it is final.
 */
class IncrementalDecoderTest {
    static final long SEED = 0x5EED_0003L;

    static List<String> stream(Tokenizer t, int[] ids, boolean skip) {
        IncrementalDecoder d = t.newIncrementalDecoder(skip);
        List<String> pieces = new ArrayList<>();
        for (int id : ids) {
            pieces.add(d.push(id));
        }
        pieces.add(d.finish());
        return pieces;
    }

    static void assertWellFormed(List<String> pieces, String context) {
        for (String p : pieces) {
            if (!p.isEmpty()) {
                assertFalse(
                        Character.isLowSurrogate(p.charAt(0)), () -> context + ": a piece starts inside a character");
                assertFalse(
                        Character.isHighSurrogate(p.charAt(p.length() - 1)),
                        () -> context + ": a piece ends inside a character");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Vocab.class)
    void piecesJoinToTheFullDecodeOfRealText(Vocab v) {
        Tokenizer t = OracleExactnessTest.ours(v);
        List<String> texts = new ArrayList<>(TestTexts.EDGE_CASES);
        texts.addAll(TestTexts.random(SEED, 400, 25));
        texts.addAll(Europarl.lines(200));
        for (String text : texts) {
            int[] ids = t.encode(text, true);
            for (boolean skip : new boolean[] {true, false}) {
                List<String> pieces = stream(t, ids, skip);
                String full = t.decode(ids, skip);
                assertEquals(
                        full,
                        String.join("", pieces),
                        () -> v + ": streamed decode of " + OracleExactnessTest.escape(text));
                assertWellFormed(pieces, v + " " + OracleExactnessTest.escape(text));
                if (v.lossless() && full.indexOf('\uFFFD') < 0) {
                    for (String p : pieces) {
                        assertFalse(
                                p.indexOf('\uFFFD') >= 0,
                                () -> v + ": a piece of " + OracleExactnessTest.escape(text)
                                        + " has U+FFFD that the full decode has not: " + pieces);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Vocab.class)
    void piecesJoinToTheFullDecodeOfRandomIds(Vocab v) {
        Tokenizer t = OracleExactnessTest.ours(v);
        SplittableRandom r = new SplittableRandom(SEED + v.ordinal());
        int size = t.vocabSize();
        for (int i = 0; i < 2000; i++) {
            int[] ids = new int[1 + r.nextInt(20)];
            for (int k = 0; k < ids.length; k++) {
                ids[k] = r.nextInt(3) == 0 ? r.nextInt(Math.min(300, size)) : r.nextInt(size);
            }
            for (boolean skip : new boolean[] {true, false}) {
                List<String> pieces = stream(t, ids, skip);
                assertEquals(
                        t.decode(ids, skip),
                        String.join("", pieces),
                        () -> v + ": streamed decode of " + Arrays.toString(ids));
                assertWellFormed(pieces, v + " " + Arrays.toString(ids));
            }
        }
    }

    @Test
    void aByteLevelCharacterSplitOverTokensIsHeldUntilComplete() {
        Tokenizer t = OracleExactnessTest.ours(Vocab.GPT2);
        // GPT-2 has no token for "🦙", so its four bytes arrive as several tokens
        int[] ids = t.encode("a🦙b", false);
        assertTrue(ids.length >= 3, "expected the emoji to take more than one token: " + ids.length);
        List<String> pieces = stream(t, ids, true);
        assertEquals("a", pieces.get(0));
        int emojiAt = -1;
        for (int i = 1; i < pieces.size(); i++) {
            if (pieces.get(i).contains("🦙")) {
                emojiAt = i;
                break;
            }
            assertEquals("", pieces.get(i), "nothing is emitted while the character is incomplete");
        }
        assertTrue(emojiAt > 0);
        assertEquals("a🦙b", String.join("", pieces));
    }

    @Test
    void aByteFallbackRunIsHeldUntilItEnds() {
        Tokenizer t = OracleExactnessTest.ours(Vocab.LLAMA2);
        int[] ids = t.encode("x 🦙 y", false); // the llama emoji is not in the vocabulary: four <0x..> tokens
        List<String> tokens = new ArrayList<>();
        for (int id : ids) {
            tokens.add(t.token(id).orElseThrow());
        }
        assertTrue(tokens.contains("<0xF0>"), () -> "expected byte fallback tokens: " + tokens);
        List<String> pieces = stream(t, ids, true);
        for (int i = 0; i < ids.length; i++) {
            if (tokens.get(i).startsWith("<0x")) {
                assertEquals("", pieces.get(i), () -> "a byte token emitted text: " + pieces);
            }
        }
        assertEquals("x 🦙 y", String.join("", pieces));
    }

    @ParameterizedTest
    @EnumSource(
            value = Vocab.class,
            names = {"GPT2", "LLAMA2", "LLAMA3"})
    void wordsArriveAsTheirTokensArrive(Vocab v) {
        Tokenizer t = OracleExactnessTest.ours(v);
        int[] ids = t.encode("The Commission agrees with the Parliament", false);
        List<String> pieces = stream(t, ids, true);
        assertEquals("", pieces.get(pieces.size() - 1), "everything was final before finish()");
        for (int i = 0; i < ids.length; i++) {
            assertFalse(pieces.get(i).isEmpty(), "each whole-word token is final at once: " + pieces);
        }
    }

    @Test
    void aDecoderStartsOverAfterFinish() {
        Tokenizer t = OracleExactnessTest.ours(Vocab.LLAMA2);
        IncrementalDecoder d = t.newIncrementalDecoder(true);
        int[] ids = t.encode("Hello world", true);
        StringBuilder first = new StringBuilder();
        for (int id : ids) {
            first.append(d.push(id));
        }
        first.append(d.finish());
        StringBuilder second = new StringBuilder();
        for (int id : ids) {
            second.append(d.push(id));
        }
        second.append(d.finish());
        assertEquals("Hello world", first.toString());
        assertEquals("Hello world", second.toString());
    }
}
