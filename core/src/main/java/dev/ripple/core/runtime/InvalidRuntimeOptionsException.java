package dev.ripple.core.runtime;

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
 * [0, 1], got 2.0"): core knows no command line. Typed rather than a plain
 * {@link IllegalArgumentException} because a caller that maps it to its own words must know which
 * input was at fault without parsing the message; every rule here is about one input, so the
 * exception holds that input and the rule said after its name.
 */
public final class InvalidRuntimeOptionsException extends IllegalArgumentException {

    /** The components of {@link RuntimeOptions} a rule can be about. */
    public enum Input {
        QUEUE_DEPTH("queueDepth"),
        CACHE_FRACTION("cacheFraction"),
        CACHE_BYTES("cacheBytes"),
        MAX_GAP_BYTES("maxGapBytes");

        private final String component;

        Input(String component) {
            this.component = component;
        }

        /** The name of the component of {@link RuntimeOptions} that holds this input. */
        public String component() {
            return component;
        }
    }

    private final Input input;
    private final String rule;

    /**
     * @param input the component at fault
     * @param rule  what it broke, said after the component's name ("must be a share in [0, 1], got 2.0")
     */
    InvalidRuntimeOptionsException(Input input, String rule) {
        super(input.component() + " " + rule);
        this.input = input;
        this.rule = rule;
    }

    /** The component at fault. */
    public Input input() {
        return input;
    }

    /** The message with the input named by {@code names} (a command line: its option). */
    public String describe(Function<Input, String> names) {
        return names.apply(input) + " " + rule;
    }
}
