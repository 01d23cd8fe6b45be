package dev.ripple.core.tokenizer;

/**
 * The character classes of the Rust library, by code point: Rust's {@code char} methods and the
 * Unicode classes of its {@code regex} crate, which several components test characters with.
 */
final class Chars {
    private Chars() {}

    /** Rust {@code char::is_whitespace}: the Unicode White_Space property. */
    static boolean isWhitespace(int cp) {
        return switch (cp) {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
            default -> cp >= 0x2000 && cp <= 0x200A;
        };
    }

    /** Rust {@code char::is_numeric}: general categories Nd, Nl, No. */
    static boolean isNumeric(int cp) {
        int t = Character.getType(cp);
        return t == Character.DECIMAL_DIGIT_NUMBER || t == Character.LETTER_NUMBER || t == Character.OTHER_NUMBER;
    }

    /** Punctuation as the BERT and Punctuation pre-tokenizers of the Rust library see it ({@link UnicodeCompat}). */
    static boolean isPunctuation(int cp) {
        return UnicodeCompat.isPunctuation(cp);
    }

    /** The regex crate's Unicode {@code \w}: Alphabetic, marks, decimal digits, connector punctuation, Join_Control. */
    static boolean isWordChar(int cp) {
        if (cp < 128) {
            return cp >= 'a' && cp <= 'z' || cp >= 'A' && cp <= 'Z' || cp >= '0' && cp <= '9' || cp == '_';
        }
        if (Character.isAlphabetic(cp) || cp == 0x200C || cp == 0x200D) {
            return true;
        }
        int t = Character.getType(cp);
        return t == Character.NON_SPACING_MARK
                || t == Character.COMBINING_SPACING_MARK
                || t == Character.ENCLOSING_MARK
                || t == Character.DECIMAL_DIGIT_NUMBER
                || t == Character.CONNECTOR_PUNCTUATION;
    }

    /** The BERT normalizer's control test ({@link UnicodeCompat}): Cc, Cf, Co as the Rust library's tables have them. */
    static boolean isOther(int cp) {
        return UnicodeCompat.isControl(cp);
    }

    /** The CJK ideograph blocks the BERT normalizer surrounds with spaces. */
    static boolean isChineseChar(int cp) {
        return cp >= 0x4E00 && cp <= 0x9FFF
                || cp >= 0x3400 && cp <= 0x4DBF
                || cp >= 0x20000 && cp <= 0x2A6DF
                || cp >= 0x2A700 && cp <= 0x2B73F
                || cp >= 0x2B740 && cp <= 0x2B81F
                || cp >= 0x2B920 && cp <= 0x2CEAF
                || cp >= 0xF900 && cp <= 0xFAFF
                || cp >= 0x2F800 && cp <= 0x2FA1F;
    }

    /** Combining marks as StripAccents sees them ({@link UnicodeCompat}). */
    static boolean isMark(int cp) {
        return UnicodeCompat.isMark(cp);
    }

    /** Rust {@code char::to_lowercase} of one character (which may give several). */
    static void appendLowercase(StringBuilder out, int cp) {
        if (cp < 128) {
            out.append((char) (cp >= 'A' && cp <= 'Z' ? cp + 32 : cp));
        } else if (cp == 0x130) {
            out.append("i\u0307"); // the only unconditional multi-character lowercase mapping
        } else {
            out.appendCodePoint(Character.toLowerCase(cp));
        }
    }

    /** A string whose lone surrogates are replaced by U+FFFD, so that it has a UTF-8 form. */
    static String wellFormed(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1));
                if (!paired) {
                    return replaceLoneSurrogates(s);
                }
                i++;
            }
        }
        return s;
    }

    private static String replaceLoneSurrogates(String s) {
        StringBuilder b = new StringBuilder(s.length());
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
            } else {
                b.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return b.toString();
    }
}
