package dev.ripple.bench.cli;

import dev.ripple.bench.harness.BenchPredictor;
import dev.ripple.bench.harness.BenchReport;
import dev.ripple.bench.harness.BenchStrategy;
import dev.ripple.bench.harness.DecoderBenchReport;
import dev.ripple.bench.harness.EncoderText;
import dev.ripple.bench.harness.Profiling;
import dev.ripple.bench.harness.QuickCalibration;
import dev.ripple.bench.harness.StrategyBench;
import dev.ripple.bench.harness.WorkloadBench;
import dev.ripple.bench.harness.WorkloadBenchReport;
import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.tokenizer.Tokenizer;
import dev.ripple.io.device.DeviceProfile;
import dev.ripple.placement.PreparedModel;
import dev.ripple.placement.profile.ProfileOptions;
import dev.ripple.placement.profile.ProfileResult;
import dev.ripple.placement.synthetic.SyntheticWorkload;
import java.io.IOException;
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
 * {@code ripple bench}: one model, one run, the strategies of {@link BenchStrategy#ALL} side by side at the
 * same DRAM budget on the same held-out passages — decode-like and prefill-like I/O with the true
 * active sets, then the Java encoder with the real predictor for fidelity and speed, ONNX Runtime
 * as the compute peer, phone-storage projections and plots.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Profile and place on calibration text, then compare the I/O strategies (placement x cache x "
                + "collapse) on held-out passages at the same DRAM budget: I/O per token and per passage, fidelity and "
                + "speed of the Java forward against ONNX Runtime, UFS projections, JSON and plots.")
final class BenchCommand implements Callable<Integer> {
    @Mixin
    IoOptions io;

    @Mixin
    WorkOptions run;

    @Mixin
    ModelInputs inputs;

    @Option(
            names = "--calibration-text",
            converter = PathArguments.InputFile.class,
            paramLabel = "C.txt",
            description = "calibration passages (default: a disjoint split of --text)")
    Path calibrationText;

    @Mixin
    CalibrationTextOptions calibration;

    @Option(
            names = "--sentences",
            defaultValue = "" + StrategyBench.Settings.DEFAULT_PASSAGES,
            description = "held-out passages measured (default: ${DEFAULT-VALUE})")
    int sentences;

    @Option(
            names = "--tokens",
            defaultValue = "" + StrategyBench.Settings.DEFAULT_TOKENS,
            description = "at most this many held-out tokens replayed one by one (default: ${DEFAULT-VALUE})")
    int tokens;

    @Option(
            names = "--predictor",
            defaultValue = "lowrank",
            description = "predictor of the forward passes: lowrank or "
                    + "oracle (the true sets); ONNX encoders also trained (trained on the calibration text, "
                    + "as 'ripple place --predictor trained' does, and run from the files); decoders also dense "
                    + "(default: ${DEFAULT-VALUE})")
    String predictor;

    @Mixin
    MarginOptions margin;

    @Option(names = "--no-fill-in", description = "forward passes without mean fill-in")
    boolean noFillIn;

    @Mixin
    CacheBudgetOptions cacheBudget;

    @Mixin
    DramOptions dram;

    @Option(
            names = "--budgets",
            split = ",",
            defaultValue = StrategyBench.Settings.DEFAULT_BUDGETS,
            description =
                    "cache budgets of the latency-against-budget sweep; 'none' to skip (default: ${DEFAULT-VALUE})")
    List<String> budgets;

    @Option(
            names = "--sweep-tokens",
            defaultValue = "" + StrategyBench.Settings.DEFAULT_SWEEP_TOKENS,
            description = "tokens replayed per sweep point (default: ${DEFAULT-VALUE})")
    int sweepTokens;

    @Option(
            names = "--workload",
            converter = PathArguments.InputPath.class,
            paramLabel = "DIR",
            description =
                    "a synthetic workload written by 'ripple synth --workload': "
                            + "the strategies token by token on its held-out stream and the budget sweep; figures labelled 'synthetic workload'")
    Path workload;

    @Mixin
    JsonFileOptions json;

    @Option(names = "--no-plots", description = "do not write the PNG plots")
    boolean noPlots;

    @Option(
            names = "--compare-policies",
            description = "also replay the ripple+ placement under every cache policy at the same budget")
    boolean comparePolicies;

    @Option(
            names = "--dtypes",
            split = ",",
            paramLabel = "TYPES",
            description = "also compare bundle types side by side on the ripple+ placement at one DRAM budget, e.g. "
                    + "f32,f16,q8_0,q4_0: bytes and I/O per token, and fidelity (encoders: cosine against ONNX Runtime; "
                    + "decoders: logits against the f32 bundles')")
    List<String> dtypes = new ArrayList<>();

    @Option(
            names = "--strategies",
            split = ",",
            paramLabel = "NAME",
            description = "the strategies run, any of naive, llm-in-a-flash, powerinfer, ripple, ripple+ (any case); "
                    + "they run in that order whatever the order given, a name given twice runs once, and only "
                    + "their placements are computed and written. --compare-policies and --dtypes need ripple+ "
                    + "among them (default: all five)")
    List<String> strategies = new ArrayList<>();

    @Option(
            names = "--prompt-tokens",
            defaultValue = "" + StrategyBench.Settings.DEFAULT_PROMPT_TOKENS,
            description = "decoders: prompt length in tokens (default: ${DEFAULT-VALUE})")
    int promptTokens;

    @Option(
            names = "--decode-tokens",
            defaultValue = "" + StrategyBench.Settings.DEFAULT_DECODE_TOKENS,
            description = "decoders: tokens generated per prompt (default: ${DEFAULT-VALUE})")
    int decodeTokens;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        if (workload != null) { // it replays recorded sets: no model, text, predictor or generation
            OptionValues.requireNotGiven(
                    spec,
                    "not with --workload, which replays the workload's recorded active sets (no model, text or"
                            + " predictor); 'ripple policies --workload' compares the cache policies on it",
                    "--model",
                    "--tokenizer",
                    "--text",
                    "--calibration-text",
                    "--calibration-tokens",
                    "--rule",
                    "--sentences",
                    "--predictor",
                    "--no-fill-in",
                    "--margin",
                    "--dram",
                    "--compare-policies",
                    "--dtypes",
                    "--prompt-tokens",
                    "--decode-tokens");
        }
        inputs.requireNoTokenizerWithoutModel();
        json.requireUsable(
                inputs.files().with(calibrationText, "--calibration-text").withWorkload(workload, "--workload"));
        StrategyBench.Settings settings = settings();
        long calibrationTokens = calibration.tokens();
        BenchPredictor kind = BenchPredictor.parse(predictor);
        if (inputs.decoder() ? !kind.servesDecoders() : !kind.servesEncoders()) {
            throw new IllegalArgumentException("--predictor must be lowrank or oracle (or trained, for an ONNX "
                    + "encoder; dense, for a decoder), not '" + predictor + "'");
        }
        if (workload != null) {
            return workload(o, settings);
        }
        requireUsed(kind);
        ActivityRule activity = calibration.rule.rule();
        Files.createDirectories(run.work);
        if (inputs.decoder()) {
            DecoderBenchReport report = measureDecoder(settings, activity, calibrationTokens);
            report.print(o);
            json.writeAndTell(o, report::toJson);
            return 0;
        }
        EncoderText text = inputs.encoderText(run.work, calibrationText, 0.5).heldOutFirst(sentences);
        StrategyBench.requireEncoderDramFits(settings, text.onnx()); // before the profiling and placing
        ProfileResult calib = text.profile(
                text.calibrationText(), "calibration", activity, calibrationTokens, CliProgress.harness(run.quiet));
        BenchReport report = new StrategyBench(settings, CliProgress.harness(run.quiet))
                .encoder(new StrategyBench.EncoderInput(text, calib, null));
        report.print(o);
        if (!noPlots) {
            List<Path> pngs = report.plots(run.work);
            o.printf(
                    "plots: %s%n",
                    String.join(", ", pngs.stream().map(Path::toString).toList()));
        }
        json.writeAndTell(o, report::toJson);
        return 0;
    }

    /**
     * Refuses, by name, the options of the other kind of model (a decoder's bench generates from
     * prompts, an encoder's replays tokens and sweeps budgets), those of another predictor than
     * {@code kind}, and a cache share that --dram replaces. After the settings are built, so that a
     * value out of range is told as such first.
     */
    private void requireUsed(BenchPredictor kind) {
        if (inputs.decoder()) {
            OptionValues.requireNotGiven(
                    spec,
                    "for an ONNX encoder, not a decoder, whose bench generates from held-out prompts (--sentences,"
                            + " --prompt-tokens, --decode-tokens)",
                    "--tokens",
                    "--sweep-tokens",
                    "--budgets",
                    "--compare-policies");
        } else {
            OptionValues.requireNotGiven(
                    spec,
                    "decoders only (a --model checkpoint directory); an ONNX encoder's bench generates nothing",
                    "--prompt-tokens",
                    "--decode-tokens");
        }
        if (kind != BenchPredictor.LOWRANK) { // the margin widens the low-rank predictor's sets alone
            OptionValues.requireNotGiven(
                    spec, "only with --predictor lowrank, whose sets it widens; " + withoutMargin(kind), "--margin");
        }
        if (kind == BenchPredictor.DENSE) {
            OptionValues.requireNotGiven(
                    spec,
                    "not with --predictor dense, which computes every neuron: none is left to fill in",
                    "--no-fill-in");
        }
        if (dram.text != null) {
            OptionValues.requireNotGiven(
                    spec,
                    "not with --dram, whose budget sizes the bundle cache (the --budgets sweep keeps its own shares)",
                    "--cache-fraction");
        }
    }

    /** Why a predictor other than the low-rank one has no margin, in the words of a refusal. */
    private static String withoutMargin(BenchPredictor kind) {
        return switch (kind) {
            case ORACLE -> "--predictor oracle reads the true active sets";
            case DENSE -> "--predictor dense computes every neuron";
            case TRAINED -> "--predictor trained keeps the thresholds it was trained to";
            case LOWRANK -> throw new IllegalArgumentException("the low-rank predictor has a margin");
        };
    }

    /** {@code --workload}: the strategies on a synthetic workload (WorkloadBench). */
    private int workload(PrintWriter o, StrategyBench.Settings s) throws IOException {
        SyntheticWorkload.read(workload); // a wrong --workload is refused before the calibration's seconds of disk work
        Files.createDirectories(run.work);
        DeviceProfile profile = QuickCalibration.unlessGiven(
                s.emulatedDevice(),
                WorkloadBench.placedDir(workload, run.work),
                s.queueDepth(),
                CliProgress.harness(run.quiet));
        WorkloadBenchReport report = WorkloadBench.run(
                new WorkloadBench.Settings(
                        workload,
                        run.work,
                        s.reader(),
                        s.queueDepth(),
                        s.cacheFraction(),
                        s.budgets(),
                        s.tokens(),
                        s.sweepTokens(),
                        profile,
                        s.emulatedDevice() != null,
                        s.strategies()),
                CliProgress.harness(run.quiet));
        report.print(o);
        json.writeAndTell(o, report::toJson);
        return 0;
    }

    /**
     * The options as the harness's settings; the settings check them, before any work, and their
     * complaints are told in the options' names.
     */
    private StrategyBench.Settings settings() throws IOException {
        return OptionValues.namingOptions(
                StrategyBench.Input.class,
                BenchCommand::option,
                () -> new StrategyBench.Settings(
                        run.work,
                        io.readerKind(),
                        io.queueDepth(),
                        io.deviceProfile(),
                        cacheBudget.fraction,
                        dram.bytes(),
                        BenchPredictor.parse(predictor),
                        !noFillIn,
                        margin.margin,
                        parseBudgets(budgets),
                        tokens,
                        sweepTokens,
                        comparePolicies,
                        dtypeList(),
                        sentences,
                        promptTokens,
                        decodeTokens,
                        strategyList()));
    }

    /** The option that gives {@code input}, as a one-line error names it. */
    private static String option(StrategyBench.Input input) {
        return switch (input) {
            case CACHE_FRACTION -> "--cache-fraction";
            case DRAM_BYTES -> "--dram";
            case BUDGETS -> "--budgets";
            case TOKENS -> "--tokens";
            case SWEEP_TOKENS -> "--sweep-tokens";
            case PROMPTS -> "--sentences";
            case PROMPT_TOKENS -> "--prompt-tokens";
            case DECODE_TOKENS -> "--decode-tokens";
            case MARGIN -> "--margin";
            case STRATEGIES -> "--strategies";
            case COMPARE_POLICIES -> "--compare-policies";
            case DTYPES -> "--dtypes";
        };
    }

    /** The strategies of --strategies (all five when not given), or a one-line error naming the known ones. */
    private List<BenchStrategy> strategyList() {
        if (strategies.isEmpty()) {
            return BenchStrategy.ALL;
        }
        return strategies.stream()
                .map(name -> OptionValues.checked("--strategies", () -> BenchStrategy.named(name)))
                .toList();
    }

    /** The bundle types of --dtypes. */
    private List<DType> dtypeList() {
        return dtypes.stream()
                .map(t -> OptionValues.weightType(t.trim(), "--dtypes"))
                .distinct()
                .toList();
    }

    /**
     * A decoder: profile the calibration text with the Java forward, then the strategies on
     * held-out prompts ({@link StrategyBench#decoder}).
     */
    private DecoderBenchReport measureDecoder(
            StrategyBench.Settings settings, ActivityRule activity, long calibrationTokens) throws IOException {
        if (!PreparedModel.isCheckpoint(inputs.model)) {
            throw new IllegalArgumentException(
                    inputs.model + ": bench places the model with every algorithm, so it needs "
                            + "the Hugging Face model directory, not a .ripple file");
        }
        Corpus corpus = inputs.corpus(calibrationText, 0.5).requireBothSplits();
        PreparedModel identity = DecoderText.prepare(inputs.model, run.work, run.quiet);
        int positions = DecoderText.maxPositions(identity.file());
        OptionValues.namingOptions(StrategyBench.Input.class, BenchCommand::option, () -> {
            settings.requireContextWithin(positions, inputs.model.toString());
            return null;
        });
        StrategyBench.requireDramFits(settings, identity.file()); // before the profiling and placing
        Tokenizer tokenizer = DecoderText.tokenizer(identity.file(), inputs.tokenizer);
        ProfileResult calib = Profiling.profile(
                identity.file(),
                inputs.tokenizer,
                corpus.calibration(),
                corpus.name() + ", calibration",
                activity,
                calibrationTokens,
                ProfileOptions.defaults().aheadMoments(), // recorded in a JVM that reads ahead (DECODERS.md)
                CliProgress.harness(run.quiet));
        return new StrategyBench(settings, CliProgress.harness(run.quiet))
                .decoder(new StrategyBench.DecoderInput(
                        inputs.model, identity, corpus.name(), calib, DecoderText.encode(tokenizer, corpus.heldOut())));
    }

    private static List<Double> parseBudgets(List<String> values) {
        List<Double> out = new ArrayList<>();
        if (values.size() == 1 && values.getFirst().equals("none")) {
            return out;
        }
        for (String v : values) {
            try {
                out.add(Double.parseDouble(v.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "--budgets: '" + v + "' is not a number (use e.g. 0.05,0.1,0.2 or none)");
            }
        }
        return out;
    }
}
