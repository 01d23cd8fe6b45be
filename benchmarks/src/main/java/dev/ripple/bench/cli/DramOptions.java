package dev.ripple.bench.cli;

import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * {@code --dram SIZE}: a DRAM budget that replaces --cache-fraction, split into resident tensors,
 * (decoders) the KV cache, and the bundle cache that takes the rest. A picocli mixin of the commands
 * that run a model under a budget.
 */
final class DramOptions {
    @Option(
            names = "--dram",
            paramLabel = "SIZE",
            description = "DRAM budget (512MiB, 2GiB; a bare number is MiB) instead of --cache-fraction: resident "
                    + "tensors and (decoders) one session's KV cache first, the rest caches bundles (bench: the main "
                    + "table's budget)")
    String text;

    /** The budget in bytes, 0 when none was given. */
    long bytes() {
        return text == null ? 0 : parseBytes(text);
    }

    /** {@code 512MiB}, {@code 2GiB}, {@code 1.5g}, or a bare number of MiB. */
    private static long parseBytes(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT).replace(" ", "");
        long unit = 1L << 20;
        String number = s;
        for (String[] u : new String[][] {
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
                unit = 1L << Integer.parseInt(u[1]);
                number = s.substring(0, s.length() - u[0].length());
                break;
            }
        }
        try {
            double v = Double.parseDouble(number);
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new NumberFormatException();
            }
            return (long) (v * unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--dram '" + text + "' is not a size (e.g. 512MiB, 2GiB, or MiB as a number)");
        }
    }
}
