package dev.ripple.bench.cli;

import dev.ripple.core.activity.ActivityRule;
import picocli.CommandLine.Option;

/** {@code --rule}: the activity rule a command profiles under. A picocli mixin of the commands that profile. */
final class RuleOptions {
    @Option(
            names = "--rule",
            description = "activity rule: 'act > t', '|act| > t' (per layer: t0,t1,...), 'top-k K', 'top P%%' "
                    + "(default: act > 0 for ReLU, |act| > 0 for gated ReLU, act > -0.05 for GELU and SiLU, |act| > 0.05 "
                    + "for SwiGLU)")
    String text;

    /** The rule given, or null for the model's default. */
    ActivityRule rule() {
        return text == null ? null : ActivityRule.parse(text);
    }
}
