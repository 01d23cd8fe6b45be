package dev.ripple.core.runtime;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;

/**
 * Reading a token's bundles from flash failed. Nothing from the failed read was cached, so the
 * next token (or a retry) starts clean; a decoder step that throws it leaves its session where the
 * step began ({@link dev.ripple.core.model.decoder.DecoderModel}), so the step can be retried.
 */
public final class FlashReadException extends UncheckedIOException {
    private final int layer;

    public FlashReadException(int layer, IOException cause) {
        super("layer " + layer + ": reading bundles failed: " + cause.getMessage(), cause);
        this.layer = layer;
    }

    public int layer() {
        return layer;
    }

    /**
     * True if the read failed because the calling thread was interrupted (a cancelled generation):
     * the thread's interrupt status is still set, and the model is unharmed for every other call.
     */
    public boolean interrupted() {
        return getCause() instanceof InterruptedIOException;
    }
}
