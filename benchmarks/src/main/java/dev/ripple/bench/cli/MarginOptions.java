package dev.ripple.bench.cli;

import dev.ripple.core.activity.LowRankPredictor;
import picocli.CommandLine.Option;

/** The low-rank predictor's margin: a picocli mixin of the commands that store or run one. */
final class MarginOptions {
    @Option(
            names = "--margin",
            defaultValue = "" + LowRankPredictor.DEFAULT_MARGIN,
            description =
                    "low-rank predictor margin, in RMS errors of each neuron's prediction (default: ${DEFAULT-VALUE})")
    float margin;

    /**
     * The margin, or a one-line error naming the option for one below 0, NaN or infinite, in the words of the
     * harnesses' settings: for a command whose API would refuse it later in its own words.
     */
    float checked() {
        if (Float.isNaN(margin)) {
            throw new IllegalArgumentException("--margin must be a number ≥ 0, got NaN");
        }
        if (margin < 0) {
            throw new IllegalArgumentException("--margin must not be negative, got " + margin);
        }
        if (Float.isInfinite(margin)) {
            throw new IllegalArgumentException("--margin must be finite, got " + margin);
        }
        return margin;
    }
}
