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
 * one type serves five harnesses' enums; this subclass adds nothing but its name, kept so that a
 * command catches the harness's refusals and no other API's.
 */
public final class InvalidBenchSettingsException extends InvalidSettingException {

    /** The rules the harnesses' settings check, refused as this type. */
    static final Rules<Setting, InvalidBenchSettingsException> RULES = new Rules<>(InvalidBenchSettingsException::new);

    private InvalidBenchSettingsException(List<Setting> inputs, Message<Setting> message, Throwable cause) {
        super(inputs, message, cause);
    }
}
