package dev.ripple.bench.cli;

import dev.ripple.bench.harness.ProgressSteps;
import dev.ripple.core.activity.ActivityRule;
import dev.ripple.placement.pipeline.PlacementPipeline;
import dev.ripple.placement.profile.OnnxProfiler;
import dev.ripple.placement.profile.ProfileOptions;
import dev.ripple.placement.profile.ProfileResult;
import dev.ripple.placement.trace.TraceFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ripple profile}: record which FFN neurons fire, per token and layer, with ONNX Runtime. */
@Command(
        name = "profile",
        mixinStandardHelpOptions = true,
        description =
                "Run a model on text and record the active FFN neurons of every token and layer under an activity "
                        + "rule, into a trace file: ONNX encoders with ONNX Runtime, decoders with the Java forward.")
final class ProfileCommand implements Callable<Integer> {
    @Mixin
    WorkOptions run;

    @Mixin
    ModelInputs inputs;

    @Option(
            names = "--split",
            defaultValue = "calibration",
            description = "which part of the text: calibration, heldout or all (default: ${DEFAULT-VALUE})")
    String split;

    @Option(
            names = "--heldout-fraction",
            defaultValue = "0.5",
            description = "share of lines held out (default: ${DEFAULT-VALUE})")
    double heldOutFraction;

    @Option(
            names = "--max-tokens",
            defaultValue = "20000",
            description = "stop after this many tokens (default: ${DEFAULT-VALUE})")
    long maxTokens;

    @Mixin
    RuleOptions rule;

    @Option(names = "--threshold", description = "shorthand for --rule 'act > t'")
    Float threshold;

    @Option(names = "--out", required = true, paramLabel = "TRACE", description = "trace file to write")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("--max-tokens must be positive");
        }
        ActivityRule r = rule();
        Corpus corpus = inputs.corpus(heldOutFraction);
        boolean decoder = inputs.decoder();
        Path model =
                decoder ? DecoderText.prepare(inputs.model, run.work, run.quiet).file() : inputs.onnx(run.work);
        Path tokenizer = decoder ? inputs.tokenizer : inputs.tokenizer(run.work);
        ProfileResult result =
                profile(model, tokenizer, corpus.part(split), corpus.name() + ", " + split, r, maxTokens, run.quiet);
        TraceFiles.write(out, result.trace());
        report(spec.commandLine().getOut(), result, out);
        return 0;
    }

    /** The rule given by --rule or --threshold, or null for the model's default. */
    private ActivityRule rule() {
        if (rule.text != null && threshold != null) {
            throw new IllegalArgumentException("give --rule or --threshold, not both");
        }
        return threshold != null ? ActivityRule.parse("act > " + threshold) : rule.rule();
    }

    /**
     * Profiles {@code passages} through {@code model} (ONNX, or a decoder's {@code .ripple} file);
     * {@code rule} null: the model's default ({@link ActivityRule#defaultFor}).
     */
    static ProfileResult profile(
            Path model,
            Path tokenizer,
            List<String> passages,
            String corpus,
            ActivityRule rule,
            long maxTokens,
            boolean quiet)
            throws IOException {
        ProfileOptions options = ProfileOptions.defaults().withRule(rule).withMaxTokens(maxTokens);
        try (ProgressSteps steps = CliProgress.steps(quiet)) {
            return PlacementPipeline.profile(model, tokenizer, passages, corpus, options, steps);
        }
    }

    static void report(PrintWriter o, ProfileResult r, Path out) {
        o.printf(
                "profiled %d tokens of %d passages under '%s' -> %s%n",
                r.tokens(), r.passages(), r.trace().info().rule(), out);
        o.printf("%-5s %14s %18s%n", "layer", "active share", "FFN rel. error");
        for (int l = 0; l < r.meanActiveFraction().length; l++) {
            o.printf("%-5d %13.1f%% %18.3f%n", l, 100 * r.meanActiveFraction()[l], r.meanRelativeError()[l]);
        }
        if (r.inputMoments().isEmpty()) {
            o.println("FFN inputs not recorded (not exposed by the model, or wider than "
                    + OnnxProfiler.MAX_MOMENT_WIDTH + "): the predictor will be fitted to the weights alone");
        }
    }
}
