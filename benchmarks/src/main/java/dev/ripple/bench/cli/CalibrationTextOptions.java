package dev.ripple.bench.cli;

import dev.ripple.bench.harness.Demo;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How the commands that profile, place and then measure in one run (bench, demo) profile the
 * calibration text: how many tokens, under which activity rule. A picocli mixin; the token
 * default is the demo's ({@link Demo.Settings#DEFAULT_CALIBRATION_TOKENS}), which bench shares.
 */
final class CalibrationTextOptions {
    @Option(
            names = "--calibration-tokens",
            defaultValue = "" + Demo.Settings.DEFAULT_CALIBRATION_TOKENS,
            description = "tokens profiled for placement (default: ${DEFAULT-VALUE})")
    long tokens;

    /**
     * {@code --calibration-tokens}, checked before any work: profiling would reject it only once the
     * model is read. For bench, whose settings do not hold it; demo passes the field to
     * {@code Demo.Settings}, which checks it.
     */
    long tokens() {
        if (tokens < 1) {
            throw new IllegalArgumentException("--calibration-tokens must be positive, got " + tokens);
        }
        return tokens;
    }

    @Mixin
    RuleOptions rule;
}
