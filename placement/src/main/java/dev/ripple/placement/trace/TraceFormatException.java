package dev.ripple.placement.trace;

import dev.ripple.core.format.FileFormatException;
import java.nio.file.Path;

/**
 * A trace file that cannot be used. The message names the file, the section ({@code header},
 * {@code info}, {@code layers}, {@code layer 3 token 17}, {@code footer}) and what is wrong, with
 * expected versus actual values.
 */
public final class TraceFormatException extends FileFormatException {
    private static final long serialVersionUID = 1L;

    public TraceFormatException(Path file, String section, Problem problem, String detail) {
        this(file, section, problem, detail, null);
    }

    public TraceFormatException(Path file, String section, Problem problem, String detail, Throwable cause) {
        super("trace", file, section, problem, detail, cause);
    }
}
