package dev.ripple.core;

import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Finds the enum constant a user or a file names by its label ({@code gelu}, {@code lowrank},
 * {@code q4_0}), failing with a message that lists every label there is, so a typo on the command
 * line or in a config is fixed from the message alone.
 */
public final class Labels {
    private Labels() {}

    /**
     * The constant among {@code values} labelled exactly {@code wanted}.
     *
     * @param what what the label names, for the message ({@code predictor}, {@code activation})
     * @throws IllegalArgumentException {@code unknown what 'wanted' (known: a, b, c)}
     */
    public static <E extends Enum<E>> E find(
            E[] values, Function<? super E, String> label, String wanted, String what) {
        return find(values, label, wanted, what, false);
    }

    /** As {@link #find}, but any case of the label matches. */
    public static <E extends Enum<E>> E findIgnoringCase(
            E[] values, Function<? super E, String> label, String wanted, String what) {
        return find(values, label, wanted, what, true);
    }

    private static <E extends Enum<E>> E find(
            E[] values, Function<? super E, String> label, String wanted, String what, boolean ignoreCase) {
        for (E e : values) {
            String l = label.apply(e);
            if (ignoreCase ? l.equalsIgnoreCase(wanted) : l.equals(wanted)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown " + what + " '" + wanted + "' (known: "
                + Arrays.stream(values).map(label).collect(Collectors.joining(", ")) + ")");
    }
}
