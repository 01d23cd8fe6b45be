package dev.ripple.bench.cli;

import dev.ripple.core.runtime.RuntimeOptions;
import picocli.CommandLine.Option;

/**
 * The bundle cache's DRAM as a share of the FFN bytes: a picocli mixin of the commands that cache
 * bundles. It only holds the value: the API each command builds checks it (demo: {@code
 * Demo.Settings}, generate: {@code RuntimeOptions}, bench: {@code StrategyBench.Settings}, policies:
 * {@code ModelPolicies.Settings}), before any work, and the command names the option in the error,
 * so that the rule is kept in one place and an app calling the API is held to the same one.
 */
final class CacheBudgetOptions {
    @Option(
            names = "--cache-fraction",
            defaultValue = "" + RuntimeOptions.DEFAULT_CACHE_FRACTION,
            description = "bundle cache as a share of the FFN bytes; refused beside --dram, where a command has "
                    + "it, which sizes the cache from a budget (default: ${DEFAULT-VALUE})")
    double fraction;
}
