package dev.ripple.bench.harness;

import static dev.ripple.bench.harness.BenchStrategy.RIPPLE_PLUS;

import dev.ripple.core.activity.ActivationPredictor;
import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.activity.LowRankPredictor;
import dev.ripple.core.activity.PredictorKind;
import dev.ripple.core.activity.TracePredictor;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.StorageError;
import dev.ripple.core.model.decoder.DecoderConfig;
import dev.ripple.core.runtime.MemoryPlan;
import dev.ripple.core.runtime.RippleModel;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.core.tensor.DType;
import dev.ripple.io.Sizes;
import dev.ripple.io.device.DeviceProfile;
import dev.ripple.io.device.UfsPresets;
import dev.ripple.io.nativeio.PageCache;
import dev.ripple.io.reader.ReaderKind;
import dev.ripple.placement.PreparedModel;
import dev.ripple.placement.algorithm.PlacementAlgorithm;
import dev.ripple.placement.algorithm.PlacementAlgorithms;
import dev.ripple.placement.importer.ImportedModel;
import dev.ripple.placement.pipeline.ImportOptions;
import dev.ripple.placement.pipeline.LayoutOptions;
import dev.ripple.placement.pipeline.Placement;
import dev.ripple.placement.pipeline.PlacementPipeline;
import dev.ripple.placement.pipeline.Placements;
import dev.ripple.placement.pipeline.TrainedFit;
import dev.ripple.placement.pipeline.TrainingOptions;
import dev.ripple.placement.pipeline.WrittenModel;
import dev.ripple.placement.predictor.FittedPredictor;
import dev.ripple.placement.profile.EncodedPassage;
import dev.ripple.placement.profile.ProfileResult;
import dev.ripple.placement.synthetic.GeneratedWeights;
import dev.ripple.placement.trace.ActivationTrace;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The strategies of {@link BenchStrategy#ALL} side by side on one model at the same DRAM budget, as values:
 * what {@code ripple bench} prints and the demo's closing table. For an encoder: decode-like and
 * prefill-like I/O with the true active sets on held-out passages, the Java encoder with the run's
 * predictor for fidelity and speed, ONNX Runtime as the compute peer, the budget sweep; for a
 * decoder: generation from held-out prompts with the model's own predictions and reads.
 *
 * <pre>{@code
 * StrategyBench bench = new StrategyBench(StrategyBench.Settings.defaults(Path.of("work")), Progress.NONE);
 * EncoderText text = new EncoderText(onnx, tokenizer, "all-MiniLM-L6-v2", "Europarl", calibrationLines, heldOutLines);
 * ProfileResult calibration = text.profile(calibrationLines, "calibration", null, 10_000, Progress.NONE);
 * BenchReport report = bench.encoder(new StrategyBench.EncoderInput(text, calibration, null));
 * report.print(out);
 * }</pre>
 */
public final class StrategyBench {

    /** The inputs of {@link Settings} a rule can be about, as {@link InvalidBenchSettingsException} names them. */
    public enum Input implements InvalidBenchSettingsException.Setting {
        CACHE_FRACTION,
        DRAM_BYTES,
        BUDGETS,
        TOKENS,
        SWEEP_TOKENS,
        PROMPTS,
        PROMPT_TOKENS,
        DECODE_TOKENS,
        MARGIN,
        STRATEGIES,
        COMPARE_POLICIES,
        DTYPES
    }

    /** The rules of this harness's settings, typed by {@link Input}: another harness's input does not compile. */
    private static final InvalidBenchSettingsException.Rules<Input, InvalidBenchSettingsException> RULES =
            InvalidBenchSettingsException.rules();

    /**
     * How the strategies are run. Each component has a wither ({@code withTokens(t)}, ...) from
     * {@link StrategyBenchSettingsBuilder.With}.
     *
     * @param work            directory for the strategies' files (and the quick device profile)
     * @param reader          how bundles are read
     * @param queueDepth      reads in flight per request
     * @param emulatedDevice  a device every read is made to take the time of; null: this machine's
     *                        storage, profiled quickly at the start
     * @param cacheFraction   the main table's cache as a share of the FFN bytes (without {@code dramBytes})
     * @param dramBytes       the main table's DRAM budget (resident tensors and KV cache first); 0: use cacheFraction
     * @param predictor       lowrank, trained (encoders: trained on the calibration text and stored in the
     *                        strategies' files first), oracle (the true sets) or, for decoders, dense
     * @param fillIn          forward passes with mean fill-in
     * @param margin          the low-rank predictor's margin
     * @param budgets         cache budgets of the sweep (shares of the FFN bytes); empty: no sweep
     * @param tokens          held-out tokens replayed one by one (encoders)
     * @param sweepTokens     tokens replayed per sweep point
     * @param comparePolicies also replay ripple+ under every cache policy at the same budget
     * @param dtypes          bundle types compared side by side on ripple+; empty: none
     * @param prompts         decoders: held-out prompts generated from
     * @param promptTokens    decoders: prompt length
     * @param decodeTokens    decoders: tokens generated per prompt
     * @param strategies      the strategies run, kept in the order of {@link BenchStrategy#ALL} and each
     *                        once, whatever order they are given in; only their placements are written.
     *                        {@code comparePolicies} and {@code dtypes} run on the ripple+ file, so
     *                        they need ripple+ among them (refused otherwise, rather than run unasked)
     */
    @RecordBuilder
    public record Settings(
            Path work,
            ReaderKind reader,
            int queueDepth,
            DeviceProfile emulatedDevice,
            double cacheFraction,
            long dramBytes,
            BenchPredictor predictor,
            boolean fillIn,
            float margin,
            List<Double> budgets,
            int tokens,
            int sweepTokens,
            boolean comparePolicies,
            List<DType> dtypes,
            int prompts,
            int promptTokens,
            int decodeTokens,
            List<BenchStrategy> strategies)
            implements StrategyBenchSettingsBuilder.With {

        /** @throws InvalidBenchSettingsException naming the first setting out of range */
        public Settings {
            Objects.requireNonNull(predictor, "predictor");
            RULES.requireShare(Input.CACHE_FRACTION, cacheFraction);
            RULES.requireNonNegative(Input.DRAM_BYTES, dramBytes);
            budgets = List.copyOf(budgets);
            for (double b : budgets) {
                RULES.requireShare(Input.BUDGETS, b);
            }
            RULES.requirePositive(Input.TOKENS, tokens);
            RULES.requirePositive(Input.SWEEP_TOKENS, sweepTokens);
            RULES.requirePositive(Input.PROMPTS, prompts);
            RULES.requirePositive(Input.PROMPT_TOKENS, promptTokens);
            if (decodeTokens < 2) {
                // the first generated token comes from the prefill: one token measures no decode step,
                // and every decode figure would be NaN
                throw RULES.refuse(
                        Input.DECODE_TOKENS,
                        "must be at least 2 (the first token comes from the prefill: 1 measures no decode step), got "
                                + decodeTokens);
            }
            if ((long) promptTokens + decodeTokens - 1 > Integer.MAX_VALUE) {
                throw RULES.refuse(
                        List.of(Input.PROMPT_TOKENS, Input.DECODE_TOKENS),
                        n -> n.apply(Input.PROMPT_TOKENS) + " " + promptTokens + " and " + n.apply(Input.DECODE_TOKENS)
                                + " " + decodeTokens + " make a context longer than any model's",
                        null);
            }
            RULES.requireNonNegative(Input.MARGIN, margin);
            dtypes = List.copyOf(dtypes);
            strategies = chosen(strategies, comparePolicies, dtypes);
        }

        /**
         * {@code strategies} in canonical order, each once; refused when none is given, one is not of
         * {@link BenchStrategy#ALL}, or ripple+ is missing where a comparison needs its file.
         */
        private static List<BenchStrategy> chosen(
                List<BenchStrategy> strategies, boolean comparePolicies, List<DType> dtypes) {
            for (BenchStrategy st : strategies) {
                if (!BenchStrategy.ALL.contains(st)) {
                    throw RULES.refuse(
                            Input.STRATEGIES,
                            "must be among " + String.join(", ", BenchStrategy.names(BenchStrategy.ALL)) + ", got "
                                    + st);
                }
            }
            List<BenchStrategy> chosen = BenchStrategy.canonical(strategies);
            if (chosen.isEmpty()) {
                throw RULES.refuse(Input.STRATEGIES, "must name at least one strategy");
            }
            if (!chosen.contains(RIPPLE_PLUS)) {
                if (comparePolicies) {
                    throw needsRipplePlus(Input.COMPARE_POLICIES, "replays the ripple+ file under every cache policy");
                }
                if (!dtypes.isEmpty()) {
                    throw needsRipplePlus(Input.DTYPES, "compares the bundle types on the ripple+ placement");
                }
            }
            return chosen;
        }

        /** "--dtypes compares the bundle types on the ripple+ placement: add ripple+ to --strategies". */
        private static InvalidBenchSettingsException needsRipplePlus(Input input, String why) {
            return RULES.refuse(
                    List.of(input, Input.STRATEGIES),
                    n -> n.apply(input) + " " + why + ": add ripple+ to " + n.apply(Input.STRATEGIES),
                    null);
        }

        /**
         * Decoders: the KV cache length a session needs, the prompt and every generated token but the
         * last: the first token comes from the prompt's logits, and the last is never fed back.
         */
        public int context() {
            return promptTokens + decodeTokens - 1;
        }

        /**
         * Decoders: the session's {@link #context()} fits a model of {@code maxPositions}; checked
         * once the model is known, before it is profiled or placed.
         *
         * @throws InvalidBenchSettingsException about the prompt and decode tokens when it does not
         */
        public void requireContextWithin(int maxPositions, String model) {
            if (context() > maxPositions) {
                throw RULES.refuse(
                        List.of(Input.PROMPT_TOKENS, Input.DECODE_TOKENS),
                        n -> n.apply(Input.PROMPT_TOKENS) + " " + promptTokens + " and " + n.apply(Input.DECODE_TOKENS)
                                + " " + decodeTokens + " need a context of " + context() + " tokens; " + model
                                + " holds " + maxPositions + " (give smaller ones)",
                        null);
            }
        }

        /** Held-out tokens replayed one by one unless set. */
        public static final int DEFAULT_TOKENS = 600;
        /** Tokens replayed per sweep point unless set. */
        public static final int DEFAULT_SWEEP_TOKENS = 200;
        /** Held-out passages (decoders: prompts) unless set. */
        public static final int DEFAULT_PASSAGES = 24;
        /** Decoders: prompt length and tokens generated per prompt unless set. */
        public static final int DEFAULT_PROMPT_TOKENS = 32, DEFAULT_DECODE_TOKENS = 32;
        /** The sweep's cache budgets unless set, as the command line spells them. */
        public static final String DEFAULT_BUDGETS = "0.05,0.1,0.2,0.3";

        /**
         * {@code ripple bench}'s defaults: direct reads at depth 8, this machine's storage, 10% cache,
         * low-rank predictor with fill-in, all five strategies.
         */
        public static Settings defaults(Path work) {
            return new Settings(
                    work,
                    ReaderKind.DIRECT,
                    RuntimeOptions.DEFAULT_QUEUE_DEPTH,
                    null,
                    RuntimeOptions.DEFAULT_CACHE_FRACTION,
                    0,
                    BenchPredictor.LOWRANK,
                    true,
                    LowRankPredictor.DEFAULT_MARGIN,
                    Arrays.stream(DEFAULT_BUDGETS.split(","))
                            .map(Double::valueOf)
                            .toList(),
                    DEFAULT_TOKENS,
                    DEFAULT_SWEEP_TOKENS,
                    false,
                    List.of(),
                    DEFAULT_PASSAGES,
                    DEFAULT_PROMPT_TOKENS,
                    DEFAULT_DECODE_TOKENS,
                    BenchStrategy.ALL);
        }
    }

    /**
     * Placements already computed on the calibration trace (the demo's), so the bench does not redo
     * them.
     *
     * @param factors the low-rank predictor fitted to the same trace at the default rank, or null to
     *                fit it here
     */
    public record Placed(ImportedModel model, Placements placements, FittedPredictor factors) {}

    /**
     * An encoder and its text, the calibration lines profiled already.
     *
     * @param text        the model and its text: the held-out lines are the passages measured; the
     *                    calibration lines are what the predictor of {@code --predictor trained} is
     *                    trained on
     * @param calibration the profile of the calibration lines
     * @param placed      the model and its placements, or null to import and place here
     */
    public record EncoderInput(EncoderText text, ProfileResult calibration, Placed placed) {}

    /**
     * A decoder checkpoint, prepared in identity order, and its text.
     *
     * @param prompts held-out passages as token ids (cut to the prompt length here)
     */
    public record DecoderInput(
            Path checkpoint,
            PreparedModel identity,
            String corpusName,
            ProfileResult calibration,
            List<int[]> prompts) {}

    private final Settings s;
    private final Progress progress;
    /** How each table reads, its budget included, once the files are written (the DRAM plan needs one). */
    private TableOptions tables;
    /** Whether a strategy's forward has been warmed up with every passage (the JIT's compilation done). */
    private boolean forwardCompiled;
    /** How a file is evicted before a pass: the page cache's eviction, or a test's record of it. */
    private final PassStarts.Evictor evictor;
    /** Each file's {@link PassStart} and its evictions; a new one when a run starts. */
    private PassStarts passStarts;

    public StrategyBench(Settings settings, Progress progress) {
        this(settings, progress, PageCache::attempt);
    }

    /** A bench whose evictions go through {@code evictor}: a test sees which file is evicted when. */
    StrategyBench(Settings settings, Progress progress, PassStarts.Evictor evictor) {
        this.s = settings;
        this.progress = progress;
        this.evictor = evictor;
    }

    /**
     * Everything after calibration profiling, for an encoder: held-out profile, device, files, ONNX
     * Runtime reference, the strategies, the dense forward, the sweep, the policy and type comparisons.
     */
    public BenchReport encoder(EncoderInput in) throws IOException {
        passStarts = new PassStarts(s.reader(), s.emulatedDevice() != null, evictor); // each run, for its files
        ReaderKind readerKind = s.reader();
        ActivityRule activity = in.calibration().rule();
        Files.createDirectories(s.work());
        EncoderText text = in.text();
        ProfileResult held = text.profile(text.heldOutText(), "held-out", activity, Long.MAX_VALUE / 4, progress);
        ActivationTrace heldTrace = held.trace();
        int heldTokens = (int) held.tokens();
        int replayed = Math.min(s.tokens(), heldTokens);
        DeviceProfile profile = device();
        List<DeviceProfile> projections = List.of(UfsPresets.ufs31(), UfsPresets.ufs40());

        ImportedModel imported = in.placed() != null
                ? in.placed().model()
                : PlacementPipeline.importModel(
                        text.onnx(), ImportOptions.defaults().withBundles(DType.F32));
        Written written = writeFiles(
                imported, in.calibration(), in.placed(), s.predictor() == BenchPredictor.TRAINED ? text : null);
        Map<String, Path> files = written.files();
        Path representative = written.representative();
        MemoryPlan dramPlan = null;
        if (s.dramBytes() > 0) {
            try (RippleFile f = RippleFile.open(representative)) {
                dramPlan = MemoryPlan.withoutKvCache(f, s.dramBytes());
            }
        }
        tables = new TableOptions(s, dramPlan, profile);
        List<EncodedPassage> passages = OrtReference.encode(text.tokenizer(), text.heldOutText());
        OrtReference ort;
        try (RippleModel pooler = RippleModel.open(
                representative,
                RuntimeOptions.defaults().withPredictor(PredictorKind.DENSE).withCache("none", 0))) {
            ort = OrtReference.embed(
                    text.onnx(),
                    passages,
                    pooler.encoder()
                            .orElseThrow(
                                    () -> new IllegalArgumentException(
                                            text.onnx()
                                                    + ": not a BERT-family model; bench needs an encoder to compare with ONNX Runtime")));
        }
        if (passages.size() != heldTrace.passageStarts().length) {
            throw new IllegalStateException("held-out passages (" + passages.size() + ") and profiled passages ("
                    + heldTrace.passageStarts().length + ") differ; the profiler and the tokenizer disagree");
        }

        TracePredictor sets = IoReplay.predictor(heldTrace);
        // Decode-like: the strategies interleaved token by token, so they meet the same device conditions;
        // then prefill-like, interleaved passage by passage for the same reason, each pass from evicted files
        List<IoReplay.Setup> replays = tables.strategies(files);
        evictAll(replays);
        List<IoReplay> decoded;
        try (Progress.Step step = progress.start("decode, " + BenchStrategy.describe(s.strategies()), replayed)) {
            decoded = IoReplay.interleaved(replays, sets, replayed, projections, step::stepTo, null);
        }
        evictAll(replays);
        List<PrefillReplay> prefills;
        try (Progress.Step step =
                progress.start("prefill, " + BenchStrategy.describe(s.strategies()), passages.size())) {
            prefills = PrefillReplay.interleaved(replays, sets, heldTrace.passageStarts(), heldTokens, step::stepTo);
        }
        List<StrategyRun> runs = new ArrayList<>();
        for (int i = 0; i < s.strategies().size(); i++) {
            BenchStrategy st = s.strategies().get(i);
            Path file = files.get(st.placement());
            RuntimeOptions options = tables.main(st);
            PrefillReplay prefill = prefills.get(i);
            FidelityRun forward = forward(st.name(), file, options, sets, heldTrace, passages, ort.embeddings());
            runs.add(new StrategyRun(
                    st.name(), st.placement(), st.cache(), st.collapse(), decoded.get(i), prefill, forward));
        }

        // The dense Java forward after the strategies' (the JIT warm as for them): in DRAM, ONNX
        // Runtime's peer; from flash, the demo's "dense" row, read as ripple+ reads (every neuron is
        // read, so which strategy's file serves does not matter).
        DenseForward dense = DenseForward.run(representative, passages, ort.embeddings());
        evictIfCached(representative);
        FidelityRun denseFromFlash = fidelity(
                "dense",
                "dense from flash",
                representative,
                tables.main(RIPPLE_PLUS).withPredictor(PredictorKind.DENSE).withFillIn(false),
                null,
                heldTrace,
                passages,
                ort.embeddings(),
                progress);

        List<BudgetPoint> sweep = new ArrayList<>();
        int sweepReplayed = Math.min(s.sweepTokens(), heldTokens);
        for (double budget : s.budgets()) {
            List<IoReplay.Setup> setups = new ArrayList<>();
            for (BenchStrategy st : s.strategies()) {
                Path file = files.get(st.placement());
                evictIfCached(file);
                setups.add(new IoReplay.Setup(st.name(), file, tables.atShare(st, budget)));
            }
            try (Progress.Step step = progress.start("cache " + Math.round(100 * budget) + "%", sweepReplayed)) {
                for (IoReplay r : IoReplay.interleaved(setups, sets, sweepReplayed, List.of(), step::stepTo, null)) {
                    sweep.add(new BudgetPoint(r.name(), budget, r));
                }
            }
        }

        List<IoReplay> policies = new ArrayList<>();
        if (s.comparePolicies()) { // the settings saw to it that ripple+ ran
            List<IoReplay.Setup> setups = tables.policies(files.get("ripple+"));
            evictAll(setups);
            try (Progress.Step step = progress.start("ripple+ under every policy", replayed)) {
                policies.addAll(IoReplay.interleaved(setups, sets, replayed, List.of(), step::stepTo, null));
            }
        }

        DtypeComparison types = s.dtypes().isEmpty()
                ? null
                : compareDtypes(
                        text.onnx(), in.calibration(), written, passages, ort.embeddings(), sets, heldTrace, replayed);

        // the strategies' files differ only in order, so one decision speaks for all of them
        PassStart start = passStarts.overall(representative);
        return new BenchReport(
                text.modelName(),
                text.corpusName(),
                activity.describe(),
                start.readerRan(readerKind),
                start,
                s.queueDepth(),
                tables.mainFraction(written.imported()),
                s.predictor().label(),
                s.fillIn(),
                profile,
                s.emulatedDevice() != null,
                projections,
                passages.size(),
                heldTokens,
                replayed,
                ort,
                dense,
                denseFromFlash,
                runs,
                sweepReplayed,
                sweep,
                policies,
                types);
    }

    /**
     * The split of the --dram budget for one session of the decoder {@code file} at the settings'
     * context, KV cache in f16.
     *
     * @throws IllegalArgumentException saying how much is needed when the budget is too small
     */
    private static MemoryPlan decoderDramPlan(Settings s, Path file) throws IOException {
        try (RippleFile f = RippleFile.open(file)) {
            return MemoryPlan.of(f, DecoderConfig.fromJson(f.architecture()), s.dramBytes(), s.context(), DType.F16, 1);
        }
    }

    /**
     * Refuses, before the profiling and placing, a --dram budget below what the decoder's import
     * {@code identity} needs: the placed files hold the same tensors, bundles and KV cache and a
     * predictor besides, so a budget refused here would be refused after the work, in the same words.
     */
    public static void requireDramFits(Settings s, Path identity) throws IOException {
        if (s.dramBytes() > 0) {
            decoderDramPlan(s, identity);
        }
    }

    /**
     * Refuses, before the profiling and placing, an encoder's --dram budget below what the import of
     * {@code onnx} alone keeps in memory (its resident tensors and working buffers): the bench's files
     * are written only after minutes of profiling, and used to be refused then. The files hold a
     * predictor and fill-in besides, so a budget above this bound can still be refused by their plan.
     */
    public static void requireEncoderDramFits(Settings s, Path onnx) throws IOException {
        if (s.dramBytes() <= 0) {
            return;
        }
        ImportedModel imported =
                PlacementPipeline.importModel(onnx, ImportOptions.defaults().withBundles(DType.F32));
        long least = MemoryPlan.leastWithoutKvCache(imported.toContents());
        if (s.dramBytes() < least) {
            throw new IllegalArgumentException("a DRAM budget of " + Sizes.bytes(s.dramBytes()) + " is below the "
                    + Sizes.bytes(least) + " of resident tensors and working buffers " + onnx
                    + " keeps in memory before any predictor; give more than " + Sizes.bytes(least)
                    + " (more leaves room to cache FFN bundles)");
        }
    }

    /**
     * A decoder: place with the algorithms the chosen strategies read, write one file per placement
     * (predictor and fill-in included), then generate from the held-out prompts with each chosen
     * strategy: the model's own predictions and reads.
     */
    public DecoderBenchReport decoder(DecoderInput in) throws IOException {
        passStarts = new PassStarts(s.reader(), s.emulatedDevice() != null, evictor); // each run, for its files
        ReaderKind readerKind = s.reader();
        ActivityRule used = in.calibration().rule();
        if (!s.predictor().servesDecoders()) {
            throw new IllegalArgumentException(in.checkpoint() + ": the trained predictor is for ONNX encoders (it "
                    + "trains on ONNX Runtime's FFN inputs); run the decoder with lowrank, dense or oracle");
        }
        Files.createDirectories(s.work());
        ImportedModel imported = PlacementPipeline.importModel(
                in.checkpoint(), ImportOptions.defaults().withBundles(DType.F16));
        Written written = writeFiles(imported, in.calibration(), null, null);
        Map<String, Path> files = written.files();
        List<int[]> prompts = new ArrayList<>();
        for (int[] ids : in.prompts()) {
            if (prompts.size() == s.prompts()) {
                break;
            }
            if (ids.length >= Math.min(8, s.promptTokens())) {
                prompts.add(Arrays.copyOf(ids, Math.min(ids.length, s.promptTokens())));
            }
        }
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException(in.corpusName() + ": no held-out passage to prompt with");
        }
        DeviceProfile profile = device();
        int context = s.context();
        MemoryPlan dramPlan = s.dramBytes() > 0 ? decoderDramPlan(s, written.representative()) : null;
        tables = new TableOptions(s, dramPlan, profile);
        List<DecoderBench.Result> results;
        try (RippleFile reference = RippleFile.open(in.identity().file())) {
            ActivationPredictor oracle =
                    s.predictor() == BenchPredictor.ORACLE ? new OraclePredictor(reference, used) : null;
            List<DecoderBench.Setup> setups = new ArrayList<>();
            for (BenchStrategy st : s.strategies()) {
                setups.add(new DecoderBench.Setup(
                        st.name(),
                        st.placement(),
                        st.cache(),
                        st.collapse(),
                        files.get(st.placement()),
                        withPredictor(tables.main(st)),
                        oracle));
            }
            String strategies = BenchStrategy.describe(s.strategies());
            warmUpThenEvict(strategies, setups, prompts.getFirst(), context);
            try (Progress.Step step = progress.start("generate, " + strategies, prompts.size())) {
                results = DecoderBench.run(
                        setups, in.identity().file(), prompts, s.decodeTokens(), context, DType.F16, step::stepTo);
            }
        }
        DecoderDtypeComparison types = s.dtypes().isEmpty()
                ? null
                : compareDecoderDtypes(in.checkpoint(), in.calibration(), used, written, prompts, context);
        double meanPrompt = prompts.stream().mapToInt(p -> p.length).average().orElse(0);
        PassStart start = passStarts.overall(written.representative());
        return new DecoderBenchReport(
                in.checkpoint().toString(),
                GeneratedWeights.of(in.checkpoint()),
                in.corpusName(),
                used.describe(),
                s.predictor().label(),
                start.readerRan(readerKind),
                start,
                s.queueDepth(),
                tables.mainFraction(imported),
                profile,
                s.emulatedDevice() != null,
                prompts.size(),
                meanPrompt,
                s.decodeTokens(),
                "f16",
                results,
                types);
    }

    /** The emulated device, or this machine's storage profiled now. */
    private DeviceProfile device() throws IOException {
        return QuickCalibration.unlessGiven(s.emulatedDevice(), s.work(), s.queueDepth(), progress);
    }

    /** One file of the ripple+ placement in one bundle type, and what storing in that type cost. */
    private record TypedFile(DType type, Path file, StorageError error, long ffnBytes) {}

    /**
     * Writes the ripple+ placement once per compared type, each imported in that type, with the same
     * fill-in and predictor factors as the strategies' files.
     */
    private List<TypedFile> writeTypedFiles(Path model, ProfileResult calib, Written written) throws IOException {
        List<TypedFile> out = new ArrayList<>();
        for (DType type : s.dtypes()) {
            ImportedModel imported = PlacementPipeline.importModel(
                    model, ImportOptions.defaults().withBundles(type));
            Path f = s.work().resolve("bench-ripplePlus-" + type.label() + ".ripple");
            WrittenModel w;
            try (ProgressSteps steps = new ProgressSteps(progress)) {
                w = PlacementPipeline.write(
                        imported,
                        new Placement("ripple+", written.orders().get("ripple+"), null),
                        calib.trace(),
                        LayoutOptions.defaults()
                                .withMargin(s.margin())
                                .withFitted(written.factors())
                                .withTrained(written.trained()),
                        f,
                        steps);
            }
            out.add(new TypedFile(
                    type,
                    f,
                    new StorageError(w.meanUpGateError(), w.meanDownError()),
                    TableOptions.ffnBytes(imported, type)));
        }
        return out;
    }

    /**
     * The encoder in every compared type at one cache budget in bytes (the cache fraction of the f16
     * FFN bytes): decode-like I/O with the true sets, types interleaved token by token, then the Java
     * encoder dense and with the run's predictor against ONNX Runtime.
     */
    private DtypeComparison compareDtypes(
            Path onnx,
            ProfileResult calib,
            Written written,
            List<EncodedPassage> passages,
            List<float[]> reference,
            TracePredictor sets,
            ActivationTrace heldTrace,
            int replayed)
            throws IOException {
        long cacheBytes = tables.typesCacheBytes(written.imported());
        List<TypedFile> typed = writeTypedFiles(onnx, calib, written);
        List<IoReplay.Setup> setups = new ArrayList<>();
        for (TypedFile t : typed) {
            evictIfCached(t.file());
            setups.add(new IoReplay.Setup(t.type().label(), t.file(), tables.inBytes(RIPPLE_PLUS, cacheBytes)));
        }
        List<IoReplay> decoded;
        try (Progress.Step step = progress.start("decode, all types", replayed)) {
            decoded = IoReplay.interleaved(setups, sets, replayed, List.of(), step::stepTo, null);
        }
        List<DtypeComparison.Row> rows = new ArrayList<>();
        for (int i = 0; i < typed.size(); i++) {
            TypedFile t = typed.get(i);
            String label = t.type().label();
            FidelityRun dense = fidelity(
                    label + " dense",
                    label + " dense",
                    t.file(),
                    RuntimeOptions.defaults()
                            .withReader(s.reader())
                            .withPredictor(PredictorKind.DENSE)
                            .withCache("none", 0),
                    null,
                    heldTrace,
                    passages,
                    reference,
                    progress);
            evictIfCached(t.file());
            FidelityRun sparse =
                    forward(label, t.file(), setups.get(i).options(), sets, heldTrace, passages, reference);
            rows.add(new DtypeComparison.Row(
                    label, t.ffnBytes(), t.error(), dense, sparse, decoded.get(i), passStarts.of(t.file())));
        }
        return new DtypeComparison(cacheBytes, rows);
    }

    /**
     * The decoder in every compared type at one cache budget in bytes, every step's logits compared
     * with the model whose bundles are f32: each type dense (its rounding alone) and with the run's
     * predictor (its I/O), all interleaved per prompt.
     */
    private DecoderDtypeComparison compareDecoderDtypes(
            Path checkpoint,
            ProfileResult calib,
            ActivityRule activity,
            Written written,
            List<int[]> prompts,
            int context)
            throws IOException {
        long cacheBytes = tables.typesCacheBytes(written.imported());
        List<TypedFile> typed = writeTypedFiles(checkpoint, calib, written);
        PreparedModel f32;
        try (ProgressSteps steps = new ProgressSteps(progress)) {
            f32 = PlacementPipeline.prepareDecoder(checkpoint, s.work(), DType.F32, steps);
        }
        List<DecoderBench.Result> results;
        try (RippleFile reference = RippleFile.open(f32.file())) {
            ActivationPredictor oracle =
                    s.predictor() == BenchPredictor.ORACLE ? new OraclePredictor(reference, activity) : null;
            List<DecoderBench.Setup> setups = new ArrayList<>();
            for (TypedFile t : typed) {
                RuntimeOptions dense = tables.atShare(RIPPLE_PLUS, 0)
                        .withPredictor(PredictorKind.DENSE)
                        .withFillIn(false);
                setups.add(new DecoderBench.Setup(
                        t.type().label() + " dense",
                        RIPPLE_PLUS.placement(),
                        "none",
                        RIPPLE_PLUS.collapse(),
                        t.file(),
                        dense,
                        null));
                RuntimeOptions sparse = withPredictor(tables.inBytes(RIPPLE_PLUS, cacheBytes));
                setups.add(new DecoderBench.Setup(
                        t.type().label(),
                        RIPPLE_PLUS.placement(),
                        RIPPLE_PLUS.cache(),
                        RIPPLE_PLUS.collapse(),
                        t.file(),
                        sparse,
                        oracle));
            }
            warmUpThenEvict("all types", setups, prompts.getFirst(), context);
            try (Progress.Step step = progress.start("generate, all types", prompts.size())) {
                results = DecoderBench.run(
                        setups, f32.file(), prompts, s.decodeTokens(), context, DType.F16, step::stepTo);
            }
        }
        List<DecoderDtypeComparison.Row> rows = new ArrayList<>();
        for (int i = 0; i < typed.size(); i++) {
            TypedFile t = typed.get(i);
            rows.add(new DecoderDtypeComparison.Row(
                    t.type().label(), t.ffnBytes(), t.error(), results.get(2 * i), results.get(2 * i + 1)));
        }
        return new DecoderDtypeComparison(cacheBytes, rows);
    }

    /** The run's predictor on a decoder's options (the oracle is passed apart, as an override). */
    private RuntimeOptions withPredictor(RuntimeOptions o) {
        return o.withPredictor(s.predictor().stored()).withFillIn(s.fillIn()).withMargin(s.margin());
    }

    /** The Java encoder over the held-out passages from one strategy's file, with the run's predictor. */
    private FidelityRun forward(
            String name,
            Path file,
            RuntimeOptions ioOptions,
            TracePredictor sets,
            ActivationTrace truth,
            List<EncodedPassage> passages,
            List<float[]> reference)
            throws IOException {
        boolean oracle = s.predictor() == BenchPredictor.ORACLE;
        RuntimeOptions options = ioOptions
                .withPredictor(s.predictor().stored())
                .withFillIn(s.fillIn())
                .withMargin(s.margin());
        // Untimed first, with a model of its own (the timed one starts with an empty cache; the file is
        // then evicted, or bypassed, again as the timed pass expects). Without it the strategy measured
        // first paid the JIT's compilation of the forward: naive's compute per passage was 2.6-3.9x
        // ripple+'s for the same neurons (PERFORMANCE.md §3c). Five passages were not enough for C2 to
        // finish on 2 cores (once 2.2x), so the first strategy runs every passage once, and at least 24
        // (3 passages once each left it at 1.8x); the others run five, for what is theirs alone (their
        // cache policy). The oracle's warm-up replays the true
        // sets as the timed run does, from a replay of its own (the timed one's position is untouched).
        int warmUp = forwardCompiled
                ? FidelityRun.WARM_UP_PASSAGES
                : Math.max(passages.size(), FidelityRun.FIRST_WARM_UP_PASSAGES);
        warmUpThenEvict(
                name + " warm-up",
                List.of(file),
                () -> FidelityRun.warmUp(file, options, oracle ? IoReplay.predictor(truth) : null, passages, warmUp));
        forwardCompiled = true;
        return fidelity(
                name, name + " forward", file, options, oracle ? sets : null, truth, passages, reference, progress);
    }

    /**
     * Embeds {@code passages} from {@code file} with the Java encoder and compares each with
     * {@code reference}. The predictor the options select (or {@code override}) is audited against
     * the true sets of {@code truth}, unless it is the dense one.
     *
     * @param task the progress phase's text
     */
    public static FidelityRun fidelity(
            String label,
            String task,
            Path file,
            RuntimeOptions options,
            ActivationPredictor override,
            ActivationTrace truth,
            List<EncodedPassage> passages,
            List<float[]> reference,
            Progress progress)
            throws IOException {
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
                    Progress.Step step = progress.start(task, passages.size())) {
                int[] done = {0};
                return FidelityRun.run(label, m, passages, reference, audit, () -> step.stepTo(++done[0]));
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
    private record Written(
            Map<String, Path> files,
            ImportedModel imported,
            Map<String, int[][]> orders,
            FittedPredictor factors,
            TrainedFit trained) {

        /**
         * The file that speaks for all of them where the order of the bundles does not matter (the
         * DRAM plan, ONNX Runtime's pooler, the dense passes, how a pass meets the page cache): they
         * hold the same tensors, predictor and fill-in. ripple+'s when it was written, else the first.
         */
        Path representative() {
            return files.getOrDefault("ripple+", files.values().iterator().next());
        }
    }

    /**
     * One .ripple file per placement of the chosen strategies ({@code bench-identity.ripple}, ...), and
     * none for the others, each with fill-in means and the same low-rank predictor (fitted once);
     * placements (and the fit) in {@code placed} are reused, the others computed here. With {@code
     * train}, a trained predictor too, trained once on its calibration text.
     */
    private Written writeFiles(ImportedModel imported, ProfileResult calib, Placed placed, EncoderText train)
            throws IOException {
        Placements given = placed == null ? null : placed.placements();
        List<String> needed = BenchStrategy.placements(s.strategies());
        List<PlacementAlgorithm> missing = needed.stream()
                .filter(n -> given == null || !given.byAlgorithm().containsKey(n))
                .map(PlacementAlgorithms::byName)
                .toList();
        Map<String, Path> files = new LinkedHashMap<>();
        Map<String, int[][]> orders = new LinkedHashMap<>();
        try (ProgressSteps steps = new ProgressSteps(progress)) {
            Placements here = missing.isEmpty() ? null : PlacementPipeline.place(calib.trace(), null, missing, steps);
            FittedPredictor factors = placed != null && placed.factors() != null
                    ? placed.factors()
                    : PlacementPipeline.fitPredictor(imported, calib.trace(), -1, steps);
            TrainedFit trained = null;
            if (train != null) {
                try {
                    trained = PlacementPipeline.trainPredictor(
                            train.onnx(),
                            train.tokenizer(),
                            train.calibrationText(),
                            calib.trace(),
                            // the calibration's own tokens: the passages profiled for placement, no more
                            TrainingOptions.defaults().withMaxTokens(Math.max(1, calib.tokens())),
                            steps);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("predictor training interrupted");
                }
            }
            LayoutOptions layout = LayoutOptions.defaults()
                    .withMargin(s.margin())
                    .withFitted(factors)
                    .withTrained(trained);
            for (String name : needed) {
                Placement p = here != null && here.byAlgorithm().containsKey(name) ? here.get(name) : given.get(name);
                Path f = s.work().resolve("bench-" + name.replace("+", "plus") + ".ripple");
                PlacementPipeline.write(imported, p, calib.trace(), layout, f, steps);
                files.put(name, f);
                orders.put(name, p.orders());
            }
            return new Written(files, imported, orders, factors, trained);
        }
    }

    /**
     * The setups generate once untimed ({@link DecoderBench#warmUp}; the phase "warm up, {@code
     * what}"), then each file is evicted once before the timed pass: the setups generate interleaved
     * per prompt, as the encoder's decode replay interleaves tokens.
     */
    private void warmUpThenEvict(String what, List<DecoderBench.Setup> setups, int[] prompt, int context)
            throws IOException {
        warmUpThenEvict(
                "warm up, " + what,
                setups.stream().map(DecoderBench.Setup::file).toList(),
                () -> DecoderBench.warmUp(setups, prompt, context, DType.F16));
    }

    /** Untimed passes before a timed one, which leave the files they read in the page cache. */
    @FunctionalInterface
    private interface WarmUp {
        void run() throws IOException;
    }

    /**
     * Runs {@code warmUp}, shown as the phase {@code task}, then evicts each of {@code files} once:
     * the timed pass that follows starts as its {@link PassStart} says (cold, for a page-cache
     * reader), not where the warm-up left the files.
     */
    private void warmUpThenEvict(String task, List<Path> files, WarmUp warmUp) throws IOException {
        try (Progress.Step _ = progress.start(task, -1)) {
            warmUp.run();
        }
        evictEach(files.stream());
    }

    /** Each file the replay {@code setups} read, evicted once before a pass (two setups may share one). */
    private void evictAll(List<IoReplay.Setup> setups) throws IOException {
        evictEach(setups.stream().map(IoReplay.Setup::file));
    }

    private void evictEach(Stream<Path> files) throws IOException {
        for (Path file : files.distinct().toList()) {
            evictIfCached(file);
        }
    }

    /**
     * Drops {@code file} from the page cache so that the next pass starts cold, when {@link PassStart}
     * says so for the run's reader and device: a page-cache reader whose real reads are its own. Not
     * when an emulated device serves the real reads from DRAM (the file fits): evicting would only
     * cost the re-read that brings it back. An eviction that drops nothing is remembered, and the
     * report says so.
     */
    private void evictIfCached(Path file) throws IOException {
        passStarts.before(file);
    }
}
