package dev.ripple.bench.cli;

import dev.ripple.core.activity.PredictorKind;
import dev.ripple.bench.harness.AuditedPredictor;
import dev.ripple.bench.harness.BenchReport;
import dev.ripple.bench.harness.BudgetPoint;
import dev.ripple.bench.harness.DenseForward;
import dev.ripple.bench.harness.FidelityRun;
import dev.ripple.bench.harness.IoReplay;
import dev.ripple.bench.harness.OrtReference;
import dev.ripple.bench.harness.PrefillReplay;
import dev.ripple.bench.harness.StrategyRun;
import dev.ripple.bench.harness.WorkloadBench;
import dev.ripple.bench.harness.WorkloadBenchReport;
import dev.ripple.cache.CachePolicies;
import dev.ripple.core.activity.ActivationPredictor;
import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.activity.LowRankPredictor;
import dev.ripple.core.activity.TracePredictor;
import dev.ripple.core.format.AtomicFile;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.format.StorageError;
import dev.ripple.bench.harness.DtypeComparison;
import dev.ripple.bench.harness.DecoderDtypeComparison;
import dev.ripple.core.runtime.MemoryPlan;
import dev.ripple.core.runtime.RippleModel;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.io.device.DeviceProfile;
import dev.ripple.io.device.UfsPresets;
import dev.ripple.io.nativeio.PageCache;
import dev.ripple.io.reader.ReaderKind;
import dev.ripple.placement.pipeline.ImportOptions;
import dev.ripple.placement.pipeline.LayoutOptions;
import dev.ripple.placement.pipeline.Placement;
import dev.ripple.placement.pipeline.PlacementPipeline;
import dev.ripple.placement.pipeline.Placements;
import dev.ripple.placement.pipeline.WrittenModel;
import dev.ripple.placement.PreparedModel;
import dev.ripple.bench.harness.DecoderBench;
import dev.ripple.bench.harness.DecoderBenchReport;
import dev.ripple.bench.harness.OraclePredictor;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.tokenizer.Tokenizer;
import dev.ripple.placement.algorithm.PlacementAlgorithm;
import dev.ripple.placement.algorithm.PlacementAlgorithms;
import dev.ripple.placement.importer.ImportedModel;
import dev.ripple.placement.profile.EncodedPassage;
import dev.ripple.placement.profile.ProfileResult;
import dev.ripple.placement.trace.ActivationTrace;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ripple bench}: one model, one run, the strategies of ARCHITECTURE.md side by side at the
 * same DRAM budget on the same held-out passages — decode-like and prefill-like I/O with the true
 * active sets, then the Java encoder with the real predictor for fidelity and speed, ONNX Runtime
 * as the compute peer, phone-storage projections and plots.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
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


    @Option(names = "--calibration-text", paramLabel = "C.txt",
            description = "calibration passages (default: a disjoint split of --text)")
    Path calibrationText;

    @Option(names = "--calibration-tokens", defaultValue = "20000", description = "tokens profiled for placement (default: ${DEFAULT-VALUE})")
    long calibrationTokens;

    @Option(names = "--sentences", defaultValue = "24", description = "held-out passages measured (default: ${DEFAULT-VALUE})")
    int sentences;

    @Option(names = "--tokens", defaultValue = "600", description = "at most this many held-out tokens replayed one by one (default: ${DEFAULT-VALUE})")
    int tokens;

    @Option(names = "--rule", description = ProfileCommand.RULE_HELP)
    String rule;

    @Option(names = "--predictor", defaultValue = "lowrank", description = "predictor of the forward passes: lowrank or "
            + "oracle (the true sets); decoders also dense (default: ${DEFAULT-VALUE})")
    String predictor;

    @Option(names = "--margin", defaultValue = "" + LowRankPredictor.DEFAULT_MARGIN,
            description = "low-rank predictor margin, in RMS errors of each neuron's prediction (default: ${DEFAULT-VALUE})")
    float margin;

    @Option(names = "--no-fill-in", description = "forward passes without mean fill-in")
    boolean noFillIn;

    @Option(names = "--cache-fraction", defaultValue = "0.1", description = "DRAM budget as a share of FFN bytes (default: ${DEFAULT-VALUE})")
    double cacheFraction;

    @Option(names = "--dram", paramLabel = "SIZE", description = "DRAM budget of the main table (e.g. 512MiB) instead of "
            + "--cache-fraction: resident tensors and (decoders) one session's KV cache first, the rest caches bundles")
    String dram;

    /** The split of --dram, once the files are written (null without --dram). */
    private MemoryPlan dramPlan;

    @Option(names = "--budgets", split = ",", defaultValue = "0.05,0.1,0.2,0.3",
            description = "cache budgets of the latency-against-budget sweep; 'none' to skip (default: ${DEFAULT-VALUE})")
    List<String> budgets;

    @Option(names = "--sweep-tokens", defaultValue = "200", description = "tokens replayed per sweep point (default: ${DEFAULT-VALUE})")
    int sweepTokens;

    @Option(names = "--workload", paramLabel = "DIR", description = "a synthetic workload written by 'ripple synth --workload': "
            + "the strategies token by token on its held-out stream and the budget sweep; figures labelled 'synthetic workload'")
    Path workload;

    @Option(names = "--json", paramLabel = "FILE", description = "write every figure as JSON")
    Path json;

    @Option(names = "--no-plots", description = "do not write the PNG plots")
    boolean noPlots;

    @Option(names = "--compare-policies", description = "also replay the ripple+ placement under every cache policy at the same budget")
    boolean comparePolicies;

    @Option(names = "--dtypes", split = ",", paramLabel = "TYPES",
            description = "also compare bundle types side by side on the ripple+ placement at one DRAM budget, e.g. "
                    + "f32,f16,q8_0,q4_0: bytes and I/O per token, and fidelity (encoders: cosine against ONNX Runtime; "
                    + "decoders: logits against the f32 bundles')")
    List<String> dtypes = new ArrayList<>();

    @Option(names = "--prompt-tokens", defaultValue = "32", description = "decoders: prompt length in tokens (default: ${DEFAULT-VALUE})")
    int promptTokens;

    @Option(names = "--decode-tokens", defaultValue = "32", description = "decoders: tokens generated per prompt (default: ${DEFAULT-VALUE})")
    int decodeTokens;

    @Spec
    CommandSpec spec;

    /** Placements already computed on the calibration trace (the demo's), so bench does not redo them. */
    record Placed(ImportedModel model, Placements placements) {
    }

    /** The placements of the strategies' files. */
    private static final List<String> STRATEGY_PLACEMENTS = List.of("identity", "frequency", "ripple", "ripple+");

    /** One strategy: which placement file, which cache policy, whether reads are collapsed. */
    private record Strategy(String name, String placement, String cache, boolean collapse) {
    }

    private static final List<Strategy> STRATEGIES = List.of(
            new Strategy("naive", "identity", "none", false),
            new Strategy("llm-in-a-flash", "identity", "window", false),
            new Strategy("powerinfer", "frequency", "lfu", false),
            new Strategy("ripple", "ripple", "linking", true),
            new Strategy("ripple+", "ripple+", "linking", true));

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        io.readerKind(); // an unknown reader fails before any work
        if (tokens < 1 || sentences < 1 || sweepTokens < 1 || calibrationTokens < 1) {
            throw new IllegalArgumentException("--tokens, --sentences, --sweep-tokens and --calibration-tokens must be positive");
        }
        if (!predictor.equals("lowrank") && !predictor.equals("oracle") && !(predictor.equals("dense") && inputs.decoder())) {
            throw new IllegalArgumentException("--predictor must be lowrank or oracle (or dense, for a decoder), not '"
                    + predictor + "'");
        }
        parseBudgets(budgets);
        dtypeList();
        if (dram != null) {
            GenerateCommand.parseBytes(dram);
        }
        if (workload != null) {
            return workload(o);
        }
        ActivityRule activity = rule == null ? null : ActivityRule.parse(rule);
        Files.createDirectories(run.work);
        if (inputs.decoder()) {
            DecoderBenchReport report = measureDecoder(activity);
            report.print(o);
            writeJson(o, report.toJsonBytes());
            return 0;
        }
        Path onnx = inputs.onnx(run.work);
        Path tok = inputs.tokenizer(run.work);
        Corpus corpus = inputs.corpus(calibrationText, 0.5);
        List<String> heldOutText = corpus.heldOut().subList(0, Math.min(sentences, corpus.heldOut().size()));

        ProfileResult calib = ProfileCommand.profile(onnx, tok, corpus.calibration(), corpus.name() + ", calibration",
                activity, calibrationTokens, run.quiet);
        BenchReport report = measure(onnx, tok, inputs.modelName(), corpus.name(),
                calib, heldOutText, null);
        report.print(o);
        if (!noPlots) {
            List<Path> pngs = report.plots(run.work);
            o.printf("plots: %s%n", String.join(", ", pngs.stream().map(Path::toString).toList()));
        }
        writeJson(o, report.toJsonBytes());
        return 0;
    }

    /** {@code --workload}: the strategies on a synthetic workload (WorkloadBench). */
    private int workload(PrintWriter o) throws IOException {
        ReaderKind readerKind = io.readerKind();
        Files.createDirectories(run.work);
        DeviceProfile profile = io.device != null ? io.deviceProfile() : CalibrateCommand.quick(run.work, run.quiet);
        WorkloadBenchReport report = WorkloadBench.run(new WorkloadBench.Settings(workload, readerKind, io.queueDepth, cacheFraction,
                parseBudgets(budgets), tokens, sweepTokens, profile, io.device != null), CliProgress.harness(run.quiet));
        report.print(o);
        writeJson(o, report.toJsonBytes());
        return 0;
    }

    /**
     * Everything after calibration profiling: held-out profile, device, files, ONNX Runtime
     * reference, the strategies, the sweep and the policy comparison. The demo calls it with its own
     * calibration profile and placements (options parsed by picocli so defaults apply).
     *
     * @param placed the model and its placements by algorithm name, or null to import and place here
     */
    BenchReport measure(Path onnx, Path tok, String modelName, String corpusName, ProfileResult calib,
                        List<String> heldOutText, Placed placed) throws IOException {
        ReaderKind readerKind = io.readerKind();
        ActivityRule activity = ActivityRule.parse(calib.trace().info().rule());
        List<Double> sweepBudgets = parseBudgets(budgets);
        Files.createDirectories(run.work);
        ProfileResult held = ProfileCommand.profile(onnx, tok, heldOutText, corpusName + ", held-out", activity,
                Long.MAX_VALUE / 4, run.quiet);
        ActivationTrace heldTrace = held.trace();
        int heldTokens = (int) held.tokens();
        int replayed = Math.min(tokens, heldTokens);
        DeviceProfile profile = io.device != null ? io.deviceProfile() : CalibrateCommand.quick(run.work, run.quiet);
        List<DeviceProfile> projections = List.of(UfsPresets.ufs31(), UfsPresets.ufs40());

        ImportedModel imported = placed != null ? placed.model()
                : PlacementPipeline.importModel(onnx, ImportOptions.defaults().withBundles(DType.F32));
        Written written = writeFiles(imported, calib, placed == null ? null : placed.placements());
        Map<String, Path> files = written.files();
        if (dram != null) {
            try (RippleFile f = RippleFile.open(files.get("ripple+"))) {
                dramPlan = MemoryPlan.withoutKvCache(f, GenerateCommand.parseBytes(dram));
            }
        }
        List<EncodedPassage> passages = OrtReference.encode(tok, heldOutText);
        OrtReference ort;
        try (RippleModel pooler = RippleModel.open(files.get("ripple+"), RuntimeOptions.defaults().withPredictor(PredictorKind.DENSE)
                .withCache("none", 0))) {
            ort = OrtReference.embed(onnx, passages, pooler.encoder().orElseThrow(() -> new IllegalArgumentException(
                    onnx + ": not a BERT-family model; bench needs an encoder to compare with ONNX Runtime")));
        }
        if (passages.size() != heldTrace.passageStarts().length) {
            throw new IllegalStateException("held-out passages (" + passages.size() + ") and profiled passages ("
                    + heldTrace.passageStarts().length + ") differ; the profiler and the tokenizer disagree");
        }

        TracePredictor sets = IoReplay.predictor(heldTrace);
        // Decode-like: the strategies interleaved token by token, so they meet the same device conditions.
        List<IoReplay.Setup> decodeSetups = new ArrayList<>();
        for (Strategy s : STRATEGIES) {
            Path file = files.get(s.placement());
            evictIfCached(file, readerKind);
            decodeSetups.add(new IoReplay.Setup(s.name(), file, mainOptions(s, profile, readerKind)));
        }
        List<IoReplay> decoded;
        try (CliProgress bar = CliProgress.start("decode, all strategies", replayed, run.quiet)) {
            decoded = IoReplay.interleaved(decodeSetups, sets, replayed, projections, bar::stepTo, null);
        }
        List<StrategyRun> runs = new ArrayList<>();
        for (int i = 0; i < STRATEGIES.size(); i++) {
            Strategy s = STRATEGIES.get(i);
            Path file = files.get(s.placement());
            RuntimeOptions options = mainOptions(s, profile, readerKind);
            evictIfCached(file, readerKind);
            PrefillReplay prefill;
            try (CliProgress bar = CliProgress.start(s.name() + " prefill", passages.size(), run.quiet)) {
                prefill = PrefillReplay.run(s.name(), file, options, sets, heldTrace.passageStarts(), heldTokens, bar::stepTo);
            }
            evictIfCached(file, readerKind);
            FidelityRun forward = forward(s.name(), file, options, sets, heldTrace, passages, ort.embeddings());
            runs.add(new StrategyRun(s.name(), s.placement(), s.cache(), s.collapse(), decoded.get(i), prefill, forward));
        }

        // The dense Java forward after the strategies' (the JIT warm as for them): in DRAM, ONNX
        // Runtime's peer; from flash, the demo's "dense" row.
        DenseForward dense = DenseForward.run(files.get("ripple+"), passages, ort.embeddings());
        Strategy plus = STRATEGIES.stream().filter(s -> s.name().equals("ripple+")).findFirst().orElseThrow();
        evictIfCached(files.get("ripple+"), readerKind);
        FidelityRun denseFromFlash = fidelity("dense", "dense from flash", files.get("ripple+"),
                mainOptions(plus, profile, readerKind).withPredictor(PredictorKind.DENSE).withFillIn(false), null, heldTrace, passages,
                ort.embeddings(), run.quiet);

        List<BudgetPoint> sweep = new ArrayList<>();
        int sweepReplayed = Math.min(sweepTokens, heldTokens);
        for (double budget : sweepBudgets) {
            List<IoReplay.Setup> setups = new ArrayList<>();
            for (Strategy s : STRATEGIES) {
                Path file = files.get(s.placement());
                evictIfCached(file, readerKind);
                setups.add(new IoReplay.Setup(s.name(), file, options(s, budget, profile, readerKind)));
            }
            try (CliProgress bar = CliProgress.start("cache " + Math.round(100 * budget) + "%", sweepReplayed, run.quiet)) {
                List<IoReplay> point = IoReplay.interleaved(setups, sets, sweepReplayed, List.of(), bar::stepTo, null);
                for (IoReplay r : point) {
                    sweep.add(new BudgetPoint(r.name(), budget, r));
                }
            }
        }

        List<IoReplay> policies = new ArrayList<>();
        if (comparePolicies) {
            Path file = files.get("ripple+");
            evictIfCached(file, readerKind);
            List<IoReplay.Setup> setups = new ArrayList<>();
            for (String policy : CachePolicies.names()) {
                setups.add(new IoReplay.Setup(policy, file,
                        options(new Strategy(policy, "ripple+", policy, true), cacheFraction, profile, readerKind)));
            }
            try (CliProgress bar = CliProgress.start("ripple+ under every policy", replayed, run.quiet)) {
                policies.addAll(IoReplay.interleaved(setups, sets, replayed, List.of(), bar::stepTo, null));
            }
        }

        DtypeComparison types = dtypes.isEmpty() ? null : compareDtypes(onnx, calib, activity, written, passages,
                ort.embeddings(), sets, heldTrace, replayed, profile, readerKind);

        return new BenchReport(modelName, corpusName,
                activity.describe(), readerKind.cliName(),
                io.queueDepth, mainFraction(written.imported()), predictor, !noFillIn, profile, io.device != null, projections, passages.size(),
                heldTokens, replayed, ort, dense, denseFromFlash, runs, sweepReplayed, sweep, policies, types);
    }

    /** The bundle types of --dtypes (checked before any work). */
    private List<DType> dtypeList() {
        return dtypes.stream().map(t -> PlaceCommand.weightType(t.trim(), "--dtypes")).distinct().toList();
    }

    /** Bytes of all FFN bundles of {@code model} stored as {@code type}. */
    private static long ffnBytes(ImportedModel model, DType type) {
        return model.layers().stream().mapToLong(l -> (long) l.spec().dFfn() * l.spec().withDtype(type).bundleBytes()).sum();
    }

    /** One file of the ripple+ placement in one bundle type, and what storing in that type cost. */
    private record TypedFile(DType type, Path file, StorageError error, long ffnBytes) {
    }

    /**
     * Writes the ripple+ placement once per type of --dtypes, each imported in that type, with the
     * same fill-in and predictor factors as the strategies' files.
     */
    private List<TypedFile> writeTypedFiles(Path model, ProfileResult calib, ActivityRule activity, Written written)
            throws IOException {
        List<TypedFile> out = new ArrayList<>();
        for (DType type : dtypeList()) {
            ImportedModel imported = PlacementPipeline.importModel(model, ImportOptions.defaults().withBundles(type));
            Path f = run.work.resolve("bench-ripplePlus-" + type.label() + ".ripple");
            WrittenModel w;
            try (CliSteps steps = new CliSteps(run.quiet)) {
                w = PlacementPipeline.write(imported, new Placement("ripple+", written.orders().get("ripple+"), null), calib.trace(),
                        LayoutOptions.defaults().withMargin(margin).withFitted(written.factors()), f, steps);
            }
            out.add(new TypedFile(type, f, new StorageError(w.meanUpGateError(), w.meanDownError()), ffnBytes(imported, type)));
        }
        return out;
    }

    /**
     * The encoder in every type of --dtypes at one cache budget in bytes (the share --cache-fraction
     * of the f16 FFN bytes): decode-like I/O with the true sets, types interleaved token by token,
     * then the Java encoder dense and with the run's predictor against ONNX Runtime.
     */
    private DtypeComparison compareDtypes(Path onnx, ProfileResult calib, ActivityRule activity, Written written,
                                          List<EncodedPassage> passages, List<float[]> reference, TracePredictor sets,
                                          ActivationTrace heldTrace, int replayed, DeviceProfile profile,
                                          ReaderKind readerKind) throws IOException {
        Strategy s = STRATEGIES.stream().filter(x -> x.name().equals("ripple+")).findFirst().orElseThrow();
        long cacheBytes = typesCacheBytes(written.imported());
        List<TypedFile> typed = writeTypedFiles(onnx, calib, activity, written);
        List<IoReplay.Setup> setups = new ArrayList<>();
        for (TypedFile t : typed) {
            evictIfCached(t.file(), readerKind);
            setups.add(new IoReplay.Setup(t.type().label(), t.file(),
                    options(s, cacheFraction, profile, readerKind).withCacheBytes(s.cache(), cacheBytes)));
        }
        List<IoReplay> decoded;
        try (CliProgress bar = CliProgress.start("decode, all types", replayed, run.quiet)) {
            decoded = IoReplay.interleaved(setups, sets, replayed, List.of(), bar::stepTo, null);
        }
        List<DtypeComparison.Row> rows = new ArrayList<>();
        for (int i = 0; i < typed.size(); i++) {
            TypedFile t = typed.get(i);
            String label = t.type().label();
            FidelityRun dense = fidelity(label + " dense", label + " dense", t.file(), RuntimeOptions.defaults()
                    .withReader(readerKind).withPredictor(PredictorKind.DENSE).withCache("none", 0), null, heldTrace, passages, reference, run.quiet);
            evictIfCached(t.file(), readerKind);
            FidelityRun sparse = forward(label, t.file(), setups.get(i).options(), sets, heldTrace, passages, reference);
            rows.add(new DtypeComparison.Row(label, t.ffnBytes(), t.error(), dense, sparse, decoded.get(i)));
        }
        return new DtypeComparison(cacheBytes, rows);
    }

    /**
     * A decoder: profile the calibration text with the Java forward, place with every algorithm,
     * write one file per placement (predictor and fill-in included), then generate from held-out
     * prompts with every strategy: the model's own predictions and reads.
     */
    private DecoderBenchReport measureDecoder(ActivityRule activity) throws IOException {
        if (!PreparedModel.isCheckpoint(inputs.model)) {
            throw new IllegalArgumentException(inputs.model + ": bench places the model with every algorithm, so it needs "
                    + "the Hugging Face model directory, not a .ripple file");
        }
        if (promptTokens < 1 || decodeTokens < 1) {
            throw new IllegalArgumentException("--prompt-tokens and --decode-tokens must be positive");
        }
        ReaderKind readerKind = io.readerKind();
        Corpus corpus = inputs.corpus(calibrationText, 0.5);
        PreparedModel identity = DecoderText.prepare(inputs.model, run.work, run.quiet);
        Tokenizer tokenizer = DecoderText.tokenizer(identity.file(), inputs.tokenizer);
        ProfileResult calib = DecoderText.profile(inputs.model, inputs.tokenizer, run.work, corpus.calibration(),
                corpus.name() + ", calibration", activity, calibrationTokens, run.quiet);
        ActivityRule used = ActivityRule.parse(calib.trace().info().rule());
        ImportedModel imported = PlacementPipeline.importModel(inputs.model, ImportOptions.defaults().withBundles(DType.F16));
        Written written = writeFiles(imported, calib, null);
        Map<String, Path> files = written.files();
        List<int[]> prompts = new ArrayList<>();
        for (int[] ids : DecoderText.encode(tokenizer, corpus.heldOut())) {
            if (prompts.size() == sentences) {
                break;
            }
            if (ids.length >= Math.min(8, promptTokens)) {
                prompts.add(java.util.Arrays.copyOf(ids, Math.min(ids.length, promptTokens)));
            }
        }
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException(corpus.name() + ": no held-out passage to prompt with");
        }
        DeviceProfile profile = io.device != null ? io.deviceProfile() : CalibrateCommand.quick(run.work, run.quiet);
        int context = promptTokens + decodeTokens + 1;
        if (dram != null) {
            try (RippleFile f = RippleFile.open(files.get("ripple+"))) {
                dramPlan = MemoryPlan.of(f, dev.ripple.core.model.decoder.DecoderConfig.fromJson(f.architecture()),
                        GenerateCommand.parseBytes(dram), context, DType.F16, 1);
            }
        }
        List<DecoderBench.Result> results;
        try (RippleFile reference = RippleFile.open(identity.file())) {
            ActivationPredictor oracle = predictor.equals("oracle") ? new OraclePredictor(reference, used) : null;
            List<DecoderBench.Setup> setups = new ArrayList<>();
            for (Strategy s : STRATEGIES) {
                RuntimeOptions o = mainOptions(s, profile, readerKind)
                        .withPredictor(predictor.equals("dense") ? PredictorKind.DENSE : PredictorKind.LOWRANK).withFillIn(!noFillIn).withMargin(margin);
                setups.add(new DecoderBench.Setup(s.name(), s.placement(), s.cache(), s.collapse(), files.get(s.placement()), o,
                        oracle));
            }
            try (CliProgress bar = CliProgress.start("generate, all strategies", prompts.size(), run.quiet)) {
                results = DecoderBench.run(setups, identity.file(), prompts, decodeTokens, context, DType.F16, bar::stepTo);
            }
        }
        DecoderDtypeComparison types = dtypes.isEmpty() ? null
                : compareDecoderDtypes(calib, used, written, prompts, context, profile, readerKind);
        double meanPrompt = prompts.stream().mapToInt(p -> p.length).average().orElse(0);
        return new DecoderBenchReport(inputs.model.toString(), corpus.name(), used.describe(), predictor,
                readerKind.cliName(), io.queueDepth,
                mainFraction(imported), profile, io.device != null, prompts.size(), meanPrompt, decodeTokens, "f16", results, types);
    }

    /**
     * The decoder in every type of --dtypes at one cache budget in bytes (the share --cache-fraction
     * of the f16 FFN bytes), every step's logits compared with the model whose bundles are f32: each
     * type dense (its rounding alone) and with the run's predictor (its I/O), all interleaved per prompt.
     */
    private DecoderDtypeComparison compareDecoderDtypes(ProfileResult calib, ActivityRule activity, Written written,
                                                        List<int[]> prompts, int context, DeviceProfile profile,
                                                        ReaderKind readerKind) throws IOException {
        Strategy s = STRATEGIES.stream().filter(x -> x.name().equals("ripple+")).findFirst().orElseThrow();
        long cacheBytes = typesCacheBytes(written.imported());
        List<TypedFile> typed = writeTypedFiles(inputs.model, calib, activity, written);
        PreparedModel f32;
        try (CliProgress bar = CliProgress.start("import " + inputs.model.getFileName() + " in f32", -1, run.quiet)) {
            f32 = PreparedModel.of(inputs.model, run.work, DType.F32, l -> bar.stepTo(l + 1));
        }
        List<DecoderBench.Result> results;
        try (RippleFile reference = RippleFile.open(f32.file())) {
            ActivationPredictor oracle = predictor.equals("oracle") ? new OraclePredictor(reference, activity) : null;
            List<DecoderBench.Setup> setups = new ArrayList<>();
            for (TypedFile t : typed) {
                RuntimeOptions dense = options(s, 0, profile, readerKind).withPredictor(PredictorKind.DENSE).withFillIn(false);
                setups.add(new DecoderBench.Setup(t.type().label() + " dense", s.placement(), "none", s.collapse(), t.file(),
                        dense, null));
                RuntimeOptions sparse = options(s, 0, profile, readerKind).withCacheBytes(s.cache(), cacheBytes)
                        .withPredictor(predictor.equals("dense") ? PredictorKind.DENSE : PredictorKind.LOWRANK).withFillIn(!noFillIn).withMargin(margin);
                setups.add(new DecoderBench.Setup(t.type().label(), s.placement(), s.cache(), s.collapse(), t.file(), sparse,
                        oracle));
            }
            try (CliProgress bar = CliProgress.start("generate, all types", prompts.size(), run.quiet)) {
                results = DecoderBench.run(setups, f32.file(), prompts, decodeTokens, context, DType.F16, bar::stepTo);
            }
        }
        List<DecoderDtypeComparison.Row> rows = new ArrayList<>();
        for (int i = 0; i < typed.size(); i++) {
            TypedFile t = typed.get(i);
            rows.add(new DecoderDtypeComparison.Row(t.type().label(), t.ffnBytes(), t.error(), results.get(2 * i),
                    results.get(2 * i + 1)));
        }
        return new DecoderDtypeComparison(cacheBytes, rows);
    }

    /** The main table's cache: what --dram leaves for bundles when given, else --cache-fraction of the FFN bytes. */
    private RuntimeOptions mainOptions(Strategy s, DeviceProfile profile, ReaderKind readerKind) {
        RuntimeOptions o = options(s, cacheFraction, profile, readerKind);
        return dramPlan == null ? o : o.withCacheBytes(dramPlan.cacheBytes() > 0 ? s.cache() : "none", dramPlan.cacheBytes());
    }

    /** The main table's cache as a share of the strategies' FFN bytes (what --dram left, when given). */
    private double mainFraction(ImportedModel model) {
        if (dramPlan == null) {
            return cacheFraction;
        }
        DType type = model.layers().getFirst().spec().dtype();
        return Math.min(1, dramPlan.cacheBytes() / (double) ffnBytes(model, type));
    }

    /** The cache of every --dtypes file: the bytes --dram leaves, else --cache-fraction of the f16 FFN bytes. */
    private long typesCacheBytes(ImportedModel model) {
        return dramPlan != null ? dramPlan.cacheBytes() : (long) (cacheFraction * ffnBytes(model, DType.F16));
    }

    private RuntimeOptions options(Strategy s, double budget, DeviceProfile profile, ReaderKind readerKind) {
        RuntimeOptions options = RuntimeOptions.defaults().withReader(readerKind).withQueueDepth(io.queueDepth)
                .withFillIn(false).withCache(s.cache(), budget)
                .withEmulatedDevice(io.device != null ? profile : null);   // --device: every read takes the device's time
        return s.collapse() ? options.withDevice(profile) : options.withDevice(null).withMaxGapBytes(0);
    }

    /** The Java encoder over the held-out passages from one strategy's file, with the run's predictor. */
    private FidelityRun forward(String name, Path file, RuntimeOptions ioOptions, TracePredictor sets, ActivationTrace truth,
                                List<EncodedPassage> passages, List<float[]> reference) throws IOException {
        boolean oracle = predictor.equals("oracle");
        RuntimeOptions options = ioOptions.withPredictor(PredictorKind.LOWRANK).withFillIn(!noFillIn).withMargin(margin);
        return fidelity(name, name + " forward", file, options, oracle ? sets : null, truth, passages, reference, run.quiet);
    }

    /**
     * Embeds {@code passages} from {@code file} with the Java encoder and compares each with
     * {@code reference}. The predictor the options select (or {@code override}) is audited against
     * the true sets of {@code truth}, unless it is the dense one.
     *
     * @param task the progress bar's text
     */
    static FidelityRun fidelity(String label, String task, Path file, RuntimeOptions options, ActivationPredictor override,
                                ActivationTrace truth, List<EncodedPassage> passages, List<float[]> reference,
                                boolean quiet) throws IOException {
        AuditedPredictor audit = null;
        ActivationPredictor predictor = override;
        // the probe stays open while its predictor is used: a predictor read from a file computes
        // on the file's mapped factors
        RippleModel probe = null;
        try {
            if (options.predictor() != PredictorKind.DENSE) {
                probe = RippleModel.open(file, options, override, null);
                audit = new AuditedPredictor(probe.predictor(), truth);
                predictor = audit;
            }
            try (RippleModel m = RippleModel.open(file, options, predictor, null);
                 CliProgress bar = CliProgress.start(task, passages.size(), quiet)) {
                int[] done = {0};
                return FidelityRun.run(label, m, passages, reference, audit, () -> bar.stepTo(++done[0]));
            }
        } finally {
            if (probe != null) {
                probe.close();
            }
        }
    }

    /**
     * The strategies' files by placement, and what made them (the model as imported, each
     * placement's orders, the predictor's factors), so further files can share them.
     */
    private record Written(Map<String, Path> files, ImportedModel imported, Map<String, int[][]> orders,
                           List<LowRankPredictor.Factors> factors) {
    }

    /**
     * One .ripple file per strategy placement, each with fill-in means and the same low-rank
     * predictor (fitted once); placements in {@code given} are reused, the others computed here.
     */
    private Written writeFiles(ImportedModel imported, ProfileResult calib, Placements given) throws IOException {
        List<PlacementAlgorithm> missing = STRATEGY_PLACEMENTS.stream()
                .filter(n -> given == null || !given.byAlgorithm().containsKey(n)).map(PlacementAlgorithms::byName).toList();
        Map<String, Path> files = new LinkedHashMap<>();
        Map<String, int[][]> orders = new LinkedHashMap<>();
        try (CliSteps steps = new CliSteps(run.quiet)) {
            Placements here = missing.isEmpty() ? null : PlacementPipeline.place(calib.trace(), null, missing, steps);
            List<LowRankPredictor.Factors> factors = PlacementPipeline.fitPredictor(imported, calib.trace(), -1, steps);
            LayoutOptions layout = LayoutOptions.defaults().withMargin(margin).withFitted(factors);
            for (String name : STRATEGY_PLACEMENTS) {
                Placement p = here != null && here.byAlgorithm().containsKey(name) ? here.get(name) : given.get(name);
                Path f = run.work.resolve("bench-" + name.replace("+", "plus") + ".ripple");
                PlacementPipeline.write(imported, p, calib.trace(), layout, f, steps);
                files.put(name, f);
                orders.put(name, p.orders());
            }
            return new Written(files, imported, orders, factors);
        }
    }

    private static void evictIfCached(Path file, ReaderKind kind) throws IOException {
        if (kind.usesPageCache()) {
            PageCache.evict(file);
        }
    }

    private static List<Double> parseBudgets(List<String> values) {
        List<Double> out = new ArrayList<>();
        if (values.size() == 1 && values.getFirst().equals("none")) {
            return out;
        }
        for (String v : values) {
            double b;
            try {
                b = Double.parseDouble(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--budgets: '" + v + "' is not a number (use e.g. 0.05,0.1,0.2 or none)");
            }
            if (!(b >= 0 && b <= 1)) {
                throw new IllegalArgumentException("--budgets: " + v + " is not a share in [0, 1]");
            }
            out.add(b);
        }
        return out;
    }

    /** Writes the report's JSON to --json atomically, if asked, and says where. */
    private void writeJson(PrintWriter o, byte[] bytes) throws IOException {
        if (json != null) {
            AtomicFile.write(json, ch -> ch.write(ByteBuffer.wrap(bytes)));
            o.printf("json: %s%n", json);
        }
    }
}
