package dev.ripple.placement.pipeline;

import java.util.List;
import java.util.function.Function;

/**
 * A {@link GenerationRequest} that cannot run, naming the inputs at fault as {@link Input}s. The
 * rules live where the request is checked; a front end only says them in its own words, so that a
 * command line names its options without checking the same things again:
 *
 * <pre>{@code
 * try {
 *     Generation.prepare(request, listener);
 * } catch (InvalidGenerationRequestException e) {
 *     System.err.println(e.describe(input -> optionFor(input)));   // "--chat-format needs --chat"
 * }
 * }</pre>
 *
 * The message itself names the inputs as the API's components ("chatFormat needs chat").
 */
public final class InvalidGenerationRequestException extends IllegalArgumentException {

    /** The inputs of a request a rule can be about. */
    public enum Input {
        PROMPT_TEXT("text"),
        PROMPT_IDS("ids"),
        CHAT("chat"),
        CHAT_FORMAT("chatFormat"),
        SYSTEM("system"),
        CONTEXT("context"),
        DRAM_BYTES("dramBytes");

        private final String component;

        Input(String component) {
            this.component = component;
        }

        /** The name of the component of {@link GenerationRequest} or its prompt that holds this input. */
        public String component() {
            return component;
        }
    }

    private final List<Input> inputs;
    private final transient Function<Function<Input, String>, String> message;

    /**
     * @param inputs  the inputs the rule is about, the one at fault first
     * @param message the message, given how to name each input
     */
    InvalidGenerationRequestException(
            List<Input> inputs, Function<Function<Input, String>, String> message, Throwable cause) {
        super(message.apply(Input::component), cause);
        this.inputs = List.copyOf(inputs);
        this.message = message;
    }

    /** {@code a} is given only with {@code b}. */
    static InvalidGenerationRequestException needs(Input a, Input b) {
        return new InvalidGenerationRequestException(List.of(a, b), n -> n.apply(a) + " needs " + n.apply(b), null);
    }

    /** Exactly one of {@code a} and {@code b} is given. */
    static InvalidGenerationRequestException oneOf(Input a, Input b, String what) {
        return new InvalidGenerationRequestException(
                List.of(a, b),
                n -> "give " + what + " as " + n.apply(a) + " or as " + n.apply(b) + ", one of them",
                null);
    }

    /** {@code a} is below zero. */
    static InvalidGenerationRequestException negative(Input a, long value) {
        return new InvalidGenerationRequestException(
                List.of(a), n -> n.apply(a) + " must not be negative, got " + value, null);
    }

    /** The inputs the rule is about, the one at fault first. */
    public List<Input> inputs() {
        return inputs;
    }

    /** The message with each input named by {@code names} (a command line: its option). */
    public String describe(Function<Input, String> names) {
        return message == null ? getMessage() : message.apply(names);
    }
}
