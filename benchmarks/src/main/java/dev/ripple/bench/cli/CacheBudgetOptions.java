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
}
