package dev.ripple.bench.harness;

import java.util.Locale;
import java.util.function.Function;

/**
 * A harness's settings with a value out of range, naming the setting at fault as a {@link Setting}:
 * each harness has its own enum of them ({@link StrategyBench.Input}, {@link ModelPolicies.Input},
 * {@link Tradeoff.Input}, {@link Demo.Input}, {@link SyntheticCheckpoint.Input}). The rules live in the
 * settings; a front end
 * only says them in its own words, so that a command line names its options without checking the
 * same things again:
 *
 * <pre>{@code
 * try {
 *     settings = new StrategyBench.Settings(...);
 * } catch (InvalidBenchSettingsException e) {
 *     System.err.println(e.describe(StrategyBench.Input.class, input -> optionFor(input)));   // "--tokens must be positive, got 0"
 * }
 * }</pre>
 *
 * The message itself names the setting as the record's component ("tokens must be positive, got 0").
 */
public final class InvalidBenchSettingsException extends IllegalArgumentException {

    /**
     * A setting a rule can be about: a constant of one settings record's enum, named as the
     * record component in upper snake case ({@code SWEEP_TOKENS} for {@code sweepTokens}).
     */
    public interface Setting {
        /** The constant's name, as {@link Enum#name()}. */
        String name();

        /** The name of the record component that holds this setting. */
        default String component() {
            String[] words = name().toLowerCase(Locale.ROOT).split("_");
            StringBuilder b = new StringBuilder(words[0]);
            for (int i = 1; i < words.length; i++) {
                b.append(Character.toUpperCase(words[i].charAt(0))).append(words[i], 1, words[i].length());
            }
            return b.toString();
        }
    }

    private final Setting input;
    private final transient Function<Function<Setting, String>, String> message;

    /**
     * @param input   the setting at fault
     * @param message the message, given how to name each setting (a rule may name a second one)
     */
    InvalidBenchSettingsException(Setting input, Function<Function<Setting, String>, String> message) {
        super(message.apply(Setting::component));
        this.input = input;
        this.message = message;
    }

    /**
     * @param input the setting at fault
     * @param rule  what it broke, said after the setting's name ("must be positive, got 0")
     */
    InvalidBenchSettingsException(Setting input, String rule) {
        this(input, names -> names.apply(input) + " " + rule);
    }

    /** {@code value} of {@code input} is below 1. */
    static void requirePositive(Setting input, long value) {
        if (value < 1) {
            throw new InvalidBenchSettingsException(input, "must be positive, got " + value);
        }
    }

    /** {@code value} of {@code input} is below 0 (or not a number). */
    static void requireNonNegative(Setting input, Number value) {
        if (!(value.doubleValue() >= 0)) {
            throw new InvalidBenchSettingsException(input, "must not be negative, got " + value);
        }
    }

    /** {@code value} of {@code input} is a share: in [0, 1]. */
    static void requireShare(Setting input, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new InvalidBenchSettingsException(input, "must be a share in [0, 1], got " + value);
        }
    }

    /** {@code value} of {@code input} is a share above 0: in (0, 1]. */
    static void requirePositiveShare(Setting input, double value) {
        if (!(value > 0 && value <= 1)) {
            throw new InvalidBenchSettingsException(input, "must be a share in (0, 1], got " + value);
        }
    }

    /** {@code input} is given only with {@code other}. */
    static InvalidBenchSettingsException needs(Setting input, Setting other) {
        return new InvalidBenchSettingsException(input, n -> n.apply(input) + " needs " + n.apply(other));
    }

    /** The setting at fault. */
    public Setting input() {
        return input;
    }

    /**
     * The message with each setting named by {@code names} (a command line: its option).
     *
     * @param settings the enum of the settings record the caller built, whose constants this rule names
     */
    public <S extends Enum<S> & Setting> String describe(Class<S> settings, Function<S, String> names) {
        return message.apply(s -> names.apply(settings.cast(s)));
    }
}
