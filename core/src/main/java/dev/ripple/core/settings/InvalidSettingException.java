package dev.ripple.core.settings;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * A value an API refused, naming the inputs at fault as {@link Setting}s, in the API's words; the
 * one pattern behind every typed "bad setting" exception of Ripple ({@code InvalidRuntimeOptionsException}
 * in core, {@code InvalidGenerationRequestException} in placement, {@code InvalidBenchSettingsException}
 * in the benchmarks' harness). The rule lives in the record that holds the value and is checked there
 * once; a front end only says it in its own words, so that a command line names its options without
 * checking the same things again:
 *
 * <pre>{@code
 * // in the settings record, through its subclass's Rules:
 * RULES.requirePositive(Input.TOKENS, tokens);          // "tokens must be positive, got 0"
 *
 * // in the command:
 * } catch (InvalidBenchSettingsException e) {
 *     throw new IllegalArgumentException(e.describe(StrategyBench.Input.class, BenchCommand::option), e);
 * }                                                      // "--tokens must be positive, got 0"
 * }</pre>
 *
 * The message is kept as a function of how each input is named, not as a string, because a rule
 * may name several inputs anywhere in its sentence ("give the prompt as text or as ids, one of
 * them"); {@link #getMessage()} names them by their {@link Setting#component()}.
 *
 * <p>Abstract, with one named subclass per API, so that a caller catches the refusals of the API it
 * called and no other; Java allows no generic {@link Throwable}, so the subclass, not a type
 * parameter, says which enum of inputs it names. The checks shared by every API (positive,
 * non-negative, a share, a share above 0, one input needing another, one of two inputs) are
 * written once, in {@link Rules}, which each subclass holds with its own constructor.
 *
 * <p>In a package of its own, depending on nothing else in core: it is the shape of every API's
 * refusal, not a part of the runtime, and placement and the benchmarks use it for inputs that have
 * nothing to do with {@code dev.ripple.core.runtime}.
 */
public abstract class InvalidSettingException extends IllegalArgumentException {

    /**
     * An input a rule can be about: a constant of one API's enum, named as the record component
     * that holds it. The name is derived from the constant's, upper snake case to camel case
     * ({@code SWEEP_TOKENS} for {@code sweepTokens}); an enum whose constant differs from its
     * component overrides {@link #component()}.
     */
    public interface Setting {
        /** The constant's name, as {@link Enum#name()}. */
        String name();

        /** The name of the record component that holds this input. */
        default String component() {
            return camelCase(name());
        }
    }

    /** The message given how each input is named: {@code n -> n.apply(a) + " needs " + n.apply(b)}. */
    @FunctionalInterface
    public interface Message<S extends Setting> {
        String say(Function<S, String> names);
    }

    private final List<Setting> inputs;
    private final transient Message<Setting> message;

    /**
     * @param inputs  the inputs the rule is about, the one at fault first
     * @param message the message, given how to name each input
     * @param cause   what made the value fail the rule, or null
     */
    protected <S extends Setting> InvalidSettingException(List<S> inputs, Message<S> message, Throwable cause) {
        super(message.say(Setting::component), cause);
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("a refused value names at least the input at fault");
        }
        this.inputs = List.copyOf(inputs);
        this.message = names -> message.say(names::apply);
    }

    /** The input at fault. */
    public Setting input() {
        return inputs.getFirst();
    }

    /** The inputs the rule is about, the one at fault first. */
    public List<? extends Setting> inputs() {
        return inputs;
    }

    /**
     * The message with each input named by {@code names} (a command line: its option). After
     * deserialization, which does not keep the message function, the message as first said.
     *
     * @param settings the enum of the API the caller called, whose constants this rule names
     * @throws ClassCastException if the rule names a constant of another enum
     */
    public <S extends Enum<S> & Setting> String describe(Class<S> settings, Function<S, String> names) {
        return message == null ? getMessage() : message.say(s -> names.apply(settings.cast(s)));
    }

    /** {@code SWEEP_TOKENS} as {@code sweepTokens}. */
    static String camelCase(String constant) {
        String[] words = constant.toLowerCase(Locale.ROOT).split("_");
        StringBuilder b = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            b.append(Character.toUpperCase(words[i].charAt(0))).append(words[i], 1, words[i].length());
        }
        return b.toString();
    }

    /**
     * Builds one subclass of {@link InvalidSettingException}: how its constructor is called.
     *
     * @param <S> the inputs it names
     * @param <E> the exception
     */
    @FunctionalInterface
    public interface Refusal<S extends Setting, E extends InvalidSettingException> {
        E of(List<S> inputs, Message<S> message, Throwable cause);
    }

    /**
     * The rules every API shares, checked and said once, refused as one subclass. A subclass holds
     * one, package-private, so that only its API throws it:
     * {@code static final Rules<Input, InvalidXException> RULES = new Rules<>(InvalidXException::new);}.
     * A subclass serving several enums (the benchmarks' harnesses) hands out one per enum, typed by
     * it, so that a rule naming another enum's input does not compile. The {@code require} methods
     * throw when the value breaks the rule; the others return the exception for the caller to throw
     * where it found the fault, so that the compiler sees the throw.
     *
     * @param <S> the inputs the API's rules are about
     * @param <E> the exception its rules throw
     */
    public static final class Rules<S extends Setting, E extends InvalidSettingException> {

        private final Refusal<S, E> refusal;

        public Rules(Refusal<S, E> refusal) {
            this.refusal = refusal;
        }

        /** {@code value} of {@code input} is at least 1. */
        public void requirePositive(S input, long value) {
            if (value < 1) {
                throw refuse(input, "must be positive, got " + value);
            }
        }

        /** {@code value} of {@code input} is at least 0 (so not NaN); said as given ({@code 2.5f}, {@code -1}). */
        public void requireNonNegative(S input, Number value) {
            if (Double.isNaN(value.doubleValue())) {
                throw refuse(input, "must be a number ≥ 0, got " + value);
            }
            if (value.doubleValue() < 0) {
                throw refuse(input, "must not be negative, got " + value);
            }
        }

        /** {@code value} of {@code input} is a share: in [0, 1]. */
        public void requireShare(S input, double value) {
            if (!(value >= 0 && value <= 1)) {
                throw refuse(input, "must be a share in [0, 1], got " + value);
            }
        }

        /** {@code value} of {@code input} is a share above 0: in (0, 1]. */
        public void requirePositiveShare(S input, double value) {
            if (!(value > 0 && value <= 1)) {
                throw refuse(input, "must be a share in (0, 1], got " + value);
            }
        }

        /** {@code input} is given only with {@code other}: "chatFormat needs chat". */
        public E needs(S input, S other) {
            return refuse(List.of(input, other), n -> n.apply(input) + " needs " + n.apply(other), null);
        }

        /**
         * Exactly one of {@code a} and {@code b} is given: "give the prompt as text or as ids, one of them".
         *
         * @param what what both give, as the message says it ("the prompt")
         */
        public E oneOf(S a, S b, String what) {
            return refuse(
                    List.of(a, b),
                    n -> "give " + what + " as " + n.apply(a) + " or as " + n.apply(b) + ", one of them",
                    null);
        }

        /**
         * A rule of this API alone about one input.
         *
         * @param rule what {@code input} broke, said after its name ("must be in 1..1024, got 0")
         */
        public E refuse(S input, String rule) {
            return refuse(input, n -> n.apply(input) + " " + rule);
        }

        /** A rule of this API alone about one input, which names it (or others) anywhere in its message. */
        public E refuse(S input, Message<S> message) {
            return refuse(List.of(input), message, null);
        }

        /**
         * A rule of this API alone.
         *
         * @param inputs the inputs it is about, the one at fault first
         * @param cause  what made the value fail it, or null
         */
        public E refuse(List<S> inputs, Message<S> message, Throwable cause) {
            return refusal.of(inputs, message, cause);
        }
    }
}
