package dev.ripple.bench.cli;

import java.math.BigDecimal;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --dram SIZE}: a DRAM budget that replaces --cache-fraction, split into resident tensors,
 * (decoders) the KV cache, and the bundle cache that takes the rest. A picocli mixin of the commands
 * that run a model under a budget.
 */
final class DramOptions {
    @Option(
            names = "--dram",
            paramLabel = "SIZE",
            converter = SizeText.class,
            description =
                    "DRAM budget (512MiB, 2GiB, 1TiB; a bare whole number is MiB) instead of --cache-fraction: resident "
                            + "tensors and (decoders) one session's KV cache first, the rest caches bundles (bench: every "
                            + "table's budget but the --budgets sweep's)")
    String text;

    /**
     * Refuses, while the command line is read (exit 2, as picocli refuses {@code --max-tokens abc}),
     * a {@code --dram} that is no size at all; a size out of range (0, more than {@link #MAX_BYTES})
     * is refused by {@link #bytes()} (exit 1, as other values out of range are).
     */
    static final class SizeText implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                parseBytes(value);
            } catch (NotASize e) {
                throw new TypeConversionException(e.what);
            } catch (IllegalArgumentException outOfRange) {
                // a size: its range is told by bytes(), after the line is read
            }
            return value;
        }
    }

    /** A {@code --dram} value that is not written as a size. */
    static final class NotASize extends IllegalArgumentException {
        /** What is wrong, without the option's name (picocli's message names it). */
        final transient String what;

        NotASize(String what) {
            super("--dram " + what);
            this.what = what;
        }
    }

    /** The budget in bytes, 0 when none was given. */
    long bytes() {
        return text == null ? 0 : parseBytes(text);
    }

    /** The largest budget taken, 1 PiB: more than any machine has, so a larger one is a typo. */
    static final long MAX_BYTES = 1L << 50;

    /**
     * {@code 512MiB}, {@code 2GiB}, {@code 1.5g}, {@code 1TiB}, or a bare whole number of MiB. A bare
     * number that is not whole ({@code 1e9}, {@code 0.5}) is refused rather than read as MiB: it
     * most likely meant bytes, a unit the command line does not guess.
     */
    static long parseBytes(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT).replace(" ", "");
        int shift = 20;
        String number = s;
        boolean bare = true;
        for (String[] u : new String[][] {
            {"tib", "40"},
            {"tb", "40"},
            {"t", "40"},
            {"gib", "30"},
            {"gb", "30"},
            {"g", "30"},
            {"mib", "20"},
            {"mb", "20"},
            {"m", "20"},
            {"kib", "10"},
            {"kb", "10"},
            {"k", "10"}
        }) {
            if (s.endsWith(u[0])) {
                shift = Integer.parseInt(u[1]);
                number = s.substring(0, s.length() - u[0].length());
                bare = false;
                break;
            }
        }
        BigDecimal v;
        try {
            v = new BigDecimal(number);
        } catch (NumberFormatException e) {
            throw new NotASize("'" + text + "' is not a size (e.g. 512MiB, 2GiB, 1TiB, or whole MiB as a number)");
        }
        if (bare && !number.matches("[-+]?[0-9]+")) {
            throw new NotASize("'" + text
                    + "' is not a size: a number without a unit is whole MiB; give a unit (512MiB, 1.5GiB, 1TiB)");
        }
        BigDecimal bytes = v.multiply(BigDecimal.valueOf(1L << shift));
        if (bytes.signum() > 0 && bytes.compareTo(BigDecimal.ONE) < 0) { // would round to 0: "no budget"
            throw new IllegalArgumentException("--dram '" + text + "' is less than one byte");
        }
        if (bytes.signum() <= 0) {
            throw new IllegalArgumentException("--dram must be positive, got '" + text + "'");
        }
        if (bytes.compareTo(BigDecimal.valueOf(MAX_BYTES)) > 0) {
            throw new IllegalArgumentException("--dram '" + text + "' is too large (at most 1024TiB)");
        }
        return bytes.longValue();
    }
}
