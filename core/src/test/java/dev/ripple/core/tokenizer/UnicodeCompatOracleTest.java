package dev.ripple.core.tokenizer;

import static org.junit.jupiter.api.Assertions.fail;

import dev.ripple.core.tokenizer.UnicodeCompatGenerator.Probe;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Character by character, each Unicode-dependent component of this tokenizer against the oracle:
 * the normalizers (NFC, NFD, NFKC, NFKD, Lowercase, StripAccents, the BERT normalizer's parts) through
 * a model whose ids are the normalized bytes, and the pre-tokenizers (BERT, Punctuation, Digits,
 * Whitespace, WhitespaceSplit, the byte-level patterns of GPT-2 and Llama 3, Oniguruma's classes) by
 * their pieces. The default run takes every second of the first 2,048 code points, every 127th
 * after them, and every code point of {@link UnicodeCompat}'s tables; the slow run takes all
 * 1,112,064. A failure after a JDK upgrade means the tables need {@link UnicodeCompatGenerator}.
 */
class UnicodeCompatOracleTest {

    private static final String[] NORMALIZERS = {
        "{\"type\":\"NFC\"}",
        "{\"type\":\"NFD\"}",
        "{\"type\":\"NFKC\"}",
        "{\"type\":\"NFKD\"}",
        "{\"type\":\"Lowercase\"}",
        "{\"type\":\"StripAccents\"}",
        "{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"NFD\"},{\"type\":\"StripAccents\"}]}",
        UnicodeCompatGenerator.bert(true, false),
        UnicodeCompatGenerator.bert(false, true),
        "{\"type\":\"BertNormalizer\",\"clean_text\":true,\"handle_chinese_chars\":true,\"strip_accents\":null,\"lowercase\":true}",
        "{\"type\":\"Strip\",\"strip_left\":true,\"strip_right\":true}"
    };
    private static final String[] PRE_TOKENIZERS = {
        "{\"type\":\"BertPreTokenizer\"}",
        "{\"type\":\"Punctuation\",\"behavior\":\"Isolated\"}",
        "{\"type\":\"Digits\",\"individual_digits\":false}",
        "{\"type\":\"Whitespace\"}",
        "{\"type\":\"WhitespaceSplit\"}",
        "{\"type\":\"Split\",\"pattern\":{\"Regex\":\"" + PreTokenizer.GPT2_PATTERN.replace("\\", "\\\\")
                + "\"},\"behavior\":\"Isolated\",\"invert\":false}",
        "{\"type\":\"Split\",\"pattern\":{\"Regex\":\"\\\\s+|\\\\w+|\\\\d|\\\\h\"},\"behavior\":\"Isolated\",\"invert\":false}",
        "{\"type\":\"Split\",\"pattern\":{\"Regex\":\"[[:word:]]+|[[:punct:]]|[^\\\\W\\\\d]|[[:print:]&&\\\\S]\"},\"behavior\":\"Isolated\",\"invert\":false}",
        "{\"type\":\"Split\",\"pattern\":{\"Regex\":\"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\\\r\\\\n\\\\p{L}\\\\p{N}]?\\\\p{L}+|\\\\p{N}{1,3}| ?[^\\\\s\\\\p{L}\\\\p{N}]+[\\\\r\\\\n]*|\\\\s*[\\\\r\\\\n]+|\\\\s+(?!\\\\S)|\\\\s+\"},\"behavior\":\"Isolated\",\"invert\":false}"
    };

    /** The scalar code points a run takes, in order: the default sample, or all of them. */
    static int[] sample(boolean all) {
        return all
                ? IntStream.rangeClosed(0, 0x10FFFF)
                        .filter(UnicodeCompatGenerator::isScalar)
                        .toArray()
                : Sample.DEFAULT;
    }

    /**
     * The default sample, chosen once per JVM: picking it tests every code point against the tables,
     * which would otherwise cost as much per component as some components' checks.
     */
    private static final class Sample {
        static final int[] DEFAULT = chooseDefault();

        private static int[] chooseDefault() {
            int[][] tables = {
                UnicodeCompat.PUNCTUATION,
                UnicodeCompat.CONTROL,
                UnicodeCompat.MARK,
                UnicodeCompat.NFC_OPAQUE,
                UnicodeCompat.NFD_OPAQUE,
                UnicodeCompat.NFKD_OPAQUE,
                UnicodeCompat.NFKC_OPAQUE,
                UnicodeCompat.NONSPACING_MARK
            };
            return IntStream.rangeClosed(0, 0x10FFFF)
                    .filter(UnicodeCompatGenerator::isScalar)
                    .filter(cp -> cp % 127 == 0
                            || cp < 0x800 && cp % 2 == 0
                            || Arrays.stream(tables).anyMatch(t -> Arrays.binarySearch(t, cp) >= 0))
                    .toArray();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void normalizerAgreesWithTheOracle(int which) throws Exception {
        checkNormalizer(NORMALIZERS[which], sample(false));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8})
    void preTokenizerAgreesWithTheOracle(int which) throws Exception {
        checkPreTokenizer(PRE_TOKENIZERS[which], sample(false));
    }

    @Tag("slow")
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void normalizerAgreesOnEveryCodePoint(int which) throws Exception {
        checkNormalizer(NORMALIZERS[which], sample(true));
    }

    @Tag("slow")
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8})
    void preTokenizerAgreesOnEveryCodePoint(int which) throws Exception {
        checkPreTokenizer(PRE_TOKENIZERS[which], sample(true));
    }

    private static void checkNormalizer(String normalizer, int[] codePoints) throws Exception {
        StringBuilder v = new StringBuilder();
        for (int b = 0; b < 256; b++) {
            v.append(b == 0 ? "" : ",").append(String.format("\"<0x%02X>\":%d", b, b));
        }
        String json = "{\"version\":\"1.0\",\"normalizer\":" + normalizer + ",\"model\":{\"type\":\"BPE\",\"vocab\":{"
                + v + "},\"merges\":[],\"byte_fallback\":true}}";
        Tokenizer ours = Tokenizer.fromJson(json.getBytes(StandardCharsets.UTF_8));
        try (Probe oracle = Probe.normalizer(normalizer)) {
            assertSameOnEveryCodePoint(
                    normalizer,
                    codePoints,
                    c -> new String[] {"a" + c + "b", " " + c + "\u0301 ", " \u0301" + c + " "},
                    oracle::normalize,
                    s -> new String(bytes(ours.encode(s, false)), StandardCharsets.UTF_8),
                    OracleExactnessTest::escape);
        }
    }

    private static byte[] bytes(int[] ids) {
        byte[] b = new byte[ids.length];
        for (int i = 0; i < ids.length; i++) {
            b[i] = (byte) ids[i];
        }
        return b;
    }

    private static void checkPreTokenizer(String preTokenizer, int[] codePoints) throws Exception {
        String json = "{\"version\":\"1.0\",\"model\":{\"type\":\"WordLevel\",\"vocab\":{\"[UNK]\":0},"
                + "\"unk_token\":\"[UNK]\"},\"pre_tokenizer\":" + preTokenizer + "}";
        Tokenizer ours = Tokenizer.fromJson(json.getBytes(StandardCharsets.UTF_8));
        try (Probe oracle = Probe.pieces(preTokenizer)) {
            assertSameOnEveryCodePoint(
                    preTokenizer,
                    codePoints,
                    c -> new String[] {"a" + c + "a", "1" + c + "!", " " + c + c + "x", c + " 's", "'" + c + "x\n" + c},
                    oracle::split,
                    ours::pieces,
                    String::valueOf);
        }
    }

    /** What a component makes of a text. */
    @FunctionalInterface
    private interface Outcome<T> {
        T of(String text) throws Exception;
    }

    /**
     * Runs the oracle and ours on each context {@code contexts} builds around every code point of
     * {@code codePoints} (given as a string), and fails with the first ten differences.
     */
    private static <T> void assertSameOnEveryCodePoint(
            String component,
            int[] codePoints,
            Function<String, String[]> contexts,
            Outcome<T> oracle,
            Outcome<T> ours,
            Function<T, String> show)
            throws Exception {
        List<String> failures = new ArrayList<>();
        for (int cp : codePoints) {
            for (String s : contexts.apply(Character.toString(cp))) {
                T expected = oracle.of(s);
                T actual = ours.of(s);
                if (!expected.equals(actual) && failures.size() < 10) {
                    failures.add(String.format(
                            "U+%04X in %s: oracle %s, ours %s",
                            cp, OracleExactnessTest.escape(s), show.apply(expected), show.apply(actual)));
                }
            }
        }
        if (!failures.isEmpty()) {
            fail(component + " differs from the oracle:\n  " + String.join("\n  ", failures));
        }
    }
}
