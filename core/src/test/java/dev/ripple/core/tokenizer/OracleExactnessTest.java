package dev.ripple.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ripple.core.testing.Europarl;
import dev.ripple.core.tokenizer.TokenizerData.Vocab;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The pure Java tokenizer against Hugging Face's tokenizers library (the oracle, through DJL) on the
 * real vocabularies: ids for Europarl in eleven languages, code, numbers, edge cases and seeded
 * random Unicode, with and without special tokens; decoded text for real and random ids; and
 * decode(encode(x)) = x where the tokenizer is lossless. The slow variant takes every Europarl line.
 */
class OracleExactnessTest {
    static final long SEED = 0x5EED_0001L;
    private static final Map<Vocab, Tokenizer> OURS = new EnumMap<>(Vocab.class);
    private static final Map<Vocab, HfOracle> ORACLES = new EnumMap<>(Vocab.class);

    static synchronized Tokenizer ours(Vocab v) {
        return OURS.computeIfAbsent(v, Vocab::tokenizer);
    }

    static synchronized HfOracle oracle(Vocab v) {
        return ORACLES.computeIfAbsent(v, k -> HfOracle.of(k.tokenizerJson()));
    }

    @AfterAll
    static synchronized void closeOracles() {
        ORACLES.values().forEach(HfOracle::close);
        ORACLES.clear();
    }

    @ParameterizedTest
    @EnumSource(Vocab.class)
    void europarlIdsEqualTheOracle(Vocab v) {
        List<String> lines = Europarl.lines(8);
        assertIdsEqual(v, lines, true);
        assertIdsEqual(v, lines.subList(0, lines.size() / 4), false);
    }

    @ParameterizedTest
    @EnumSource(Vocab.class)
    void codeNumbersEdgeCasesAndRandomTextEqualTheOracle(Vocab v) {
        List<String> texts = new ArrayList<>(TestTexts.EDGE_CASES);
        texts.addAll(TestTexts.code(1000));
        texts.addAll(TestTexts.numbers(SEED, 300));
        texts.addAll(TestTexts.random(SEED + v.ordinal(), 1500, 30));
        assertIdsEqual(v, texts, true);
        assertIdsEqual(v, texts, false);
    }

    @ParameterizedTest
    @EnumSource(Vocab.class)
    void decodingEqualsTheOracle(Vocab v) {
        Tokenizer t = ours(v);
        HfOracle o = oracle(v);
        List<int[]> sequences = new ArrayList<>();
        for (String s : TestTexts.EDGE_CASES) {
            sequences.add(o.encode(s, true));
        }
        for (String s : TestTexts.random(SEED + 7, 500, 20)) {
            sequences.add(o.encode(s, true));
        }
        SplittableRandom r = new SplittableRandom(SEED + 11 + v.ordinal());
        int size = t.vocabSize();
        for (int i = 0; i < 1000; i++) { // random ids: partial characters, special tokens, stray byte tokens
            int[] ids = new int[1 + r.nextInt(12)];
            for (int k = 0; k < ids.length; k++) {
                ids[k] = r.nextInt(4) == 0 ? r.nextInt(Math.min(300, size)) : r.nextInt(size);
            }
            sequences.add(ids);
        }
        for (int[] ids : sequences) {
            for (boolean skip : new boolean[] {true, false}) {
                String expected = o.decode(ids, skip);
                String actual = t.decode(ids, skip);
                if (!expected.equals(actual)) {
                    fail(v + ": decode(" + Arrays.toString(ids) + ", skip=" + skip + ")\n  oracle: " + escape(expected)
                            + "\n  ours:   " + escape(actual));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Vocab.class,
            names = {"GPT2", "LLAMA2", "LLAMA3"})
    void decodeOfEncodeGivesTheTextBack(Vocab v) {
        Tokenizer t = ours(v);
        List<String> texts = new ArrayList<>(TestTexts.EDGE_CASES);
        texts.addAll(Europarl.lines(40));
        texts.addAll(TestTexts.code(300));
        texts.addAll(TestTexts.random(SEED + 3, 1000, 30));
        for (String s : texts) {
            if (v == Vocab.LLAMA2
                    && (s.contains("<s>") || s.contains("</s>") || s.contains("<unk>") || s.contains("\u2581"))) {
                continue; // its legacy normalizer prepends ▁ after an added token, and ▁ in the text decodes to a space
            }
            assertEquals(s, t.decode(t.encode(s, false), false), () -> v + ": round trip of " + escape(s));
        }
    }

    @Test
    void miniLmTruncatesAsTheOracle() {
        Tokenizer t = ours(Vocab.MINILM);
        try (HfOracle o = HfOracle.truncating(Vocab.MINILM.tokenizerJson(), 128)) {
            for (String s : Europarl.lines(20)) {
                int[] expected = o.encode(s, true);
                int[] actual = t.encode(s, true, 128);
                if (!Arrays.equals(expected, actual)) {
                    fail("MiniLM, max length 128: " + escape(s) + "\n  oracle: " + Arrays.toString(expected)
                            + "\n  ours:   " + Arrays.toString(actual));
                }
            }
        }
    }

    @Tag("slow")
    @ParameterizedTest
    @EnumSource(Vocab.class)
    void everyEuroparlLineEqualsTheOracle(Vocab v) {
        assertIdsEqual(v, Europarl.lines(1), true);
    }

    static void assertIdsEqual(Vocab v, List<String> texts, boolean addSpecialTokens) {
        Tokenizer t = ours(v);
        HfOracle o = oracle(v);
        int failures = 0;
        StringBuilder report = new StringBuilder();
        for (String s : texts) {
            int[] expected = o.encode(s, addSpecialTokens);
            int[] actual = t.encode(s, addSpecialTokens);
            if (!Arrays.equals(expected, actual)) {
                if (failures++ < 5) {
                    report.append("\n")
                            .append(v)
                            .append(", special tokens ")
                            .append(addSpecialTokens)
                            .append(": ")
                            .append(escape(s.length() > 300 ? s.substring(0, 300) + "..." : s))
                            .append("\n  first difference at id ")
                            .append(Arrays.mismatch(expected, actual))
                            .append("\n  oracle: ")
                            .append(describe(t, expected))
                            .append("\n  ours:   ")
                            .append(describe(t, actual));
                }
            }
        }
        if (failures > 0) {
            fail(failures + " of " + texts.size() + " texts differ from the oracle:" + report);
        }
    }

    static String describe(Tokenizer t, int[] ids) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < ids.length && i < 60; i++) {
            b.append(i == 0 ? "" : " ")
                    .append(ids[i])
                    .append('=')
                    .append(escape(t.token(ids[i]).orElse("?")));
        }
        return b.append(ids.length > 60 ? " ...]" : "]").toString();
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp >= 0x7F && cp < 0xA0 || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF || cp == 0x200B) {
                b.append(String.format("\\u%04x", cp));
            } else if (cp == '"' || cp == '\\') {
                b.append('\\').appendCodePoint(cp);
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.append('"').toString();
    }
}
