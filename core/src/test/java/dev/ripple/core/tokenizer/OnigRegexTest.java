package dev.ripple.core.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Oniguruma-to-java.util.regex translation, case by case, and the bounded matching that keeps a
 * hostile pattern from hanging the tokenizer. (RegexOracleTest compares whole patterns with the
 * oracle.)
 */
class OnigRegexTest {

    static List<String> matches(String pattern, String text) {
        List<String> out = new ArrayList<>();
        OnigRegex.compile(pattern).forEachMatch(text, (s, e) -> out.add(text.substring(s, e)));
        return out;
    }

    @Test
    void classesTakeOnigurumasUnicodeMeaning() {
        assertEquals(List.of("\u00a0\u3000\u2028\u0085"), matches("\\s+", "a\u00a0\u3000\u2028\u0085b"));
        assertEquals(List.of("12", "٣٤", "１２"), matches("\\d+", "x12y٣٤z１２"));
        assertEquals(List.of("héllo_x", "½"), matches("\\w+", "héllo_x ½ ·"));
        assertEquals(List.of("0fA9"), matches("\\h+", "xx 0fA9g"));
        assertEquals(List.of("ab", "cd"), matches("\\p{^N}+", "ab12cd"));
        assertEquals(List.of("中文"), matches("\\p{Han}+", "ab中文cd"));
        assertEquals(List.of("ab", "cé", "Ⅻ"), matches("[[:alpha:]]+", "ab1cé2Ⅻ3"));
    }

    @Test
    void syntaxThatJavaReadsOtherwiseIsTranslated() {
        assertEquals(List.of("aab", "b"), matches("a{,2}b", "xaaabyb"));
        assertEquals(List.of("x{y"), matches("x{y", "ax{yb"));
        assertEquals(
                List.of("1234567890"), matches("\\p{N}{1,3}+", "1234567890")); // a repeated interval, not possessive
        assertEquals(List.of("a\nb"), matches("(?m)a.b", "a\nb")); // Ruby's m is dotall
        assertEquals(List.of("a", "b"), matches("^a|b$", "ab\nba")); // line anchors
        assertEquals(List.of("'S", "'ſ", "'s"), matches("(?i:'s)", "'S 'ſ 's")); // Unicode case folding
        assertEquals(List.of("ab"), matches("a(?#comment)b", "xab"));
        assertEquals(List.of("]", "a"), matches("[]a]", "]a"));
        assertEquals(List.of(), matches("\\bt", "𝑏t")); // a supplementary letter is a word character behind \b
        assertEquals(List.of("t"), matches("\\Bt", "𝑏t"));
    }

    @Test
    void constructsWithoutAnEquivalentAreRefused() {
        for (String p : new String[] {"a\\Kb", "\\g<1>", "(?~abc)", "(?a)x", "\\y", "[a", "\\p{NoSuchScript}", "x\\"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnigRegex.compile(p), p);
            assertTrue(e.getMessage().contains("regex /"), e.getMessage());
        }
    }

    @Test
    void emptyMatchesAdvanceByACharacterAndNeverSplitAPair() {
        assertEquals(List.of("", "", "xx", "", ""), matches("x*", "abxxcd").subList(0, 5));
        for (String m : matches("\\p{Cs}*", "😀a😀")) {
            assertEquals("", m);
        }
    }

    @Test
    void catastrophicBacktrackingIsStoppedNotHung() {
        // java.util.regex memoizes simple nested repetition such as (a+)+b; these still explode without the budget
        String text = "a".repeat(40);
        for (String p : new String[] {"(?:a|a)*?b", "(.*a){25}", "(a*)+\\1b"}) {
            IllegalArgumentException e = assertTimeoutPreemptively(
                    Duration.ofSeconds(30), () -> assertThrows(IllegalArgumentException.class, () -> matches(p, text)));
            assertTrue(e.getMessage().contains("backtracks too much"), e.getMessage());
        }
    }

    @Test
    void deepRecursionInTheMatcherIsReportedNotThrownAsAnError() {
        String text = "ab".repeat(500_000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> matches("(?:a|b)+c", text));
        assertTrue(e.getMessage().contains("on a piece of"), e.getMessage());
    }

    @Test
    void scannersEqualTheirRegexes() {
        for (String pattern : new String[] {PreTokenizer.GPT2_PATTERN, Cl100kSplitter.LLAMA3, Cl100kSplitter.QWEN2}) {
            scannerEqualsRegex(pattern);
        }
    }

    private static void scannerEqualsRegex(String pattern) {
        OnigRegex regex = OnigRegex.compile(pattern);
        Patterns.TextPattern scanner = Cl100kSplitter.forPattern(pattern);
        List<String> texts = new ArrayList<>(TestTexts.EDGE_CASES);
        texts.addAll(TestTexts.random(0x5EED_0005L, 3000, 30));
        SplittableRandom r = new SplittableRandom(5);
        String alphabet = "aZ9' \t\n\r\u00a0\u3000\u2028!?.é１Ⅻ😀\u0301sStTrReEvVmMlLdDſ";
        for (int i = 0; i < 3000; i++) {
            StringBuilder b = new StringBuilder();
            for (int k = r.nextInt(30); k > 0; k--) {
                b.appendCodePoint(alphabet.codePointAt(
                        alphabet.offsetByCodePoints(0, r.nextInt(alphabet.codePointCount(0, alphabet.length())))));
            }
            texts.add(b.toString());
        }
        for (String s : texts) {
            List<String> expected = new ArrayList<>();
            Patterns.split(s, regex, false, Patterns.Behavior.ISOLATED, (p, start) -> expected.add(p));
            List<String> actual = new ArrayList<>();
            Patterns.split(s, scanner, false, Patterns.Behavior.ISOLATED, (p, start) -> actual.add(p));
            assertEquals(expected, actual, () -> pattern + " on " + OracleExactnessTest.escape(s));
        }
    }
}
