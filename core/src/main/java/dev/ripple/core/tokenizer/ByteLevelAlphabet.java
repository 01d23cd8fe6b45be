package dev.ripple.core.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * GPT-2's byte-level alphabet: each of the 256 byte values is shown as one printable character
 * (printable Latin-1 characters stand for themselves; the others, such as space and control bytes,
 * move to U+0100 and up, so a space is {@code Ġ} and a newline {@code Ċ}).
 */
final class ByteLevelAlphabet {
    /** Character of each byte value. */
    private static final char[] CHAR_OF_BYTE = new char[256];
    /** Byte value of each character below {@link #LIMIT}, or -1. */
    private static final short[] BYTE_OF_CHAR;

    private static final int LIMIT = 0x180;

    static {
        int next = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = b >= '!' && b <= '~' || b >= 0xA1 && b <= 0xAC || b >= 0xAE && b <= 0xFF;
            CHAR_OF_BYTE[b] = printable ? (char) b : (char) (256 + next++);
        }
        BYTE_OF_CHAR = new short[LIMIT];
        Arrays.fill(BYTE_OF_CHAR, (short) -1);
        for (int b = 0; b < 256; b++) {
            BYTE_OF_CHAR[CHAR_OF_BYTE[b]] = (short) b;
        }
    }

    private ByteLevelAlphabet() {}

    static char charOf(int b) {
        return CHAR_OF_BYTE[b & 0xFF];
    }

    /** The byte a character stands for, or -1 when it is not in the alphabet. */
    static int byteOf(int c) {
        return c >= 0 && c < LIMIT ? BYTE_OF_CHAR[c] : -1;
    }

    /** The UTF-8 bytes of {@code s}, each shown as its character. */
    static String encode(String s) {
        int n = s.length();
        boolean ascii = true;
        for (int i = 0; i < n && ascii; i++) {
            ascii = s.charAt(i) < 128;
        }
        if (ascii) {
            char[] out = new char[n];
            for (int i = 0; i < n; i++) {
                out[i] = CHAR_OF_BYTE[s.charAt(i)];
            }
            return new String(out);
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = CHAR_OF_BYTE[bytes[i] & 0xFF];
        }
        return new String(out);
    }

    /**
     * Appends the bytes a token stands for: its characters' bytes when every character is in the
     * alphabet, else the token's own UTF-8 (as the Rust ByteLevel decoder does for added tokens).
     */
    static void appendBytes(String token, ByteSink out) {
        int n = token.length();
        for (int i = 0; i < n; i++) {
            if (byteOf(token.charAt(i)) < 0) {
                for (byte b : token.getBytes(StandardCharsets.UTF_8)) {
                    out.add(b);
                }
                return;
            }
        }
        for (int i = 0; i < n; i++) {
            out.add((byte) byteOf(token.charAt(i)));
        }
    }

    /** A growable byte buffer. */
    static final class ByteSink {
        byte[] bytes = new byte[64];
        int size;

        void add(byte b) {
            if (size == bytes.length) {
                bytes = Arrays.copyOf(bytes, size * 2);
            }
            bytes[size++] = b;
        }

        void clear() {
            size = 0;
        }
    }
}
