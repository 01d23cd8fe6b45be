package dev.ripple.core;

import java.util.StringJoiner;

/**
 * Arrays as a record's {@code toString} shows them: the count and the first few values, never the
 * whole array (a record's default prints {@code [I@1b6d3586}, and a full dump of a layer's 3,072
 * neuron ids buries the rest).
 */
public final class ArraySummary {
    /** Values shown before the rest is cut. */
    static final int SHOWN = 5;

    private ArraySummary() {}

    /** {@code "3 [7, 1, 9]"}, {@code "768 [4, 0, 12, 3, 9, ...]"}, {@code "null"}. */
    public static String of(int[] values) {
        if (values == null) {
            return "null";
        }
        StringJoiner shown = new StringJoiner(", ", values.length + " [", values.length > SHOWN ? ", ...]" : "]");
        for (int i = 0; i < Math.min(SHOWN, values.length); i++) {
            shown.add(Integer.toString(values[i]));
        }
        return shown.toString();
    }
}
