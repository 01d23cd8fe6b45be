package dev.ripple.placement.importer.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** UTF-8 validation of mapped bytes without decoding them (RFC 3629: no overlongs, surrogates or code points above U+10FFFF). */
final class Utf8 {
    private Utf8() {}

    /** The index (from {@code from}) of the first byte of the first invalid sequence, or -1 when all {@code n} bytes are valid. */
    static long firstInvalid(MemorySegment s, long from, long n) {
        long i = 0;
        while (i < n) {
            int b = s.get(ValueLayout.JAVA_BYTE, from + i) & 0xFF;
            if (b < 0x80) {
                i++;
                continue;
            }
            int len;
            int lo = 0x80;
            int hi = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                len = 2;
            } else if (b >= 0xE0 && b <= 0xEF) {
                len = 3;
                if (b == 0xE0) {
                    lo = 0xA0; // no overlong 3-byte forms
                } else if (b == 0xED) {
                    hi = 0x9F; // no surrogates
                }
            } else if (b >= 0xF0 && b <= 0xF4) {
                len = 4;
                if (b == 0xF0) {
                    lo = 0x90; // no overlong 4-byte forms
                } else if (b == 0xF4) {
                    hi = 0x8F; // nothing above U+10FFFF
                }
            } else {
                return i;
            }
            if (i + len > n) {
                return i;
            }
            int c1 = s.get(ValueLayout.JAVA_BYTE, from + i + 1) & 0xFF;
            if (c1 < lo || c1 > hi) {
                return i;
            }
            for (int k = 2; k < len; k++) {
                int c = s.get(ValueLayout.JAVA_BYTE, from + i + k) & 0xFF;
                if (c < 0x80 || c > 0xBF) {
                    return i;
                }
            }
            i += len;
        }
        return -1;
    }
}
