package dev.ripple.placement.profile;

import java.util.Locale;

/**
 * When a neuron counts as active for a token: {@code act > t} (sign rule; with t = 0 the natural
 * rule for ReLU) or {@code |act| > t} (magnitude rule; more faithful for GELU/SiLU, whose small
 * negative values add up — see ARCHITECTURE.md, "What the real models show").
 *
 * <pre>{@code
 * ActivityRule r = ActivityRule.parse("|act| > 0.1");
 * boolean on = r.isActive(-0.3f);   // true
 * }</pre>
 *
 * @param magnitude true for {@code |act| > threshold}, false for {@code act > threshold}
 * @param threshold the threshold t
 */
public record ActivityRule(boolean magnitude, float threshold) {

    /** The default, {@code act > 0}. */
    public static final ActivityRule POSITIVE = new ActivityRule(false, 0f);

    public ActivityRule {
        if (Float.isNaN(threshold) || (magnitude && threshold < 0)) {
            throw new IllegalArgumentException("bad activity threshold " + threshold);
        }
    }

    public static ActivityRule positive(float threshold) {
        return new ActivityRule(false, threshold);
    }

    public static ActivityRule magnitude(float threshold) {
        return new ActivityRule(true, threshold);
    }

    public boolean isActive(float act) {
        return (magnitude ? Math.abs(act) : act) > threshold;
    }

    /** Parses {@code "act > 0"} or {@code "|act| > 0.05"} (spaces optional). */
    public static ActivityRule parse(String text) {
        String s = text.replace(" ", "").toLowerCase(Locale.ROOT);
        if (s.startsWith("|act|>")) {
            return magnitude(Float.parseFloat(s.substring(6)));
        }
        if (s.startsWith("act>")) {
            return positive(Float.parseFloat(s.substring(4)));
        }
        throw new IllegalArgumentException("activity rule '" + text + "' is not 'act > t' or '|act| > t'");
    }

    /** The textual form stored in traces: {@code act > 0}, {@code |act| > 0.1}. */
    @Override
    public String toString() {
        String t = threshold == (long) threshold ? Long.toString((long) threshold) : Float.toString(threshold);
        return (magnitude ? "|act| > " : "act > ") + t;
    }
}
