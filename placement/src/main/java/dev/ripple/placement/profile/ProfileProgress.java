package dev.ripple.placement.profile;

/** Called after each passage so a caller (the CLI's progress bar) can show how far profiling is. */
@FunctionalInterface
public interface ProfileProgress {
    /** A listener that ignores progress. */
    ProfileProgress NONE = (tokens, maxTokens, passages) -> {};

    /**
     * @param tokens    tokens recorded so far
     * @param maxTokens the token budget
     * @param passages  passages processed so far
     */
    void update(long tokens, long maxTokens, int passages);
}
