package dev.ripple.core.runtime;

import dev.ripple.core.settings.InvalidSettingException;
import java.util.List;
import java.util.function.Function;

/**
 * {@link RuntimeOptions} with a value out of range, naming the component at fault as an
 * {@link Input}. The rule lives in the options record, which every caller builds before opening a
 * model, so that it is checked once and before any work; a front end only says it in its own words,
 * so that a command line names its option without checking the same thing again:
 *
 * <pre>{@code
 * try {
 *     options = RuntimeOptions.defaults().withCache("linking", fraction);
 * } catch (InvalidRuntimeOptionsException e) {
 *     System.err.println(e.describe(input -> optionFor(input)));   // "--cache-fraction must be a share in [0, 1], got 2.0"
 * }
 * }</pre>
 *
 * The message itself names the input as the record's component ("cacheFraction must be a share in
 * [0, 1], got 2.0"): core knows no command line. The pattern, the shared rules and the message are
 * {@link InvalidSettingException}'s; this type adds only the inputs' enum and accessors typed by
 * it ({@link #input()}, {@link #inputs()}, {@link #describe(Function)}), as placement's {@code
 * InvalidGenerationRequestException} does, and is a type of its own so that a caller of the runtime
 * catches its refusals and no other API's.
 */
public final class InvalidRuntimeOptionsException extends InvalidSettingException {

    /** The components of {@link RuntimeOptions} a rule can be about, each named as its component. */
    public enum Input implements Setting {
        QUEUE_DEPTH,
        CACHE_FRACTION,
        CACHE_BYTES,
        MAX_GAP_BYTES,
        MARGIN
    }

    /** The rules {@link RuntimeOptions} checks, refused as this type. */
    static final Rules<Input, InvalidRuntimeOptionsException> RULES = new Rules<>(InvalidRuntimeOptionsException::new);

    private InvalidRuntimeOptionsException(List<Input> inputs, Message<Input> message, Throwable cause) {
        super(inputs, message, cause);
    }

    /** The component at fault. */
    @Override
    public Input input() {
        return Input.class.cast(super.input());
    }

    /** The components the rule is about, the one at fault first. */
    @Override
    public List<Input> inputs() {
        return super.inputs().stream().map(Input.class::cast).toList();
    }

    /** The message with the input named by {@code names} (a command line: its option). */
    public String describe(Function<Input, String> names) {
        return describe(Input.class, names);
    }
}
