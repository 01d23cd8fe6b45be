package dev.ripple.bench.cli;

import dev.ripple.core.runtime.RuntimeOptions;
import picocli.CommandLine.Option;

/** The bundle cache's DRAM as a share of the FFN bytes: a picocli mixin of the commands that cache bundles. */
final class CacheBudgetOptions {
    @Option(
            names = "--cache-fraction",
            defaultValue = "" + RuntimeOptions.DEFAULT_CACHE_FRACTION,
            description = "bundle cache as a share of the FFN bytes; --dram, where a command has it, takes "
                    + "precedence (default: ${DEFAULT-VALUE})")
    double fraction;

    /**
     * {@code --cache-fraction}, checked before any work and told in the same words by every command:
     * the API's own checks name its parameters, not the option.
     */
    double fraction() {
        return checked(true);
    }

    /** As {@link #fraction()}, above 0: cache policies differ only with a cache to manage. */
    double positiveFraction() {
        return checked(false);
    }

    private double checked(boolean zeroAllowed) {
        if (!((zeroAllowed ? fraction >= 0 : fraction > 0) && fraction <= 1)) {
            throw new IllegalArgumentException(
                    "--cache-fraction must be a share in " + (zeroAllowed ? "[0, 1]" : "(0, 1]") + ", got " + fraction);
        }
        return fraction;
    }
}
