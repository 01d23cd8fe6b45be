package dev.ripple.bench.harness;

import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.activity.LowRankPredictor;
import dev.ripple.core.activity.PredictorKind;
import dev.ripple.core.runtime.RippleModel;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.core.tensor.DType;
import dev.ripple.io.reader.ReaderKind;
import dev.ripple.placement.algorithm.PlacementAlgorithms;
import dev.ripple.placement.importer.ImportedModel;
import dev.ripple.placement.pipeline.ImportOptions;
import dev.ripple.placement.pipeline.LayoutOptions;
import dev.ripple.placement.pipeline.PlacementPipeline;
import dev.ripple.placement.pipeline.Placements;
import dev.ripple.placement.pipeline.WrittenModel;
import dev.ripple.placement.predictor.FittedPredictor;
import dev.ripple.placement.profile.EncodedPassage;
import dev.ripple.placement.profile.ProfileOptions;
import dev.ripple.placement.profile.ProfileResult;
import dev.ripple.placement.trace.TraceFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Stream;

/**
 * The whole job on one encoder, end to end, as values: profile a calibration split with ONNX
 * Runtime, place with every algorithm and keep ripple+, write the {@code .ripple} file, embed
 * held-out passages from flash against ONNX Runtime (dense, oracle with and without fill-in, the
 * low-rank predictor), then the I/O strategies side by side ({@link StrategyBench}). What
 * {@code ripple demo} prints is a rendering of the {@link Report}.
 *
 * <pre>{@code
 * Demo.Report r = Demo.run(Demo.Settings.defaults(Path.of("work")), new EncoderText(onnx, tokenizer,
 *         "all-MiniLM-L6-v2", "Europarl", calibrationLines, heldOutLines), Progress.NONE);
 * double cosine = r.run(Demo.PREDICTOR).cosine().mean();
 * }</pre>
 */
public final class Demo {
    /** The fidelity runs, by label. */
    public static final String DENSE = "dense: all neurons, no fill-in";

    public static final String ORACLE = "oracle: true active sets + fill-in";
    public static final String ORACLE_NO_FILL_IN = "oracle, no fill-in";
    public static final String PREDICTOR = "low-rank predictor + fill-in";

    private Demo() {}

    /**
     * @param work              directory for the traces, the {@code .ripple} file and the bench's files
     * @param calibrationTokens tokens profiled for placement
     * @param sentences         held-out passages embedded and checked
     * @param rule              the activity rule; null: the model's default
     * @param reader            how bundles are read
     * @param cache             the cache policy's name
     * @param cacheFraction     the cache as a share of the FFN bytes
     * @param margin            the low-rank predictor's margin
     * @param benchSentences    held-out passages of the closing strategy comparison; 0 skips it
     */
    public record Settings(
            Path work,
            long calibrationTokens,
            int sentences,
            ActivityRule rule,
            ReaderKind reader,
            String cache,
            double cacheFraction,
            float margin,
            int benchSentences) {
        /**
         * @throws InvalidBenchSettingsException naming the first setting out of range: checked here,
         *     before {@link #run} profiles anything, so that a front end need not check them again
         */
        public Settings {
            RULES.requirePositive(Input.CALIBRATION_TOKENS, calibrationTokens);
            RULES.requirePositive(Input.SENTENCES, sentences);
            RULES.requireShare(Input.CACHE_FRACTION, cacheFraction);
            RULES.requireNonNegative(Input.BENCH_SENTENCES, benchSentences);
            RULES.requireNonNegative(Input.MARGIN, margin); // else the predictor refuses it only after the profile
            try {
                RuntimeOptions.defaults().withCache(cache, cacheFraction); // else refused only when the model opens
            } catch (IllegalArgumentException e) {
                throw RULES.refuse(List.of(Input.CACHE), n -> n.apply(Input.CACHE) + ": " + e.getMessage(), e);
            }
        }

        /** Held-out passages embedded and checked, and those of the closing comparison, unless set. */
        public static final int DEFAULT_SENTENCES = 100, DEFAULT_BENCH_SENTENCES = 16;
        /** Tokens profiled for placement unless set ({@code ripple bench}'s too: the option is shared). */
        public static final long DEFAULT_CALIBRATION_TOKENS = ProfileOptions.DEFAULT_MAX_TOKENS;
        /**
         * The reader and the cache policy unless set, as the command line spells them (compile-time
         * constants, so that picocli's option defaults can name them).
         */
        public static final String DEFAULT_READER = "direct", DEFAULT_CACHE = "linking";

        /**
         * {@code ripple demo}'s defaults: 20,000 calibration tokens, 100 held-out passages, the
         * model's rule, direct reads, linking cache on 10% of the FFN bytes, 16 passages compared.
         */
        public static Settings defaults(Path work) {
            return new Settings(
                    work,
                    DEFAULT_CALIBRATION_TOKENS,
                    DEFAULT_SENTENCES,
                    null,
                    ReaderKind.parse(DEFAULT_READER),
                    DEFAULT_CACHE,
                    RuntimeOptions.DEFAULT_CACHE_FRACTION,
                    LowRankPredictor.DEFAULT_MARGIN,
                    DEFAULT_BENCH_SENTENCES);
        }
    }

    /** The inputs of {@link Settings} a rule can be about, as {@link InvalidBenchSettingsException} names them. */
    public enum Input implements InvalidBenchSettingsException.Setting {
        CALIBRATION_TOKENS,
        SENTENCES,
        CACHE_FRACTION,
        BENCH_SENTENCES,
        MARGIN,
        CACHE
    }

    /** The rules of this harness's settings, typed by {@link Input}: another harness's input does not compile. */
    private static final InvalidBenchSettingsException.Rules<Input, InvalidBenchSettingsException> RULES =
            InvalidBenchSettingsException.rules();

    /**
     * What the demo found.
     *
     * @param heldOutPassages the held-out passages used (at most the settings' sentences)
     * @param calibration     the calibration profile (its trace written to {@code calibrationTrace})
     * @param placements      every algorithm's placement, evaluated on the held-out trace
     * @param file            the written ripple+ file
     * @param runs            the fidelity runs against ONNX Runtime, in {@link #DENSE}, {@link #ORACLE},
     *                        {@link #ORACLE_NO_FILL_IN}, {@link #PREDICTOR} order
     * @param passStart       how each run's timed pass met the page cache (after its untimed warm-up):
     *                        bypassed, evicted first, or warm when an eviction dropped nothing
     * @param bench           the strategies side by side, or null when skipped
     */
    public record Report(
            Settings settings,
            EncoderText input,
            int heldOutPassages,
            ProfileResult calibration,
            Path calibrationTrace,
            long heldOutTokens,
            Path heldOutTrace,
            Placements placements,
            WrittenModel file,
            List<FidelityRun> runs,
            PassStart passStart,
            double onnxRuntimeMsPerSentence,
            int onnxRuntimeThreads,
            BenchReport bench) {

        /** The fidelity run labelled {@code label}. */
        public FidelityRun run(String label) {
            return runs.stream()
                    .filter(r -> r.label().equals(label))
                    .findFirst()
                    .orElseThrow(() -> new NoSuchElementException("no run '" + label + "'"));
        }
    }

    /** One row of the demo's table: its label, how the file is read, whether with the true active sets. */
    private record Pass(String label, RuntimeOptions options, boolean trueSets) {}

    public static Report run(Settings s, EncoderText in, Progress progress) throws IOException {
        Files.createDirectories(s.work());
        List<String> heldOutText = in.heldOutText()
                .subList(0, Math.min(s.sentences(), in.heldOutText().size()));
        ProfileResult calib =
                in.profile(in.calibrationText(), "calibration", s.rule(), s.calibrationTokens(), progress);
        ProfileResult held = in.profile(heldOutText, "held-out", calib.rule(), Long.MAX_VALUE / 4, progress);
        Path calibrationTrace = s.work().resolve("calibration.rtrace");
        Path heldOutTrace = s.work().resolve("heldout.rtrace");
        TraceFiles.write(calibrationTrace, calib.trace());
        TraceFiles.write(heldOutTrace, held.trace());

        ImportedModel imported = PlacementPipeline.importModel(
                in.onnx(), ImportOptions.defaults().withBundles(DType.F32));
        Placements placements;
        FittedPredictor factors;
        WrittenModel written;
        try (ProgressSteps steps = new ProgressSteps(progress)) {
            placements = PlacementPipeline.place(
                    calib.trace(),
                    held.trace(),
                    Stream.of("ripple+", "ripple", "frequency", "identity")
                            .map(PlacementAlgorithms::byName)
                            .toList(),
                    steps);
            // fitted once here for the file and the closing comparison's files alike
            factors = PlacementPipeline.fitPredictor(imported, calib.trace(), -1, steps);
            written = PlacementPipeline.write(
                    imported,
                    placements.get("ripple+"),
                    calib.trace(),
                    LayoutOptions.defaults()
                            .withMargin(s.margin())
                            .withTokenizer(in.tokenizer())
                            .withFitted(factors),
                    s.work().resolve("model.ripple"),
                    steps);
        }

        Path file = written.file();
        List<EncodedPassage> passages = OrtReference.encode(in.tokenizer(), heldOutText);
        RuntimeOptions base = RuntimeOptions.defaults()
                .withReader(s.reader())
                .withCache(s.cache(), s.cacheFraction())
                .withMargin(s.margin());
        OrtReference ort;
        try (RippleModel pooler = RippleModel.open(file, base.withPredictor(PredictorKind.DENSE))) {
            ort = OrtReference.embed(
                    in.onnx(),
                    passages,
                    pooler.encoder()
                            .orElseThrow(() -> new IllegalArgumentException(in.onnx()
                                    + ": not a BERT-family model; the demo embeds sentences with an encoder")));
        }
        List<float[]> reference = ort.embeddings();
        List<FidelityRun> runs = new ArrayList<>();
        PassStarts starts = new PassStarts(s.reader(), false);
        int warmUp = Math.max(passages.size(), FidelityRun.FIRST_WARM_UP_PASSAGES);
        for (Pass p : List.of(
                new Pass(DENSE, base.withPredictor(PredictorKind.DENSE).withFillIn(false), false),
                new Pass(ORACLE, base, true),
                new Pass(ORACLE_NO_FILL_IN, base.withFillIn(false), true),
                new Pass(PREDICTOR, base.withPredictor(PredictorKind.LOWRANK), false))) {
            // untimed first, as in the bench's forward table: each pass paid the compilation of what it
            // ran first (the oracle's 156.7 ms per passage against 68.2 for the same reads without fill-in,
            // the pass after it, 2026-12-07)
            FidelityRun.warmUp(
                    file, p.options(), p.trueSets() ? IoReplay.predictor(held.trace()) : null, passages, warmUp);
            warmUp = FidelityRun.WARM_UP_PASSAGES;
            // and then from where the bench's passes start: evicted for a page-cache reader, or the
            // warm-up (and the pass before) would have left the file cached for the timed pass
            starts.before(file);
            runs.add(StrategyBench.fidelity(
                    p.label(),
                    p.label(),
                    file,
                    p.options(),
                    p.trueSets() ? IoReplay.predictor(held.trace()) : null,
                    held.trace(),
                    passages,
                    reference,
                    progress));
        }

        BenchReport bench = null;
        if (s.benchSentences() > 0) {
            int n = Math.min(s.benchSentences(), heldOutText.size());
            StrategyBench.Settings settings = StrategyBench.Settings.defaults(
                            s.work().resolve("bench"))
                    .withReader(s.reader())
                    .withCacheFraction(s.cacheFraction())
                    .withMargin(s.margin())
                    .withBudgets(List.of())
                    .withTokens(300);
            bench = new StrategyBench(settings, progress)
                    .encoder(new StrategyBench.EncoderInput(
                            in.heldOutFirst(n), calib, new StrategyBench.Placed(imported, placements, factors)));
        }
        return new Report(
                s,
                in,
                heldOutText.size(),
                calib,
                calibrationTrace,
                held.tokens(),
                heldOutTrace,
                placements,
                written,
                runs,
                starts.overall(file), // a warm start if an eviction dropped nothing
                ort.msPerSentence(),
                ort.threads(),
                bench);
    }
}
