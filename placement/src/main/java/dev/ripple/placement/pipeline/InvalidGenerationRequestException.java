package dev.ripple.placement.pipeline;

import dev.ripple.core.settings.InvalidSettingException;
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
 * The message itself names the inputs as the API's components ("chatFormat needs chat"). The
 * pattern, the shared rules and the message are {@link InvalidSettingException}'s; this type adds
 * only the inputs' enum and accessors typed by it, and is a type of its own so that a caller of
 * {@link Generation} catches its refusals and no other API's.
 */
public final class InvalidGenerationRequestException extends InvalidSettingException {

    /**
     * The inputs of a request a rule can be about, each named as the component of {@link
     * GenerationRequest} or its prompt that holds it: the prompt's two forms are its {@code text}
     * and {@code ids}, not {@code promptText} and {@code promptIds}.
     */
    public enum Input implements Setting {
        PROMPT_TEXT("text"),
        PROMPT_IDS("ids"),
        CHAT,
        CHAT_FORMAT,
        SYSTEM,
        CONTEXT,
        DRAM_BYTES;

        private final String component;

        Input() {
            this(null);
        }

        Input(String component) {
            this.component = component;
        }

        @Override
        public String component() {
            return component != null ? component : Setting.super.component();
        }
    }

    /** The rules {@link GenerationRequest} and {@link Generation} check, refused as this type. */
    static final Rules<Input, InvalidGenerationRequestException> RULES =
            new Rules<>(InvalidGenerationRequestException::new);

    private InvalidGenerationRequestException(List<Input> inputs, Message<Input> message, Throwable cause) {
        super(inputs, message, cause);
    }

    /** The input at fault. */
    @Override
    public Input input() {
        return Input.class.cast(super.input());
    }

    /** The inputs the rule is about, the one at fault first. */
    @Override
    public List<Input> inputs() {
        return super.inputs().stream().map(Input.class::cast).toList();
    }

    /** The message with each input named by {@code names} (a command line: its option). */
    public String describe(Function<Input, String> names) {
        return describe(Input.class, names);
    }
}
