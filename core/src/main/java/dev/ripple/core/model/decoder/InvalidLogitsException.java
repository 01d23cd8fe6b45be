package dev.ripple.core.model.decoder;

/**
 * Logits no token can honestly be chosen from: one of them is NaN, or every one is −∞. A NaN
 * logit is a numeric fault upstream (a NaN or infinite weight, an overflow in a layer, a NaN
 * input); choosing a token anyway would turn the fault into plausible text, so the {@link
 * Sampler} refuses and says where it first saw it.
 */
public final class InvalidLogitsException extends ArithmeticException {

    /** What is wrong with the logits. */
    public enum Fault {
        /** At least one logit is NaN; {@link #nanIndex()} is the first. */
        NAN,
        /** Every logit is −∞: every token is impossible. */
        ALL_NEGATIVE_INFINITY
    }

    private final Fault fault;
    private final int nanIndex;
    private final int vocabulary;

    private InvalidLogitsException(Fault fault, int nanIndex, int vocabulary, String message) {
        super(message);
        this.fault = fault;
        this.nanIndex = nanIndex;
        this.vocabulary = vocabulary;
    }

    static InvalidLogitsException nan(int index, int vocabulary) {
        return new InvalidLogitsException(
                Fault.NAN,
                index,
                vocabulary,
                "logit " + index + " of " + vocabulary + " is NaN (the first one): a numeric fault upstream of "
                        + "the sampler, not a token to choose");
    }

    static InvalidLogitsException allNegativeInfinity(int vocabulary) {
        return new InvalidLogitsException(
                Fault.ALL_NEGATIVE_INFINITY,
                -1,
                vocabulary,
                "all " + vocabulary + " logits are -Infinity: no token is possible");
    }

    public Fault fault() {
        return fault;
    }

    /** The index of the first NaN logit, or −1 when the fault is not {@link Fault#NAN}. */
    public int nanIndex() {
        return nanIndex;
    }

    /** How many logits there were. */
    public int vocabulary() {
        return vocabulary;
    }
}
