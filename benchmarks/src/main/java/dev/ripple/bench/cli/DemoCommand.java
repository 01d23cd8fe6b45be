package dev.ripple.bench.cli;

import dev.ripple.bench.harness.ProgressSteps;
import dev.ripple.core.activity.PredictorKind;
import dev.ripple.placement.pipeline.WrittenModel;
import dev.ripple.placement.pipeline.Placements;
import dev.ripple.placement.pipeline.PlacementPipeline;
import dev.ripple.placement.pipeline.LayoutOptions;
import dev.ripple.placement.pipeline.ImportOptions;
import dev.ripple.bench.harness.FidelityRun;
import dev.ripple.bench.harness.IoReplay;
import dev.ripple.bench.harness.OrtReference;
import dev.ripple.bench.harness.StrategyBench;
import dev.ripple.core.activity.ActivationPredictor;
import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.activity.LowRankPredictor;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.runtime.RippleModel;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.io.reader.ReaderKind;
import dev.ripple.placement.algorithm.PlacementAlgorithms;
import dev.ripple.placement.importer.ImportedModel;
import dev.ripple.placement.profile.EncodedPassage;
import dev.ripple.placement.profile.ProfileResult;
import dev.ripple.placement.trace.ActivationTrace;
import dev.ripple.placement.trace.TraceFiles;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ripple demo}: the whole job on one model, end to end — profile a calibration split with
 * ONNX Runtime, place with every algorithm and keep ripple+, write the .ripple file, embed held-out
 * sentences from flash and check them against ONNX Runtime, and report.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Profile, place, write, run and report on one model (default: the embedded all-MiniLM-L6-v2 "
                + "and Europarl sample, resolved through Maven).")
final class DemoCommand implements Callable<Integer> {
    @Mixin
    WorkOptions run;

    @Mixin
    ModelInputs inputs;


    @Option(names = "--calibration-tokens", defaultValue = "20000", description = "tokens profiled for placement (default: ${DEFAULT-VALUE})")
    long calibrationTokens;

    @Option(names = "--sentences", defaultValue = "100", description = "held-out passages embedded and checked (default: ${DEFAULT-VALUE})")
    int sentences;

    @Option(names = "--rule", description = ProfileCommand.RULE_HELP)
    String rule;

    @Option(names = "--reader", defaultValue = "direct", description = "direct, mmap or positional (default: ${DEFAULT-VALUE})")
    String reader;

    @Option(names = "--cache", defaultValue = "linking", description = "cache policy (default: ${DEFAULT-VALUE})")
    String cache;

    @Option(names = "--cache-fraction", defaultValue = "0.1", description = "DRAM cache as a share of FFN bytes (default: ${DEFAULT-VALUE})")
    double cacheFraction;

    @Option(names = "--margin", defaultValue = "" + LowRankPredictor.DEFAULT_MARGIN,
            description = "low-rank predictor margin, in RMS errors of each neuron's prediction (default: ${DEFAULT-VALUE})")
    float margin;

    @Option(names = "--bench-sentences", defaultValue = "16",
            description = "held-out passages of the closing strategy comparison; 0 skips it (default: ${DEFAULT-VALUE})")
    int benchSentences;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        if (sentences < 1 || calibrationTokens < 1) {
            throw new IllegalArgumentException("--sentences and --calibration-tokens must be positive");
        }
        ReaderKind readerKind = ReaderKind.parse(reader);
        ActivityRule requested = rule == null ? null : ActivityRule.parse(rule);
        Files.createDirectories(run.work);
        Path onnx = inputs.onnx(run.work);
        Path tok = inputs.tokenizer(run.work);
        Corpus corpus = inputs.corpus(0.5);
        List<String> heldOutText = corpus.heldOut().subList(0, Math.min(sentences, corpus.heldOut().size()));
        o.printf("Ripple demo on %s%ntext: %s (%d calibration passages, %d held-out passages used)%n%n",
                inputs.modelName(), corpus.name(), corpus.calibration().size(), heldOutText.size());

        o.printf("1. profile with ONNX Runtime under %s%n",
                requested == null ? "the model's default rule" : "'" + requested.describe() + "'");
        ProfileResult calib = ProfileCommand.profile(onnx, tok, corpus.calibration(), corpus.name() + ", calibration",
                requested, calibrationTokens, run.quiet);
        ActivityRule activity = ActivityRule.parse(calib.trace().info().rule());
        ProfileResult held = ProfileCommand.profile(onnx, tok, heldOutText, corpus.name() + ", held-out", activity,
                Long.MAX_VALUE / 4, run.quiet);
        TraceFiles.write(run.work.resolve("calibration.rtrace"), calib.trace());
        TraceFiles.write(run.work.resolve("heldout.rtrace"), held.trace());
        ProfileCommand.report(o, calib, run.work.resolve("calibration.rtrace"));
        o.printf("held-out: %d tokens -> %s%n%n", held.tokens(), run.work.resolve("heldout.rtrace"));

        o.println("2. place (calibration split) and evaluate (held-out split)");
        ImportedModel imported = PlacementPipeline.importModel(onnx, ImportOptions.defaults().withBundles(DType.F32));
        Placements placements;
        WrittenModel written;
        try (ProgressSteps steps = CliProgress.steps(run.quiet)) {
            placements = PlacementPipeline.place(calib.trace(), held.trace(), Stream.of("ripple+", "ripple", "frequency",
                    "identity").map(PlacementAlgorithms::byName).toList(), steps);
            PlaceCommand.printComparison(o, PlaceCommand.evaluations(placements));
            o.println();
            written = PlacementPipeline.write(imported, placements.get("ripple+"), calib.trace(),
                    LayoutOptions.defaults().withMargin(margin).withTokenizer(tok), run.work.resolve("model.ripple"), steps);
        }
        Path file = written.file();
        o.printf("3. wrote %s (%s): ripple+ placement, mean fill-in, rank-%d low-rank predictor; check it with "
                + "'./ripple inspect --verify %s'%n%n", file, InspectCommand.bytes(written.sizeBytes()), written.predictorRank(), file);

        o.printf("4. embed %d held-out passages from flash (%s reads, %s cache on %.0f%% of FFN bytes) and compare with "
                + "ONNX Runtime%n", heldOutText.size(), readerKind.name().toLowerCase(), cache, 100 * cacheFraction);
        List<EncodedPassage> passages = OrtReference.encode(tok, heldOutText);
        RuntimeOptions base = RuntimeOptions.defaults().withReader(readerKind).withCache(cache, cacheFraction).withMargin(margin);
        OrtReference ort;
        try (RippleModel pooler = RippleModel.open(file, base.withPredictor(PredictorKind.DENSE))) {
            ort = OrtReference.embed(onnx, passages, pooler.encoder().orElseThrow(() -> new IllegalArgumentException(
                    onnx + ": not a BERT-family model; the demo embeds sentences with an encoder")));
        }
        List<float[]> reference = ort.embeddings();

        List<FidelityRun> runs = new ArrayList<>();
        runs.add(run("dense: all neurons, no fill-in", file, base.withPredictor(PredictorKind.DENSE).withFillIn(false), null, held.trace(), passages, reference));
        runs.add(run("oracle: true active sets + fill-in", file, base, IoReplay.predictor(held.trace()), held.trace(), passages, reference));
        runs.add(run("oracle, no fill-in", file, base.withFillIn(false), IoReplay.predictor(held.trace()), held.trace(), passages, reference));
        runs.add(run("low-rank predictor + fill-in", file, base.withPredictor(PredictorKind.LOWRANK), null, held.trace(), passages, reference));

        o.printf("%-36s %8s %8s %8s %8s %8s %9s %9s %9s %8s %7s%n", "run", "read", "cos mean", "cos p5", "cos min",
                "recall", "precision", "ops/tok", "io ms/tok", "ms/sent", "hits");
        for (FidelityRun r : runs) {
            o.printf("%-36s %7.1f%% %8.4f %8.4f %8.4f %8s %9s %9.1f %9.3f %8.1f %6.1f%%%n", r.label(), 100 * r.neuronsReadFraction(),
                    r.cosine().mean(), r.cosine().p5(), r.cosine().min(),
                    Double.isNaN(r.recall()) ? "-" : String.format("%.3f", r.recall()),
                    Double.isNaN(r.precision()) ? "-" : String.format("%.3f", r.precision()), r.opsPerToken(), r.ioMsPerToken(),
                    r.msPerSentence(), 100 * r.hitRate());
        }
        o.printf("ONNX Runtime dense forward: %.1f ms per passage (same passages, %d threads); each passage above is "
                + "one prefill: its tokens' neurons are read once per layer%n%n", ort.msPerSentence(), ort.threads());

        if (benchSentences > 0) {
            int n = Math.min(benchSentences, heldOutText.size());
            o.printf("5. the I/O strategies side by side on %d of those passages ('./ripple bench' with its defaults "
                    + "measures more, sweeps the cache budget and writes JSON and plots)%n%n", n);
            StrategyBench.Settings settings = StrategyBench.Settings.defaults(run.work.resolve("bench"))
                    .withReader(readerKind).withCacheFraction(cacheFraction).withMargin(margin).withBudgets(List.of())
                    .withTokens(300);
            new StrategyBench(settings, CliProgress.harness(run.quiet)).encoder(new StrategyBench.EncoderInput(onnx, tok,
                    inputs.modelName(), corpus.name(), calib, heldOutText.subList(0, n),
                    new StrategyBench.Placed(imported, placements))).print(o);
            o.println();
        }
        o.println("Next: './ripple tradeoff' for the sparsity-fidelity curve (rules, calibrated thresholds, predictor), "
                + "'./ripple bench' for the strategies with budget sweep, JSON and plots.");
        return 0;
    }

    private FidelityRun run(String label, Path file, RuntimeOptions options, ActivationPredictor override,
                            ActivationTrace truth, List<EncodedPassage> passages, List<float[]> reference) throws Exception {
        return StrategyBench.fidelity(label, label, file, options, override, truth, passages, reference,
                CliProgress.harness(run.quiet));
    }
}
