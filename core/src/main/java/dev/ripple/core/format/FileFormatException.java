package dev.ripple.core.format;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A file of one of Ripple's own binary formats ({@code .ripple}, activation traces) that cannot be
 * used. Each format names its kinds of problem in its own {@code Problem} enum; this base keeps the
 * one message shape they share, {@code file: section: problem: detail}, so every error says where
 * to look and what is wrong in one line.
 */
public abstract class FileFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String section;

    /**
     * @param problem how the kind of problem reads in the message; see {@link #describe(Enum)}
     */
    protected FileFormatException(Path file, String section, String problem, String detail, Throwable cause) {
        super(file + ": " + section + ": " + problem + ": " + detail, cause);
        this.file = file;
        this.section = section;
    }

    /** The usual wording of a problem kind in a message: {@code BAD_MAGIC} reads {@code bad magic}. */
    protected static String describe(Enum<?> problem) {
        return problem.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** The file that was being read. */
    public Path file() {
        return file;
    }

    /** Where in the file the problem is: a section name, or {@code header}, {@code footer}, .... */
    public String section() {
        return section;
    }

    /** What kind of problem was found; lets callers react without parsing messages. */
    public abstract Enum<?> problem();
}
