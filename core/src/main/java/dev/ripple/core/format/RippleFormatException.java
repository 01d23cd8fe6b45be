package dev.ripple.core.format;

import java.nio.file.Path;

/**
 * A {@code .ripple} file that cannot be used. The message always names the file, the section
 * (or the header, footer, directory) and what is wrong, with offsets and expected versus actual
 * values, so one line is enough to act on it.
 */
public final class RippleFormatException extends FileFormatException {
    private static final long serialVersionUID = 1L;

    public RippleFormatException(Path file, String section, Problem problem, String detail) {
        this(file, section, problem, detail, null);
    }

    public RippleFormatException(Path file, String section, Problem problem, String detail, Throwable cause) {
        super(".ripple", file, section, problem, detail, cause);
    }
}
