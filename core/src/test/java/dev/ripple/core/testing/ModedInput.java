package dev.ripple.core.testing;

import java.util.Arrays;

/**
 * A fuzz input whose first byte chooses between two ways to treat the bytes after it (its low bit:
 * {@link #flag}), so that one corpus drives both paths of a target.
 */
public record ModedInput(boolean flag, byte[] bytes) {

    /** The input split into its mode and its bytes; null when it is empty (nothing to choose by). */
    public static ModedInput of(byte[] input) {
        return input.length == 0
                ? null
                : new ModedInput((input[0] & 1) != 0, Arrays.copyOfRange(input, 1, input.length));
    }

    /** A seed: the mode byte, then {@code bytes}. */
    public static byte[] seed(int mode, byte[] bytes) {
        byte[] b = new byte[bytes.length + 1];
        b[0] = (byte) mode;
        System.arraycopy(bytes, 0, b, 1, bytes.length);
        return b;
    }
}
