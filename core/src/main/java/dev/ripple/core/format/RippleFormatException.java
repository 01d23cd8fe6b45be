package dev.ripple.core.format;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A {@code .ripple} file that cannot be used. The message always names the file, the section
 * (or the header, footer, directory) and what is wrong, with offsets and expected versus actual
 * values, so one line is enough to act on it.
 */
public final class RippleFormatException extends IOException {

    /** What kind of problem was found; lets callers react without parsing messages. */
    public enum Problem {
        /** Not a {@code .ripple} file at all. */
        BAD_MAGIC,
        /** Written by a format version (or with feature flags) this reader does not support. */
        UNSUPPORTED_VERSION,
        /** The file ends before a structure it declares. */
        TRUNCATED,
        /** Stored and computed CRC32C differ. */
        CHECKSUM_MISMATCH,
        /** Structures disagree: shapes, lengths, overlapping sections, bad JSON, bad permutation. */
        INCONSISTENT
    }

    private final transient Path file;
    private final String section;
    private final Problem problem;

    public RippleFormatException(Path file, String section, Problem problem, String detail) {
        this(file, section, problem, detail, null);
    }

    public RippleFormatException(Path file, String section, Problem problem, String detail, Throwable cause) {
        super(file + ": " + section + ": " + describe(problem) + ": " + detail, cause);
        this.file = file;
        this.section = section;
        this.problem = problem;
    }

    private static String describe(Problem p) {
        return switch (p) {
            case BAD_MAGIC -> "not a .ripple file";
            case UNSUPPORTED_VERSION -> "unsupported version";
            case TRUNCATED -> "truncated";
            case CHECKSUM_MISMATCH -> "checksum mismatch";
            case INCONSISTENT -> "inconsistent";
        };
    }

    /** The file that was being read. */
    public Path file() {
        return file;
    }

    /** The section, or {@code header}, {@code footer}, {@code directory}, {@code file}. */
    public String section() {
        return section;
    }

    public Problem problem() {
        return problem;
    }
}
