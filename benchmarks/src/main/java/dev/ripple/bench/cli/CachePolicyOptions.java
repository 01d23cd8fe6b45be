package dev.ripple.bench.cli;

import dev.ripple.bench.harness.Demo;
import picocli.CommandLine.Option;

/**
 * {@code --cache}: the bundle cache's policy, a picocli mixin of the commands that run one model
 * under one policy (demo, generate). Like {@link CacheBudgetOptions} it only holds the value: the
 * API each command builds checks it ({@code Demo.Settings}, {@code RuntimeOptions}). The default is
 * the demo's ({@link Demo.Settings#DEFAULT_CACHE}), linking, which is also the runtime's.
 */
final class CachePolicyOptions {
    @Option(
            names = "--cache",
            defaultValue = Demo.Settings.DEFAULT_CACHE,
            description = "bundle cache policy: none, lru, s3fifo, lfu, window, linking (default: ${DEFAULT-VALUE})")
    String cache;
}
