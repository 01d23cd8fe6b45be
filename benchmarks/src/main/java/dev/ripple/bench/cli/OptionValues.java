package dev.ripple.bench.cli;

import dev.ripple.bench.harness.InvalidBenchSettingsException;
import dev.ripple.core.settings.InvalidSettingException.Setting;
import dev.ripple.core.tensor.DType;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/** Values several commands' options name the same way, parsed once, with a one-line error naming the option. */
final class OptionValues {
    private OptionValues() {}

    /** A weight type named on the command line, or a one-line error naming the option. */
    static DType weightType(String label, String option) {
        DType t;
        try {
            t = DType.ofLabel(label);
        } catch (IllegalArgumentException e) {
            t = null;
        }
        if (t == null || !t.holdsWeights()) {
            throw new IllegalArgumentException(
                    option + " '" + label + "' is not a weight type (f32, f16, bf16, q8_0, q4_0)");
        }
        return t;
    }

    /**
     * The API's value made of an option, its rejection of the value told as a one-line error naming
     * the option: the API keeps the rule, the command line only says where it was broken.
     */
    static <T> T checked(String option, Supplier<T> value) {
        try {
            return value.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
    }

    /** Work on a harness's settings that may throw {@code X}: building them, or running the harness on them. */
    @FunctionalInterface
    interface SettingsWork<T, X extends Exception> {
        T get() throws X;
    }

    /**
     * What {@code work} returns, a harness's refusal of a setting ({@link InvalidBenchSettingsException})
     * told as a one-line error naming the option that gives it: the settings keep the rules, the
     * command line only says where they were broken.
     *
     * @param inputs the harness's enum of settings
     * @param option the option that gives each setting
     */
    static <T, S extends Enum<S> & Setting, X extends Exception> T namingOptions(
            Class<S> inputs, Function<S, String> option, SettingsWork<T, X> work) throws X {
        try {
            return work.get();
        } catch (InvalidBenchSettingsException e) {
            throw new IllegalArgumentException(e.describe(inputs, option), e);
        }
    }

    /**
     * Refuses, as one line naming them, the {@code options} the command line gave that this run would
     * ignore: {@code "--a, --b: " + why}. An ignored option is a silent surprise; a refusal says
     * which mode takes it. An option typed with its default value is let through: it asks for what
     * the run does anyway, and scripts pass defaults across modes.
     */
    static void requireNotGiven(CommandSpec spec, String why, String... options) {
        ParseResult parsed = spec.commandLine().getParseResult();
        List<String> given = Stream.of(options)
                .filter(parsed::hasMatchedOption)
                .filter(o -> !typedAsDefault(parsed.matchedOption(o)))
                .toList();
        if (!given.isEmpty()) {
            throw new IllegalArgumentException(String.join(", ", given) + ": " + why);
        }
    }

    /** Whether every value typed for {@code option} is its default's text ({@code --format safetensors}). */
    private static boolean typedAsDefault(OptionSpec option) {
        String defaultValue = option.defaultValue();
        List<String> typed = option.originalStringValues();
        return defaultValue != null && !typed.isEmpty() && typed.stream().allMatch(defaultValue::equals);
    }
}
