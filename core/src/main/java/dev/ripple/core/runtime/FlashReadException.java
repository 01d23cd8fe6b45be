package dev.ripple.core.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Reading a token's bundles from flash failed. Nothing from the failed read was cached, so the
 * next token (or a retry) starts clean.
 */
public final class FlashReadException extends UncheckedIOException {
    private final int layer;
    private final int token;

    public FlashReadException(int layer, int token, IOException cause) {
        super("layer " + layer + ", token " + token + ": reading bundles failed: " + cause.getMessage(), cause);
        this.layer = layer;
        this.token = token;
    }

    public int layer() {
        return layer;
    }

    public int token() {
        return token;
    }
}
