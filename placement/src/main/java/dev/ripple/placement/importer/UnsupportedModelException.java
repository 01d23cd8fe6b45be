package dev.ripple.placement.importer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A well-formed model whose structure the importers do not recognise: no transformer FFN
 * (up projection, activation, down projection) was found, or an architecture or activation is not
 * supported. The message lists what was found (operator histogram, MatMul chains, config values)
 * so the user can see why.
 */
public final class UnsupportedModelException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;

    public UnsupportedModelException(Path file, String detail) {
        super(file + ": unsupported model: " + detail);
        this.file = file;
    }

    /** The model file. */
    public Path file() {
        return file;
    }
}
