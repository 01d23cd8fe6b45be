package dev.ripple.core.tokenizer;

/**
 * UTF-8 decoding as Rust's {@code String::from_utf8_lossy} does it: each maximal prefix of a
 * well-formed sequence that cannot be completed becomes one U+FFFD (the Unicode "maximal subpart"
 * practice). Also tells whether bytes end in the middle of a character that later bytes could still
 * complete, which the incremental decoder waits on.
 */
final class Utf8 {
    private Utf8() {}

    static String decodeLossy(byte[] b, int from, int to) {
        StringBuilder out = new StringBuilder(to - from);
        int i = from;
        while (i < to) {
            int b0 = b[i] & 0xFF;
            if (b0 < 0x80) {
                out.append((char) b0);
                i++;
                continue;
            }
            int need = needed(b0);
            if (need == 0) {
                out.append('\uFFFD');
                i++;
                continue;
            }
            int cp = b0 & (0x3F >> need);
            int j = i + 1;
            boolean ok = true;
            for (int k = 0; k < need; k++, j++) {
                if (j >= to || !continuationOk(b0, k, b[j] & 0xFF)) {
                    ok = false;
                    break;
                }
                cp = cp << 6 | b[j] & 0x3F;
            }
            if (ok) {
                out.appendCodePoint(cp);
            } else {
                out.append('\uFFFD');
            }
            i = j;
        }
        return out.toString();
    }

    /** Continuation bytes a lead byte needs (1..3), or 0 when it cannot start a character. */
    private static int needed(int b0) {
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            return 1;
        }
        if (b0 >= 0xE0 && b0 <= 0xEF) {
            return 2;
        }
        if (b0 >= 0xF0 && b0 <= 0xF4) {
            return 3;
        }
        return 0;
    }

    /** Whether {@code b} may be continuation byte {@code k} (0-based) after lead byte {@code b0}. */
    private static boolean continuationOk(int b0, int k, int b) {
        if (k == 0) {
            return switch (b0) {
                case 0xE0 -> b >= 0xA0 && b <= 0xBF;
                case 0xED -> b >= 0x80 && b <= 0x9F;
                case 0xF0 -> b >= 0x90 && b <= 0xBF;
                case 0xF4 -> b >= 0x80 && b <= 0x8F;
                default -> b >= 0x80 && b <= 0xBF;
            };
        }
        return b >= 0x80 && b <= 0xBF;
    }

    /** Whether {@code b[from, to)} ends with a proper prefix of a well-formed character. */
    static boolean endsIncomplete(byte[] b, int from, int to) {
        for (int back = 1; back <= 3 && to - back >= from; back++) {
            int i = to - back;
            int b0 = b[i] & 0xFF;
            if (b0 >= 0x80 && b0 <= 0xBF) {
                continue; // a continuation byte: look further back for its lead
            }
            int need = needed(b0);
            if (need < back) {
                return false; // ASCII, an invalid lead, or a lead whose character is complete
            }
            for (int k = 0; k < back - 1; k++) {
                if (!continuationOk(b0, k, b[i + 1 + k] & 0xFF)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }
}
