package dev.ripple.placement.importer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model file that cannot be read: truncated, malformed protobuf or JSON, lengths or offsets
 * outside the file, unsupported data types or external data. The message names the file, the part
 * of it (e.g. {@code initializer 'encoder.0.w'}, {@code header}) and what is wrong, so one line is
 * enough to act on.
 */
public final class ModelFormatException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    private final String part;

    public ModelFormatException(Path file, String part, String detail) {
        this(file, part, detail, null);
    }

    public ModelFormatException(Path file, String part, String detail, Throwable cause) {
        super(file + ": " + part + ": " + detail, cause);
        this.file = file;
        this.part = part;
    }

    /** The file being read. */
    public Path file() {
        return file;
    }

    /** The part of the file where the problem is (header, tensor name, graph, ...). */
    public String part() {
        return part;
    }
}
