package dev.ripple.core.tokenizer;

import static dev.ripple.core.tokenizer.SplitClass.LETTER;
import static dev.ripple.core.tokenizer.SplitClass.NUMBER;
import static dev.ripple.core.tokenizer.SplitClass.OTHER;
import static dev.ripple.core.tokenizer.SplitClass.SPACE;
import static dev.ripple.core.tokenizer.SplitClass.classOf;
import static dev.ripple.core.tokenizer.SplitClass.run;

/**
 * The pre-tokenization pattern of Llama 3 and GPT-4 (cl100k),
 * {@code (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+},
 * and Qwen2's, the same with {@code \p{N}} for {@code \p{N}{1,3}}, as a hand-written scanner. Like
 * GPT-2's ({@link Gpt2Splitter}) the alternatives cover every character, so the matches tile the
 * text and one pass with the regex's leftmost-first choices finds them. Equal to the translated
 * regex on random text and to the oracle on every code point (tested); it replaces the regex when
 * a Split pattern is exactly one of these two.
 */
final class Cl100kSplitter implements Patterns.TextPattern {
    static final String LLAMA3 =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String QWEN2 =
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
                    + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private final int maxDigits;

    Cl100kSplitter(int maxDigits) {
        this.maxDigits = maxDigits;
    }

    /** The scanner for a pattern, or null when the pattern is not one this class implements. */
    static Patterns.TextPattern forPattern(String regex) {
        if (regex.equals(LLAMA3)) {
            return new Cl100kSplitter(3);
        }
        if (regex.equals(QWEN2)) {
            return new Cl100kSplitter(1);
        }
        if (regex.equals(PreTokenizer.GPT2_PATTERN)) {
            return (s, sink) -> Gpt2Splitter.split(s, (piece, start) -> sink.match(start, start + piece.length()));
        }
        return null;
    }

    @Override
    public void forEachMatch(String s, Patterns.MatchSink sink) {
        int n = s.length();
        int p = 0;
        while (p < n) {
            int end = matchAt(s, p, n);
            sink.match(p, end);
            p = end;
        }
    }

    private static boolean is(char c, char lower) {
        return c == lower || c == Character.toUpperCase(lower) || lower == 's' && c == '\u017F';
    }

    private int matchAt(String s, int p, int n) {
        char c = s.charAt(p);
        if (c == '\'' && p + 1 < n) { // (?i:'s|'t|'re|'ve|'m|'ll|'d)
            char a = s.charAt(p + 1);
            if (is(a, 's') || is(a, 't') || is(a, 'm') || is(a, 'd')) {
                return p + 2;
            }
            if (p + 2 < n) {
                char b = s.charAt(p + 2);
                if (is(a, 'r') && is(b, 'e') || is(a, 'v') && is(b, 'e') || is(a, 'l') && is(b, 'l')) {
                    return p + 3;
                }
            }
        }
        int cp = s.codePointAt(p);
        int cls = classOf(cp);
        int next = p + Character.charCount(cp);
        if (cls == LETTER) { // \p{L}+
            return run(s, next, n, LETTER);
        }
        if (cls != NUMBER && cp != '\r' && cp != '\n' && next < n && classOf(s.codePointAt(next)) == LETTER) {
            return run(s, next, n, LETTER); // [^\r\n\p{L}\p{N}]\p{L}+
        }
        if (cls == NUMBER) { // \p{N}{1,maxDigits}
            int end = next;
            for (int k = 1; k < maxDigits && end < n; k++) {
                int d = s.codePointAt(end);
                if (classOf(d) != NUMBER) {
                    break;
                }
                end += Character.charCount(d);
            }
            return end;
        }
        if (cls == OTHER
                || cp == ' ' && next < n && classOf(s.codePointAt(next)) == OTHER) { // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
            int end = run(s, cls == OTHER ? next : next + Character.charCount(s.codePointAt(next)), n, OTHER);
            while (end < n && (s.charAt(end) == '\r' || s.charAt(end) == '\n')) {
                end++;
            }
            return end;
        }
        // white space: \s*[\r\n]+ ends after the run's last newline; else \s+(?!\S), else \s+
        int q = run(s, next, n, SPACE);
        for (int k = q - 1; k >= p; k--) {
            char w = s.charAt(k);
            if (w == '\r' || w == '\n') {
                return k + 1;
            }
        }
        if (q == n) {
            return q;
        }
        int last = Character.charCount(s.codePointBefore(q));
        return q - last > p ? q - last : q;
    }
}
