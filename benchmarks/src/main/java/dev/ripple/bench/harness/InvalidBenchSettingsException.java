package dev.ripple.bench.harness;

import java.util.function.Function;

/**
 * {@link StrategyBench.Settings} with a value out of range, naming the setting at fault as an
 * {@link Input}. The rules live in the settings; a front end only says them in its own words, so
 * that a command line names its options without checking the same things again:
 *
 * <pre>{@code
 * try {
 *     settings = new StrategyBench.Settings(...);
 * } catch (InvalidBenchSettingsException e) {
 *     System.err.println(e.describe(input -> optionFor(input)));   // "--tokens must be positive, got 0"
 * }
 * }</pre>
 *
 * The message itself names the setting as the record's component ("tokens must be positive, got 0").
 */
public final class InvalidBenchSettingsException extends IllegalArgumentException {

    /** The settings a rule can be about. */
    public enum Input {
        CACHE_FRACTION("cacheFraction"),
        DRAM_BYTES("dramBytes"),
        BUDGETS("budgets"),
        TOKENS("tokens"),
        SWEEP_TOKENS("sweepTokens"),
        PROMPTS("prompts"),
        PROMPT_TOKENS("promptTokens"),
        DECODE_TOKENS("decodeTokens");

        private final String component;

        Input(String component) {
            this.component = component;
        }

        /** The name of the component of {@link StrategyBench.Settings} that holds this input. */
        public String component() {
            return component;
        }
    }

    private final Input input;
    private final String rule;

    /**
     * @param input the setting at fault
     * @param rule  what it broke, said after the setting's name ("must be positive, got 0")
     */
    InvalidBenchSettingsException(Input input, String rule) {
        super(input.component() + " " + rule);
        this.input = input;
        this.rule = rule;
    }

    /** {@code value} of {@code input} is below 1. */
    static void requirePositive(Input input, long value) {
        if (value < 1) {
            throw new InvalidBenchSettingsException(input, "must be positive, got " + value);
        }
    }

    /** {@code value} of {@code input} is a share: in [0, 1]. */
    static void requireShare(Input input, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new InvalidBenchSettingsException(input, "must be a share in [0, 1], got " + value);
        }
    }

    /** The setting at fault. */
    public Input input() {
        return input;
    }

    /** The message with the setting named by {@code names} (a command line: its option). */
    public String describe(Function<Input, String> names) {
        return names.apply(input) + " " + rule;
    }
}
