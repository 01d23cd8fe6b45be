package dev.ripple.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.tokenizer.TokenizerData.Vocab;
import dev.ripple.core.tokenizer.TokenizerFormatException.Problem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Reading tokenizer files: every refusal is a {@link TokenizerFormatException} naming the file, the
 * field and the problem; the GPT-2 / OPT pair with and without a tokenizer_config.json; model
 * directories; the vocabulary API; and inputs that must neither hang nor exhaust memory.
 */
class TokenizerReaderTest {
    static final String TINY =
            "{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"b\":1,\"ab\":2},\"merges\":[\"a b\"]}}";

    static TokenizerFormatException refused(String json) {
        return assertThrows(
                TokenizerFormatException.class, () -> Tokenizer.fromJson(json.getBytes(StandardCharsets.UTF_8)));
    }

    static void assertRefused(String json, Problem problem, String field, String detail) {
        TokenizerFormatException e = refused(json);
        assertEquals(problem, e.problem(), e.getMessage());
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage().startsWith("tokenizer.json: " + field + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(detail), e.getMessage());
    }

    @Test
    void aTinyFileWorks() throws Exception {
        Tokenizer t = Tokenizer.fromJson(TINY.getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(new int[] {2, 0}, t.encode("aba"));
        assertEquals(3, t.vocabSize());
    }

    @Test
    void badFilesAreRefusedWithTheFieldAndTheReason() {
        assertRefused("{", Problem.MALFORMED, "(document)", "not JSON");
        assertRefused("[]", Problem.MALFORMED, "(document)", "expected a JSON object");
        assertRefused("{}", Problem.MALFORMED, "model", "missing");
        assertRefused("{\"model\":{\"type\":\"Unigram\",\"vocab\":[]}}", Problem.UNSUPPORTED, "model.type", "Unigram");
        assertRefused(
                "{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0},\"merges\":[\"a b\"]}}",
                Problem.INCONSISTENT,
                "model.merges[0]",
                "\"b\" is not in the vocabulary");
        assertRefused(
                "{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"b\":1},\"merges\":[\"a b\"]}}",
                Problem.INCONSISTENT,
                "model.merges[0]",
                "merged token \"ab\"");
        assertRefused(
                "{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"b\":1},\"merges\":[\"ab\"]}}",
                Problem.MALFORMED,
                "model.merges[0]",
                "separated by a space");
        assertRefused(
                "{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":-1},\"merges\":[]}}",
                Problem.MALFORMED,
                "model.vocab.a",
                "non-negative");
        assertRefused(
                "{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":1.5},\"merges\":[]}}",
                Problem.MALFORMED,
                "model.vocab.a",
                "non-negative integer");
        assertRefused(
                "{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":2000000000},\"merges\":[]}}",
                Problem.TOO_LARGE,
                "model.vocab.a",
                "above the supported maximum");
        assertRefused(
                TINY.replace("}}", "},\"normalizer\":{\"type\":\"Precompiled\"}}"),
                Problem.UNSUPPORTED,
                "normalizer.type",
                "Precompiled");
        assertRefused(
                TINY.replace(
                        "}}",
                        "},\"pre_tokenizer\":{\"type\":\"Split\",\"pattern\":{\"Regex\":\"a\\\\Kb\"},"
                                + "\"behavior\":\"Isolated\"}}"),
                Problem.UNSUPPORTED,
                "pre_tokenizer.pattern.Regex",
                "\\K");
        assertRefused(
                TINY.replace("}}", "},\"decoder\":{\"type\":\"CTC\"}}"), Problem.UNSUPPORTED, "decoder.type", "CTC");
        assertRefused(
                TINY.replace(
                        "}}",
                        "},\"post_processor\":{\"type\":\"TemplateProcessing\",\"single\":[{\"SpecialToken\":"
                                + "{\"id\":\"<s>\",\"type_id\":0}},{\"Sequence\":{\"id\":\"A\",\"type_id\":0}}]}}"),
                Problem.INCONSISTENT,
                "post_processor.single[0]",
                "\"<s>\" is not in");
        assertRefused(
                TINY.replace("}}", "},\"added_tokens\":[{\"content\":\"x\"}]}"),
                Problem.MALFORMED,
                "added_tokens[0].id",
                "missing");
        String deep = "{\"type\":\"Sequence\",\"normalizers\":[".repeat(40) + "{\"type\":\"NFC\"}" + "]}".repeat(40);
        assertRefused(
                TINY.replace("}}", "},\"normalizer\":" + deep + "}"),
                Problem.TOO_LARGE,
                "normalizer" + ".normalizers[0]".repeat(33),
                "nested deeper");
        String tooDeep = "[".repeat(5000) + "]".repeat(5000);
        assertEquals(Problem.TOO_LARGE, refused("{\"x\":" + tooDeep + "}").problem());
    }

    @Test
    void theGpt2PairReadsLikeGpt2sTokenizer(@TempDir Path dir) throws Exception {
        Path vocab = dir.resolve("vocab.json");
        Path merges = dir.resolve("merges.txt");
        Files.write(vocab, TokenizerData.bytes(TokenizerData.DIR + "gpt2/encoder.json"));
        Files.write(merges, TokenizerData.bytes(TokenizerData.DIR + "gpt2/vocab.bpe"));
        Tokenizer t = Tokenizer.fromVocabAndMerges(vocab, merges);
        assertArrayEquals(new int[] {15496, 995}, t.encode("Hello world"));
        assertEquals(OptionalInt.of(50256), t.bosId());
        assertEquals(OptionalInt.of(50256), t.eosId());
        assertTrue(t.isSpecial(50256));
        assertFalse(t.isSpecial(15496));
        assertArrayEquals(new int[] {50256}, t.encode("<|endoftext|>"));
        assertEquals(50257, t.vocabSize());
        assertEquals("Hello world", Tokenizer.fromDirectory(dir).decode(t.encode("Hello world"), true));
    }

    @Test
    void anOptConfigMakesEncodePrependItsBos(@TempDir Path dir) throws Exception {
        // OPT's tokenizer_config.json: </s> is BOS and EOS and is added before every sequence
        Files.write(dir.resolve("vocab.json"), TokenizerData.bytes(TokenizerData.DIR + "gpt2/encoder.json"));
        Files.write(dir.resolve("merges.txt"), TokenizerData.bytes(TokenizerData.DIR + "gpt2/vocab.bpe"));
        Files.writeString(
                dir.resolve("tokenizer_config.json"),
                "{\"add_bos_token\": true, \"add_prefix_space\": false,"
                        + " \"bos_token\": {\"__type\": \"AddedToken\", \"content\": \"</s>\", \"lstrip\": false, \"normalized\": true,"
                        + " \"rstrip\": false, \"single_word\": false}, \"eos_token\": \"</s>\", \"unk_token\": \"</s>\", \"pad_token\": \"<pad>\"}");
        Tokenizer t = Tokenizer.fromDirectory(dir);
        int bos = t.tokenId("</s>").orElseThrow();
        assertEquals(50257, bos); // not in GPT-2's vocabulary: the next id, as the Rust library assigns it
        assertEquals(OptionalInt.of(bos), t.bosId());
        assertEquals(OptionalInt.of(bos), t.eosId());
        assertArrayEquals(new int[] {bos, 15496, 995}, t.encode("Hello world"));
        assertArrayEquals(new int[] {15496, 995}, t.encode("Hello world", false));
        assertEquals("Hello world", t.decode(t.encode("Hello world"), true));
        assertEquals("</s>Hello world", t.decode(t.encode("Hello world"), false));
    }

    @Test
    void badMergesLinesAndVocabulariesAreRefused() {
        byte[] vocab = "{\"a\":0,\"b\":1,\"ab\":2}".getBytes(StandardCharsets.UTF_8);
        TokenizerFormatException e = assertThrows(
                TokenizerFormatException.class,
                () -> Tokenizer.fromVocabAndMerges(
                        vocab, "#version: 0.2\na b\na  b\n".getBytes(StandardCharsets.UTF_8), null));
        assertEquals("line 3", e.field(), e.getMessage());
        assertTrue(e.getMessage().startsWith("merges.txt: line 3: malformed"), e.getMessage());
        e = assertThrows(
                TokenizerFormatException.class,
                () -> Tokenizer.fromVocabAndMerges(
                        "[1]".getBytes(StandardCharsets.UTF_8), "a b\n".getBytes(StandardCharsets.UTF_8), null));
        assertTrue(e.getMessage().startsWith("vocab.json: "), e.getMessage());
        e = assertThrows(
                TokenizerFormatException.class,
                () -> Tokenizer.fromVocabAndMerges(vocab, "a c\n".getBytes(StandardCharsets.UTF_8), null));
        assertEquals(Problem.INCONSISTENT, e.problem());
    }

    /** An empty file (or /dev/null) is said once: before, the refusal was wrapped in a second "cannot read" one. */
    @Test
    void anEmptyFileIsSaidOnceNamingTheFile(@TempDir Path dir) throws Exception {
        Path empty = Files.createFile(dir.resolve("tokenizer.json"));
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> Tokenizer.fromJson(empty));
        assertEquals(empty + ": (document): malformed: empty document", e.getMessage());
        assertRefused(" \n", Problem.MALFORMED, "(document)", "empty document");
    }

    @Test
    void aDirectoryWithoutTokenizerFilesIsRefused(@TempDir Path dir) {
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> Tokenizer.fromDirectory(dir));
        assertTrue(e.getMessage().contains("neither tokenizer.json nor vocab.json + merges.txt"), e.getMessage());
    }

    @Test
    void vocabularyQueries() {
        Tokenizer t = OracleExactnessTest.ours(Vocab.LLAMA2);
        assertEquals(32000, t.vocabSize());
        assertEquals(OptionalInt.of(1), t.bosId());
        assertEquals(OptionalInt.of(2), t.eosId());
        assertEquals("<s>", t.token(1).orElseThrow());
        assertEquals(OptionalInt.of(1), t.tokenId("<s>"));
        assertTrue(t.token(-1).isEmpty());
        assertTrue(t.token(32000).isEmpty());
        assertTrue(t.tokenId("no such token").isEmpty());
        assertTrue(t.isSpecial(0) && t.isSpecial(1) && t.isSpecial(2));
        assertEquals(1, t.encode("Hello")[0]);
        Tokenizer m = OracleExactnessTest.ours(Vocab.MINILM);
        assertEquals(OptionalInt.of(128), m.maxLength());
        assertEquals(OptionalInt.of(101), m.bosId());
        assertEquals(OptionalInt.of(102), m.eosId());
        assertThrows(IllegalArgumentException.class, () -> m.encode("hello", true, 1));
        assertEquals(128, m.encode("word ".repeat(500), true, 128).length);
        Tokenizer l3 = OracleExactnessTest.ours(Vocab.LLAMA3);
        assertEquals(128256, l3.vocabSize());
        assertEquals(OptionalInt.of(128000), l3.bosId()); // from tokenizer_config.json: this file's encode adds no BOS
        assertEquals(OptionalInt.of(128001), l3.eosId());
    }

    @Test
    void loneSurrogatesAreReadAsReplacementCharacters() {
        Tokenizer t = OracleExactnessTest.ours(Vocab.LLAMA3);
        assertArrayEquals(t.encode("a\uFFFDb\uFFFD"), t.encode("a\uD800b\uDC00"));
    }

    @Test
    void aTenMegabyteLineIsEncodedInBoundedTime() {
        Tokenizer t = OracleExactnessTest.ours(Vocab.LLAMA3);
        StringBuilder b = new StringBuilder(10_500_000);
        SplittableRandom r = new SplittableRandom(10);
        String[] words = {"Parliament", " the", " 1234567", "\t\t", "   ", "😀", "中文", ",", " naïve", "\n"};
        while (b.length() < 10_000_000) {
            b.append(words[r.nextInt(words.length)]);
        }
        String line = b.toString();
        int[] ids = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> t.encode(line, false));
        assertEquals(line, t.decode(ids, false));
    }

    /** Ten-megabyte lines of one kind each, for every vocabulary: long words, long runs, no spaces. */
    @Tag("slow")
    @ParameterizedTest
    @EnumSource(Vocab.class)
    void tenMegabyteLinesOfEveryKind(Vocab v) {
        Tokenizer t = OracleExactnessTest.ours(v);
        for (String unit : new String[] {"a", "7", " ", "\t ", "中", ".", "😀", "é"}) {
            String line = unit.repeat(10_000_000 / unit.length());
            int[] ids = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> t.encode(line, false), unit);
            assertTrue(ids.length > 0 || unit.isBlank(), unit); // BERT drops white space
            if (v.lossless()) {
                assertEquals(line, t.decode(ids, false));
            }
        }
    }
}
