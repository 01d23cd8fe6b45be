package dev.ripple.bench.harness;

import dev.ripple.core.settings.InvalidSettingException;
import java.util.List;

/**
 * A harness's settings with a value out of range, naming the setting at fault as a {@link Setting}:
 * each harness has its own enum of them ({@link StrategyBench.Input}, {@link ModelPolicies.Input},
 * {@link Tradeoff.Input}, {@link Demo.Input}, {@link SyntheticCheckpoint.Input}). The rules live in the
 * settings; a front end only says them in its own words, so that a command line names its options
 * without checking the same things again:
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
 * Everything is {@link InvalidSettingException}'s, {@code describe(Class, Function)} included, since
 * one type serves five harnesses' enums; this subclass adds its name, kept so that a command catches
 * the harness's refusals and no other API's, and {@link #rules()}, which each harness calls for its
 * own enum, so that a rule of one harness cannot name another's input: {@code
 * RULES.needs(StrategyBench.Input.TOKENS, Demo.Input.SENTENCES)} does not compile, where rules
 * over every {@link Setting} would only fail, with a {@link ClassCastException}, when the command
 * describes it.
 */
public final class InvalidBenchSettingsException extends InvalidSettingException {

    /**
     * The rules one harness checks, over its own enum of inputs and refused as this type: {@code
     * private static final Rules<Input, InvalidBenchSettingsException> RULES =
     * InvalidBenchSettingsException.rules();}.
     *
     * @param <S> the harness's inputs
     */
    static <S extends Enum<S> & Setting> Rules<S, InvalidBenchSettingsException> rules() {
        return new Rules<>(InvalidBenchSettingsException::new);
    }

    private <S extends Setting> InvalidBenchSettingsException(List<S> inputs, Message<S> message, Throwable cause) {
        super(inputs, message, cause);
    }
}
