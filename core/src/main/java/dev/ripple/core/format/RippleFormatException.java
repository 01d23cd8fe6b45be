package dev.ripple.core.format;

import java.nio.file.Path;

/**
 * A {@code .ripple} file that cannot be used. The message always names the file, the section
 * (or the header, footer, directory) and what is wrong, with offsets and expected versus actual
 * values, so one line is enough to act on it.
 */
public final class RippleFormatException extends FileFormatException {
    private static final long serialVersionUID = 1L;

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

    private final Problem problem;

    public RippleFormatException(Path file, String section, Problem problem, String detail) {
        this(file, section, problem, detail, null);
    }

    public RippleFormatException(Path file, String section, Problem problem, String detail, Throwable cause) {
        super(file, section, wording(problem), detail, cause);
        this.problem = problem;
    }

    private static String wording(Problem p) {
        return p == Problem.BAD_MAGIC ? "not a .ripple file" : describe(p);
    }

    @Override
    public Problem problem() {
        return problem;
    }
}
