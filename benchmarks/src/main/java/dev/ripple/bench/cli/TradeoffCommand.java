package dev.ripple.bench.cli;

import dev.ripple.bench.harness.EncoderText;
import dev.ripple.bench.harness.Tradeoff;
import dev.ripple.bench.harness.TradeoffReport;
import dev.ripple.placement.InputFiles;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ripple tradeoff}: the sparsity–fidelity curve of a GELU model (issue 5). Sweeps activity
 * rules and thresholds, each with and without mean fill-in, plus per-layer thresholds calibrated to
 * a neuron budget or an FFN error budget, and a low-rank predictor on the best rule; optionally the
 * error rule at given budgets and predictors trained per rule (issue 16, {@code PredictorTrainer}:
 * trained on 4 of every 5 calibration passages, thresholds set on the fifth); for each point
 * it reports the neurons read, the FFN error and the final-embedding cosine against ONNX Runtime
 * on held-out passages. Everything runs exactly in DRAM ({@code RuleFfn}): no file, no I/O, so the
 * figures are those of the rule, not of a cache or a disk.
 */
@Command(
        name = "tradeoff",
        mixinStandardHelpOptions = true,
        description = "Sweep activity rules and thresholds (with and without mean fill-in, calibrated per layer, and "
                + "with a low-rank predictor) and report neurons read, FFN error and embedding cosine against ONNX "
                + "Runtime on held-out text.")
final class TradeoffCommand implements Callable<Integer> {
    @Mixin
    WorkOptions run;

    @Mixin
    ModelInputs inputs;

    @Option(
            names = "--calibration-tokens",
            defaultValue = "10000",
            description = "calibration tokens for fill-in means and thresholds (default: ${DEFAULT-VALUE})")
    int calibrationTokens;

    @Option(
            names = "--sentences",
            defaultValue = "60",
            description = "held-out passages embedded per point (default: ${DEFAULT-VALUE})")
    int sentences;

    @Option(
            names = "--fractions",
            split = ",",
            defaultValue = "0.2,0.3,0.4",
            description =
                    "neuron budgets per layer for calibrated act and |act| thresholds (default: ${DEFAULT-VALUE})")
    List<Double> fractions;

    @Option(
            names = "--error-rule-fractions",
            split = ",",
            defaultValue = "none",
            description = "neuron budgets per "
                    + "layer for the error rule |act - fill|·‖down‖ > t (issue 16), each beside act > t calibrated to the same budget; "
                    + "'none' for none (default: ${DEFAULT-VALUE})")
    List<String> errorRuleFractions;

    @Option(
            names = "--error-targets",
            split = ",",
            defaultValue = "0.1",
            description =
                    "FFN error budgets (with fill-in) for calibrated |act| thresholds; 'none' for none (default: ${DEFAULT-VALUE})")
    List<String> errorTargets;

    @Option(
            names = "--margins",
            split = ",",
            defaultValue = "0.5,1,1.5,2",
            description = "low-rank predictor margins tried on the best rule (default: ${DEFAULT-VALUE})")
    List<Float> margins;

    @Option(
            names = "--predictor-rule",
            paramLabel = "R",
            description = "the threshold rule (with fill-in) the predictor is tried on "
                    + "(default: the one reading fewest neurons at mean cosine ≥ 0.99, else the best at ≤ 40%%)")
    String predictorRule;

    @Option(
            names = "--rank",
            defaultValue = "-1",
            description = "rank of the low-rank predictor (default: a quarter of the "
                    + "smaller layer dimension, as 'ripple place' uses)")
    int rank;

    @Option(
            names = "--predictor-only",
            description =
                    "skip the rule sweep: run dense, the oracle of --predictor-rule and the " + "predictor points only")
    boolean predictorOnly;

    @Option(
            names = "--trained",
            split = ";",
            paramLabel = "RULE",
            description =
                    "train a predictor (issue 16) for each "
                            + "rule, ';'-separated: a threshold rule ('act > -0.05') or 'error F' (the error rule calibrated to share F); "
                            + "trained on 4 of every 5 calibration passages, thresholds calibrated on the fifth (default: none)")
    List<String> trained = new ArrayList<>();

    @Option(
            names = "--trained-recalls",
            split = ",",
            defaultValue = "0.95,0.98,0.99",
            description =
                    "validation recall "
                            + "targets the trained predictor's thresholds are calibrated to, one point each (default: ${DEFAULT-VALUE})")
    List<Double> trainedRecalls;

    @Option(
            names = "--trained-hidden",
            defaultValue = "96",
            description = "hidden width of the trained predictor from random weights (default: ${DEFAULT-VALUE})")
    int trainedHidden;

    @Option(
            names = "--trained-epochs",
            defaultValue = "0",
            description = "training epochs (default: 2 from low-rank, 6 from random)")
    int trainedEpochs;

    @Option(
            names = "--trained-rate",
            defaultValue = "0",
            description = "Adam's step size (default: 5e-5 from low-rank, 2e-3 from random)")
    float trainedRate;

    @Option(
            names = "--trained-from",
            defaultValue = "lowrank",
            description = "'lowrank': a linear network starting from "
                    + "the low-rank factors fitted to the inputs (width = --rank); 'random': a rectified network of --trained-hidden "
                    + "from random weights (default: ${DEFAULT-VALUE})")
    String trainedFrom;

    @Mixin
    JsonFileOptions json;

    @Option(
            names = "--png",
            converter = PathArguments.OutputFile.class,
            paramLabel = "FILE",
            description = "draw the curve (cosine vs neurons read) as a PNG")
    Path png;

    @Spec
    CommandSpec spec;

    /** What the last call measured (for tests that assert on values rather than on printed text). */
    TradeoffReport report;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        Tradeoff.Settings settings = settings();
        requireUsed();
        inputs.requireNoTokenizerWithoutModel();
        inputs.requireEncoder("tradeoff");
        InputFiles given = inputs.files();
        json.requireUsable(given);
        if (png != null) {
            PathArguments.requireUsableOutput(given, "--png", png);
        }
        Files.createDirectories(run.work);
        EncoderText text = inputs.encoderText(run.work, 0.5);
        report = Tradeoff.run(settings, text, CliProgress.harness(run.quiet));
        report.print(o);
        if (png != null) {
            report.plot(
                    png,
                    inputs.embeddedModel()
                            ? "all-MiniLM-L6-v2"
                            : text.onnx().getFileName().toString());
            o.printf("plots: %s%n", png);
        }
        json.writeAndTell(o, report::toJson);
        return 0;
    }

    /** The settings from the options; a value out of range is told by its option. */
    private Tradeoff.Settings settings() {
        return OptionValues.namingOptions(
                Tradeoff.Input.class,
                TradeoffCommand::option,
                () -> new Tradeoff.Settings(
                        calibrationTokens,
                        sentences,
                        fractions,
                        numbersOrNone("--error-rule-fractions", errorRuleFractions),
                        numbersOrNone("--error-targets", errorTargets),
                        margins,
                        predictorRule,
                        rank,
                        predictorOnly,
                        trained,
                        trainedRecalls,
                        Tradeoff.TrainedFrom.parse(trainedFrom),
                        trainedHidden,
                        trainedEpochs,
                        trainedRate));
    }

    /**
     * Refuses, by name, the options of a part of the sweep this run skips: they would change nothing.
     * After {@link #settings()}, so that a value out of range is told as such first.
     */
    private void requireUsed() {
        if (predictorOnly) {
            OptionValues.requireNotGiven(
                    spec,
                    "not with --predictor-only, which skips the rule sweep whose thresholds they calibrate",
                    "--fractions",
                    "--error-targets");
        }
        if (trained.isEmpty()) {
            OptionValues.requireNotGiven(
                    spec,
                    "only with --trained RULE, which trains the predictors they set",
                    "--trained-from",
                    "--trained-recalls",
                    "--trained-hidden",
                    "--trained-epochs",
                    "--trained-rate");
        } else if (Tradeoff.TrainedFrom.parse(trainedFrom) == Tradeoff.TrainedFrom.LOWRANK) { // checked above
            OptionValues.requireNotGiven(
                    spec,
                    "only with --trained-from random; a predictor trained from the low-rank factors is --rank wide",
                    "--trained-hidden");
        }
    }

    /** The option that gives {@code input}, as a one-line error names it. */
    private static String option(Tradeoff.Input input) {
        return switch (input) {
            case CALIBRATION_TOKENS -> "--calibration-tokens";
            case PASSAGES -> "--sentences";
            case FRACTIONS -> "--fractions";
            case ERROR_RULE_FRACTIONS -> "--error-rule-fractions";
            case ERROR_TARGETS -> "--error-targets";
            case MARGINS -> "--margins";
            case PREDICTOR_RULE -> "--predictor-rule";
            case RANK -> "--rank";
            case PREDICTOR_ONLY -> "--predictor-only";
            case TRAINED -> "--trained";
            case TRAINED_RECALLS -> "--trained-recalls";
            case TRAINED_FROM -> "--trained-from";
        };
    }

    /** An option's values: numbers, or the single word 'none'. */
    private static List<Double> numbersOrNone(String option, List<String> values) {
        if (values.size() == 1 && values.get(0).equalsIgnoreCase("none")) {
            return List.of();
        }
        List<Double> out = new ArrayList<>();
        for (String v : values) {
            try {
                out.add(Double.parseDouble(v.strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " takes numbers or 'none', not '" + v + "'");
            }
        }
        return out;
    }
}
