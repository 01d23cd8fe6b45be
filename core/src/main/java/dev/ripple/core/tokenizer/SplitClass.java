package dev.ripple.core.tokenizer;

/**
 * The four character classes the hand-written GPT-2 and cl100k scanners ({@link Gpt2Splitter},
 * {@link Cl100kSplitter}) tile text by: {@code \p{L}}, {@code \p{N}}, Oniguruma's {@code \s}, and
 * everything else. Every code point is in exactly one, which is why one pass finds the matches.
 */
final class SplitClass {
    private SplitClass() {}

    static final int LETTER = 0;
    static final int NUMBER = 1;
    static final int SPACE = 2;
    static final int OTHER = 3;

    static int classOf(int cp) {
        if (cp < 128) {
            if (cp >= 'a' && cp <= 'z' || cp >= 'A' && cp <= 'Z') {
                return LETTER;
            }
            if (cp >= '0' && cp <= '9') {
                return NUMBER;
            }
            return cp == ' ' || cp >= 9 && cp <= 13 ? SPACE : OTHER;
        }
        if (Character.isLetter(cp)) {
            return LETTER;
        }
        if (Chars.isNumeric(cp)) {
            return NUMBER;
        }
        return isOnigSpace(cp) ? SPACE : OTHER;
    }

    /** Oniguruma's {@code \s}: tab to carriage return, U+0085 and the separators (Z*). */
    static boolean isOnigSpace(int cp) {
        if (cp >= 9 && cp <= 13 || cp == 0x85) {
            return true;
        }
        int t = Character.getType(cp);
        return t == Character.SPACE_SEPARATOR || t == Character.LINE_SEPARATOR || t == Character.PARAGRAPH_SEPARATOR;
    }

    /** End of the run of characters of class {@code cls} starting at {@code i}. */
    static int run(String s, int i, int n, int cls) {
        while (i < n) {
            int cp = s.codePointAt(i);
            if (classOf(cp) != cls) {
                break;
            }
            i += Character.charCount(cp);
        }
        return i;
    }
}
