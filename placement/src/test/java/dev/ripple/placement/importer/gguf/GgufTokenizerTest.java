package dev.ripple.placement.importer.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.tokenizer.ChatFormat;
import dev.ripple.core.tokenizer.Tokenizer;
import dev.ripple.placement.importer.ModelFormatException;
import dev.ripple.placement.importer.UnsupportedModelException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * GGUF vocabularies become tokenizer.json files that tokenize exactly like the originals: the Llama
 * 2-style SentencePiece vocabulary (scores derived from its merge ranks, merges derived back from
 * the scores), GPT-2's byte-level vocabulary and the Llama 3 one, each on 1,100 Europarl lines in
 * about eleven languages plus edge cases (all 17,597 lines in the slow run), ids with and without
 * special tokens and decoded text.
 */
class GgufTokenizerTest {
    static final List<String> EDGE_CASES = List.of(
            "",
            " ",
            "  ",
            "\n",
            "Hello world",
            "Hello  world\n\n\nBye",
            "don't I'll we've",
            "1234567890 3.14159",
            "café naïve Ångström",
            "Привет, мир!",
            "こんにちは世界",
            "你好，世界！",
            "😀 👍🏽 👨‍👩‍👧‍👦",
            "<s>Hello</s>",
            " <s>",
            "<unk>",
            "<|begin_of_text|>Hi<|eot_id|>",
            "<|endoftext|>x",
            "<0x41> <0xE2>",
            "▁▁ ▁a",
            "\t tab",
            "a\u0000b",
            "x" + " ".repeat(40) + "y");

    /** Every 16th Europarl line in the default run. */
    static final int STEP = 16;

    @TempDir
    Path dir;

    /** Where the unedited vocabularies are converted, once for the class. */
    @TempDir
    static Path sharedDir;

    /** The conversions of the unedited Llama 2 and GPT-2 vocabularies, by name: several tests start from them. */
    private static final Map<String, Tokenizer> UNEDITED = new HashMap<>();

    /** Every Europarl line (17,597) for each of the three vocabularies. */
    @Test
    @Tag("slow")
    void everyEuroparlLineOfEveryVocabulary() throws IOException {
        assertSame(llama2Original(), llama2Converted(), true, 1);
        assertSame(gpt2Original(), gpt2Converted(), true, 1);
        assertSame(llama3Original(), convert(GgufVocabularies.llama3(new GgufTestWriter())), false, 1);
    }

    @Test
    void sentencePieceVocabularyTokenizesLikeItsTokenizerJson() throws IOException {
        Tokenizer converted = llama2Converted();
        assertSame(llama2Original(), converted, true, STEP);
        assertEquals(1, converted.bosId().orElseThrow());
        assertEquals(2, converted.eosId().orElseThrow());
        assertEquals(32000, converted.vocabSize());
    }

    @Test
    void gpt2VocabularyTokenizesLikeItsFiles() throws IOException {
        Tokenizer converted = gpt2Converted();
        assertSame(gpt2Original(), converted, true, STEP);
        assertEquals(50256, converted.eosId().orElseThrow());
    }

    @Test
    void llama3VocabularyTokenizesLikeItsTokenizerJson() throws Exception {
        Tokenizer converted = convert(GgufVocabularies.llama3(new GgufTestWriter()));
        // This tokenizer.json adds no BOS (TOKENIZER.md); llama.cpp adds it for Llama 3, and so does the conversion.
        assertSame(llama3Original(), converted, false, STEP);
        assertArrayEquals(new int[] {128000, 9906, 1917}, converted.encode("Hello world"));
        assertEquals(128009, converted.eosId().orElseThrow());
        assertEquals(ChatFormat.LLAMA3, converted.chatFormat());
        assertEquals(128256, converted.vocabSize());
    }

    @Test
    void otherPreTokenizersBuildAndRoundTrip() throws IOException {
        Map<String, GgufTokenizer.Converted> byPre = new HashMap<>();
        for (String pre : List.of("default", "qwen2")) {
            GgufTokenizer.Converted c =
                    converted(GgufVocabularies.gpt2(new GgufTestWriter()).putString("tokenizer.ggml.pre", pre));
            byPre.put(pre, c);
            Tokenizer t = c.tokenizer();
            for (String text : EDGE_CASES) {
                assertEquals(text, t.decode(t.encode(text, false), false), pre + ": " + text);
            }
        }
        // llama.cpp's default splits digits and punctuation runs on their own first
        Tokenizer def = byPre.get("default").tokenizer();
        assertFalse(Arrays.equals(gpt2Converted().encode("a...b 2024!!"), def.encode("a...b 2024!!")));
        GgufTokenizer.Files qwen = byPre.get("qwen2").files();
        assertTrue(
                new String(qwen.tokenizerJson(), StandardCharsets.UTF_8).contains("\"normalizer\":{\"type\":\"NFC\"}"));
    }

    @Test
    void spaceprefixAndUserDefinedTokens() throws IOException {
        GgufTestWriter w =
                GgufVocabularies.llama2(new GgufTestWriter()).putBool("tokenizer.ggml.add_space_prefix", false);
        Tokenizer t = convert(w);
        int[] with = llama2Converted().encode("Hello", false);
        int[] without = t.encode("Hello", false);
        assertEquals("▁Hello", t.token(with[0]).orElseThrow());
        assertFalse(Arrays.equals(with, without));
        assertEquals("Hello", t.decode(without, true));
        // a user-defined token is matched whole but is not special (decode keeps it when skipping specials)
        String[] tokens = smallVocabulary();
        int[] types = new int[tokens.length];
        Arrays.fill(types, GgufTokenizer.NORMAL);
        types[3] = GgufTokenizer.USER_DEFINED;
        Tokenizer u = convert(gpt2Model()
                .putStrings("tokenizer.ggml.tokens", tokens)
                .putInts("tokenizer.ggml.token_type", types)
                .putStrings("tokenizer.ggml.merges", "a b"));
        assertArrayEquals(new int[] {0, 3, 1}, u.encode("a<tool>b"));
        assertEquals("a<tool>b", u.decode(u.encode("a<tool>b"), true));
        assertFalse(u.isSpecial(3));
    }

    @Test
    void inconsistentOrUnknownVocabulariesAreRefusedByName() throws IOException {
        GgufTestWriter w = GgufVocabularies.gpt2(new GgufTestWriter()).putString("tokenizer.ggml.pre", "deepseek-llm");
        UnsupportedModelException u = assertThrows(UnsupportedModelException.class, () -> files(w));
        assertTrue(u.getMessage().contains("'deepseek-llm'") && u.getMessage().contains("llama-bpe"), u.getMessage());
        assertTrue(assertThrows(
                        UnsupportedModelException.class,
                        () -> files(new GgufTestWriter().putString("tokenizer.ggml.model", "t5")))
                .getMessage()
                .contains("'t5'"));
        String[] tokens = smallVocabulary();
        GgufTestWriter base = new GgufTestWriter()
                .putString("tokenizer.ggml.model", "llama")
                .putStrings("tokenizer.ggml.tokens", tokens);
        expect(
                () -> files(base.putInts("tokenizer.ggml.token_type", 1, 1)),
                "metadata 'tokenizer.ggml.token_type'",
                "2 entries for 5 tokens");
        base.remove("tokenizer.ggml.token_type");
        expect(
                () -> files(base.putU32("tokenizer.ggml.bos_token_id", 5)),
                "metadata 'tokenizer.ggml.bos_token_id'",
                "outside the 5 tokens");
        base.remove("tokenizer.ggml.bos_token_id");
        expect(() -> files(base), "metadata 'tokenizer.ggml.add_bos_token'", "bos_token_id is missing");
        expect(
                () -> files(gpt2Model()
                        .putStrings("tokenizer.ggml.tokens", tokens)
                        .putStrings("tokenizer.ggml.merges", "ab")),
                "metadata 'tokenizer.ggml.merges'[0]",
                "not two tokens");
        expect(
                () -> files(gpt2Model().putFloats("tokenizer.ggml.tokens", 1f)),
                "metadata 'tokenizer.ggml.tokens'",
                "expected an array of strings");
        expect(
                () -> files(gpt2Model()
                        .putStrings("tokenizer.ggml.tokens", tokens)
                        .putStrings("tokenizer.ggml.merges", "a zz")),
                "tokenizer.ggml.*",
                "\"zz\" is not in the vocabulary");
        try (GgufFile f = open(new GgufTestWriter().putString("tokenizer.ggml.model", "no_vocab"))) {
            assertTrue(GgufTokenizer.convert(f).isEmpty());
        }
    }

    /** The merges derived from scores: splits of one token by part ids, all by score, ties in id order. */
    @Test
    void mergesFromScoresFollowTheConvertersOrder() {
        String[] tokens = {"a", "b", "c", "ab", "bc", "abc", "ca"};
        float[] scores = {0, 0, 0, -2, -1, -3, -1};
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < tokens.length; i++) {
            ids.put(tokens[i], i);
        }
        List<String> merges = new ArrayList<>();
        for (String[] m : GgufTokenizer.mergesFromScores(tokens, scores, ids)) {
            merges.add(m[0] + " " + m[1]);
        }
        // bc and ca tie at -1 (id order); abc splits as (a, bc) [ids 0, 4] and (ab, c) [3, 2]: by left id
        assertEquals(List.of("b c", "c a", "a b", "a bc", "ab c"), merges);
    }

    private static Tokenizer llama2Original() throws IOException {
        return Tokenizer.fromJson(
                GgufVocabularies.resource(GgufVocabularies.DIR + "llama2/tokenizer.json"),
                GgufVocabularies.resource(GgufVocabularies.DIR + "llama2/tokenizer_config.json"));
    }

    private static Tokenizer gpt2Original() throws IOException {
        return Tokenizer.fromVocabAndMerges(
                GgufVocabularies.resource(GgufVocabularies.DIR + "gpt2/encoder.json"),
                GgufVocabularies.resource(GgufVocabularies.DIR + "gpt2/vocab.bpe"),
                null);
    }

    private static Tokenizer llama3Original() throws IOException {
        return Tokenizer.fromJson(
                GgufVocabularies.resource(GgufVocabularies.DIR + "llama3/tokenizer.json"),
                GgufVocabularies.resource(GgufVocabularies.DIR + "llama3/tokenizer_config.json"));
    }

    private static String[] smallVocabulary() {
        return new String[] {"a", "b", "ab", "<tool>", "Ġ"};
    }

    private void expect(Executable e, String part, String detail) {
        ModelFormatException m = assertThrows(ModelFormatException.class, e);
        assertEquals(part, m.part(), m.getMessage());
        assertTrue(m.getMessage().contains(detail), m.getMessage());
    }

    private GgufFile open(GgufTestWriter w) throws IOException {
        Path p = dir.resolve("vocab.gguf");
        w.write(p);
        return GgufFile.open(p);
    }

    private GgufTokenizer.Files files(GgufTestWriter w) throws IOException {
        try (GgufFile f = open(w)) {
            return GgufTokenizer.convert(f).orElseThrow();
        }
    }

    /** The tokenizer the conversion read back from the files it wrote (Tokenizer.fromJson on them). */
    private Tokenizer convert(GgufTestWriter w) throws IOException {
        return converted(w).tokenizer();
    }

    /** The files the conversion wrote and the tokenizer it read back from them. */
    private GgufTokenizer.Converted converted(GgufTestWriter w) throws IOException {
        return converted(dir.resolve("vocab.gguf"), w);
    }

    private static GgufTokenizer.Converted converted(Path file, GgufTestWriter w) throws IOException {
        w.write(file);
        try (GgufFile f = GgufFile.open(file)) {
            return GgufTokenizer.convertAndRead(f).orElseThrow();
        }
    }

    /** The unedited Llama 2 vocabulary, converted once for the class. */
    private static Tokenizer llama2Converted() throws IOException {
        return unedited("llama2", GgufVocabularies::llama2);
    }

    /** The unedited GPT-2 vocabulary, converted once for the class. */
    private static Tokenizer gpt2Converted() throws IOException {
        return unedited("gpt2", GgufVocabularies::gpt2);
    }

    /** One of {@link GgufVocabularies}' builders. */
    private interface Vocabulary {
        GgufTestWriter into(GgufTestWriter w) throws IOException;
    }

    private static synchronized Tokenizer unedited(String name, Vocabulary vocabulary) throws IOException {
        Tokenizer t = UNEDITED.get(name);
        if (t == null) {
            t = converted(sharedDir.resolve(name + ".gguf"), vocabulary.into(new GgufTestWriter()))
                    .tokenizer();
            UNEDITED.put(name, t);
        }
        return t;
    }

    /** Ids without special tokens (and with them when both add the same) and decoded text, on edge cases and Europarl. */
    private static void assertSame(Tokenizer original, Tokenizer converted, boolean compareSpecials, int europarlStep) {
        List<String> texts = new ArrayList<>(EDGE_CASES);
        texts.addAll(GgufVocabularies.europarl(europarlStep));
        for (String text : texts) {
            int[] expected = original.encode(text, false);
            int[] actual = converted.encode(text, false);
            assertArrayEquals(expected, actual, () -> "\"" + text + "\"");
            if (compareSpecials) {
                assertArrayEquals(
                        original.encode(text), converted.encode(text), () -> "with specials: \"" + text + "\"");
            }
            assertEquals(
                    original.decode(expected, false),
                    converted.decode(actual, false),
                    () -> "decode: \"" + text + "\"");
        }
        assertTrue(texts.size() > 17_597 / europarlStep, texts.size() + " texts");
    }

    /** A writer holding only a GPT-2 byte-level model's name and pre-tokenizer, for vocabularies built here. */
    private static GgufTestWriter gpt2Model() {
        return new GgufTestWriter().putString("tokenizer.ggml.model", "gpt2").putString("tokenizer.ggml.pre", "gpt-2");
    }
}
