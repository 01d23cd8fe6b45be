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
}
