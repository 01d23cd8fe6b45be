package dev.ripple.core.tokenizer;

import java.io.IOException;

/**
 * A tokenizer file that cannot be used: malformed JSON, a missing or mistyped field, a component
 * this library does not implement, parts that disagree (a merge whose token is not in the
 * vocabulary), or a size beyond the reader's limits. The message always names the source (a path,
 * or a description of the bytes), the field (a JSON path such as {@code model.merges[17]} or a line
 * of {@code merges.txt}) and what is wrong, so one line is enough to act on it.
 */
public final class TokenizerFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What kind of problem was found; lets callers react without parsing messages. */
    public enum Problem {
        /** Not JSON, or a field of the wrong JSON type, or a missing required field. */
        MALFORMED,
        /** Well formed, but names a model, normalizer, pre-tokenizer, processor or decoder not implemented here. */
        UNSUPPORTED,
        /** Parts disagree: a merge or special token that is not in the vocabulary, an id out of range. */
        INCONSISTENT,
        /** Beyond a limit that protects the reader (nesting depth, id range, pattern complexity). */
        TOO_LARGE
    }

    private final String source;
    private final String field;
    private final Problem problem;

    public TokenizerFormatException(String source, String field, Problem problem, String detail) {
        this(source, field, problem, detail, null);
    }

    public TokenizerFormatException(String source, String field, Problem problem, String detail, Throwable cause) {
        super(source + ": " + field + ": " + describe(problem) + ": " + detail, cause);
        this.source = source;
        this.field = field;
        this.problem = problem;
    }

    private static String describe(Problem p) {
        return switch (p) {
            case MALFORMED -> "malformed";
            case UNSUPPORTED -> "unsupported";
            case INCONSISTENT -> "inconsistent";
            case TOO_LARGE -> "too large";
        };
    }

    /** The file or bytes that were read. */
    public String source() {
        return source;
    }

    /** The JSON path or line that is wrong. */
    public String field() {
        return field;
    }

    public Problem problem() {
        return problem;
    }
}
