package dev.ripple.core.testing;

/**
 * The runtime refusals a tokenizer built from a file documents (docs/TOKENIZER.md), which fuzz
 * targets that use such a tokenizer allow; any other exception from it is a finding.
 * {@code IllegalArgumentException} from a Split or Replace pattern that exceeds its matching budget
 * ("regex /") or from a truncation length below the special tokens ("max length");
 * {@code IllegalStateException} for an unknown token missing from the vocabulary ("the unknown
 * token") or a post-processor sequence the Rust library would panic on ("a template").
 */
public final class TokenizerRefusals {
    private TokenizerRefusals() {}

    /** True when {@code e} is one of the documented refusals (of exactly these classes, with these messages). */
    public static boolean documented(RuntimeException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (e.getClass() == IllegalArgumentException.class) {
            return m.startsWith("regex /") || m.startsWith("max length");
        }
        if (e.getClass() == IllegalStateException.class) {
            return m.startsWith("the unknown token") || m.startsWith("a template");
        }
        return false;
    }
}
