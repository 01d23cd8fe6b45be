package dev.ripple.placement.text;

import java.io.IOException;

/**
 * A calibration text that cannot be read as the text its writer meant: bytes that are not of its
 * encoding, NUL characters (UTF-16 without a byte-order mark read as UTF-8, or not text at all), a
 * gzip stream that ends early. The message names the line where the reader could tell, and the
 * file when read from one ({@link TextCorpus#read(java.nio.file.Path, int)}).
 */
public class TextFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public TextFormatException(String message) {
        super(message);
    }

    public TextFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
