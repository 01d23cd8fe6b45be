package dev.ripple.bench.cli;

import dev.ripple.core.tensor.DType;
import java.util.function.Supplier;

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
}
