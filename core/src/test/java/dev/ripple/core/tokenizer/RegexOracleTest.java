package dev.ripple.core.tokenizer;

import static org.junit.jupiter.api.Assertions.fail;

import dev.ripple.core.tokenizer.UnicodeCompatGenerator.Probe;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Split patterns written for Oniguruma, as this library translates them to java.util.regex, against
 * the oracle: the pre-tokenization patterns of real model families (GPT-2, Llama 3 and GPT-4, Qwen2,
 * GPT-4o, DeepSeek-V3, a possessive variant) and the syntax that differs between the two engines
 * (look-behind, atomic groups, {@code {,n}} and {@code {n,m}+}, literal braces, option letters, anchors, {@code \h},
 * POSIX brackets, negated properties, scripts, named groups, comments, word boundaries), on edge
 * cases and seeded random Unicode text, with every split behaviour.
 */
class RegexOracleTest {
    static final String[] PATTERNS = {
        PreTokenizer.GPT2_PATTERN,
        "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
        "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
        "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
                + "|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?"
                + "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
        "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\\r\\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\\r\\n]*"
                + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
        "[一-龥぀-ゟ゠-ヿ]+",
        "[^\\r\\n\\p{L}\\p{N}]?+\\p{L}++|\\p{N}{1,3}+| ?[^\\s\\p{L}\\p{N}]++[\\r\\n]*+|\\s++$|\\s*[\\r\\n]|\\s+(?!\\S)|\\s",
        "(?<=a)b|(?<!c)d|(?>e+)f|g{,2}h|x{y|z{2,}",
        "(?i)the|(?i:s)|(?m)a.b|(?-i:The)|^\\s+|\\s+$|^.|.$",
        "\\h+|[[:alpha:]]+|\\p{^L}+|[[:^digit:][:space:]]",
        "(?<word>\\w+)(?#a comment)|[]a-c]|\\x41|\\x{1F600}|\\u00e9|\\p{Han}+|\\p{Hiragana}+|\\P{L}{2}",
        "[\\p{L}&&[^a-z]]+|[\\w&&\\p{Lu}]|\\bthe\\b|\\Bs|\\w+(?=!)|\\d+(?!\\.)",
        "\\s|\\S|\\W|\\D|\\H|[^\\s]|[\\s\\S]{3}",
    };

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void splitsLikeOniguruma(int which) throws Exception {
        String pattern = PATTERNS[which];
        String[] behaviors = {"Isolated", "Removed", "MergedWithPrevious", "MergedWithNext", "Contiguous"};
        List<String> texts = new ArrayList<>(TestTexts.EDGE_CASES);
        texts.addAll(TestTexts.random(0x5EED_0004L + which, 300, 20));
        texts.addAll(List.of(
                "theThe THE the's ThE'S'Ss ßSS",
                "aab cd eeef gh gggh x{y zz zzz",
                "a\nb\na.b\nab",
                "  lead and trail  ",
                "the!there!! 12.5 12 12.",
                "AbC123def_ghi",
                "漢字かなカナ漢字"));
        List<String> failures = new ArrayList<>();
        for (String behavior : behaviors) {
            for (boolean invert : new boolean[] {false, true}) {
                String pre = "{\"type\":\"Split\",\"pattern\":{\"Regex\":" + quote(pattern) + "},\"behavior\":\""
                        + behavior + "\",\"invert\":" + invert + "}";
                String json = "{\"version\":\"1.0\",\"model\":{\"type\":\"WordLevel\",\"vocab\":{\"[UNK]\":0},"
                        + "\"unk_token\":\"[UNK]\"},\"pre_tokenizer\":" + pre + "}";
                Tokenizer ours = Tokenizer.fromJson(json.getBytes(StandardCharsets.UTF_8));
                try (Probe oracle = Probe.pieces(pre)) {
                    for (String s : texts) {
                        List<String> expected = oracle.split(s);
                        List<String> actual = ours.pieces(s);
                        if (!expected.equals(actual) && failures.size() < 8) {
                            failures.add(behavior + (invert ? " inverted" : "") + " on " + OracleExactnessTest.escape(s)
                                    + "\n    oracle " + expected + "\n    ours   " + actual);
                        }
                    }
                }
            }
        }
        if (!failures.isEmpty()) {
            fail("/" + pattern + "/ (as " + OnigRegex.translate(pattern) + "):\n  " + String.join("\n  ", failures));
        }
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
