package dev.ripple.core.format;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A file of one of Ripple's own binary formats ({@code .ripple}, activation traces) that cannot be
 * used. The formats share their layout of header, sections and checksummed footer, so they share
 * the kinds of problem too, and one message shape, {@code file: section: problem: detail}, so every
 * error says where to look and what is wrong in one line. A subclass per format lets callers catch
 * one format's errors.
 */
public abstract class FileFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What kind of problem was found; lets callers react without parsing messages. */
    public enum Problem {
        /** Not a file of the format at all. */
        BAD_MAGIC,
        /** Written by a format version (or with feature flags) this reader does not support. */
        UNSUPPORTED_VERSION,
        /** The file ends before a structure it declares. */
        TRUNCATED,
        /** Stored and computed CRC32C differ. */
        CHECKSUM_MISMATCH,
        /**
         * Structures disagree: shapes, lengths, counts, overlapping sections, bad JSON, a bad
         * permutation or bitmap.
         */
        INCONSISTENT
    }

    private final transient Path file;
    private final String section;
    private final Problem problem;

    /**
     * @param format the format's name as a reader would say it ({@code .ripple}, {@code trace}):
     *     {@link Problem#BAD_MAGIC} reads {@code not a <format> file}
     */
    protected FileFormatException(
            String format, Path file, String section, Problem problem, String detail, Throwable cause) {
        super(file + ": " + section + ": " + wording(format, problem) + ": " + detail, cause);
        this.file = file;
        this.section = section;
        this.problem = problem;
    }

    private static String wording(String format, Problem problem) {
        return problem == Problem.BAD_MAGIC
                ? "not a " + format + " file"
                : problem.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** The file that was being read. */
    public Path file() {
        return file;
    }

    /** Where in the file the problem is: a section name, or {@code header}, {@code footer}, .... */
    public String section() {
        return section;
    }

    public Problem problem() {
        return problem;
    }
}
