package dev.ripple.bench.harness;

import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.activity.LowRankPredictor;
import dev.ripple.core.activity.ThresholdRule;
import dev.ripple.core.activity.TopKRule;
import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.core.model.bert.BertConfig;
import dev.ripple.core.model.bert.EncoderModel;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.TensorSource;
import dev.ripple.placement.calibrate.ActivationSample;
import dev.ripple.placement.calibrate.ConditionalMeans;
import dev.ripple.placement.calibrate.ErrorRuleCalibrator;
import dev.ripple.placement.calibrate.ThresholdCalibrator;
import dev.ripple.placement.importer.ImportedModel;
import dev.ripple.placement.pipeline.ImportOptions;
import dev.ripple.placement.pipeline.PlacementPipeline;
import dev.ripple.placement.predictor.InputMoments;
import dev.ripple.placement.predictor.LowRankFactorizer;
import dev.ripple.placement.predictor.PredictorTrainer;
import dev.ripple.placement.predictor.TrainingTokens;
import dev.ripple.placement.profile.EncodedPassage;
import dev.ripple.placement.profile.OnnxProfiler;
import dev.ripple.placement.profile.ProfileOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The sparsity–fidelity sweep of {@code ripple tradeoff} as one call: activity rules and
 * thresholds (with and without mean fill-in, calibrated per layer to neuron or error budgets),
 * low-rank predictors and, on request, trained ones, each run exactly in DRAM ({@link RuleFfn}: no
 * file, no I/O) on held-out passages and compared with ONNX Runtime's dense embedding.
 *
 * <pre>{@code
 * TradeoffReport r = Tradeoff.run(
 *         Tradeoff.Settings.defaults(),
 *         new EncoderText(onnx, tokenizerJson, "all-MiniLM-L6-v2", "europarl", calibrationLines, heldOutLines),
 *         Progress.NONE);
 * r.points().forEach(p -> System.out.println(p.label() + ": " + p.readShare() + " read, cosine " + p.cosine().mean()));
 * }</pre>
 */
public final class Tradeoff {
    private static final long SEED = 42;
    private static final String ERROR_RULE_FAMILY = "error calibrated to a neuron share";

    private Tradeoff() {}

    /** The inputs of {@link Settings} a rule can be about, as {@link InvalidBenchSettingsException} names them. */
    public enum Input implements InvalidBenchSettingsException.Setting {
        CALIBRATION_TOKENS,
        PASSAGES,
        FRACTIONS,
        ERROR_RULE_FRACTIONS,
        ERROR_TARGETS,
        MARGINS,
        PREDICTOR_RULE,
        RANK,
        PREDICTOR_ONLY,
        TRAINED,
        TRAINED_RECALLS,
        TRAINED_FROM
    }

    /** The rules of this harness's settings, typed by {@link Input}: another harness's input does not compile. */
    private static final InvalidBenchSettingsException.Rules<Input, InvalidBenchSettingsException> RULES =
            InvalidBenchSettingsException.rules();

    /** Where a trained predictor starts: the input-fitted low-rank factors, or random weights. */
    public enum TrainedFrom {
        LOWRANK,
        RANDOM;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static TrainedFrom parse(String text) {
            return switch (text) {
                case "lowrank" -> LOWRANK;
                case "random" -> RANDOM;
                default -> throw RULES.refuse(Input.TRAINED_FROM, "takes 'lowrank' or 'random', not '" + text + "'");
            };
        }
    }

    /**
     * What the sweep tries.
     *
     * @param calibrationTokens  calibration tokens for fill-in means, thresholds and fits
     * @param passages           held-out passages embedded per point
     * @param fractions          neuron budgets per layer for calibrated act and |act| thresholds
     * @param errorRuleFractions neuron budgets for the error rule, each beside act > t at the same budget
     * @param errorTargets       FFN error budgets for calibrated |act| thresholds
     * @param margins            low-rank predictor margins tried on the chosen rule
     * @param predictorRule      the threshold rule the predictors are tried on; null: the best of the sweep
     * @param rank               rank of the low-rank predictor; -1: {@link PlacementPipeline#defaultRank}
     * @param predictorOnly      skip the rule sweep (needs predictorRule)
     * @param trained            rules to train a predictor for: a threshold rule or {@code error F}
     * @param trainedRecalls     validation recalls the trained predictor's thresholds are calibrated to
     * @param trainedFrom        where training starts
     * @param trainedHidden      hidden width when starting from random weights
     * @param trainedEpochs      epochs; 0: the start's default
     * @param trainedRate        Adam's step; 0: the start's default
     */
    public record Settings(
            int calibrationTokens,
            int passages,
            List<Double> fractions,
            List<Double> errorRuleFractions,
            List<Double> errorTargets,
            List<Float> margins,
            String predictorRule,
            int rank,
            boolean predictorOnly,
            List<String> trained,
            List<Double> trainedRecalls,
            TrainedFrom trainedFrom,
            int trainedHidden,
            int trainedEpochs,
            float trainedRate) {

        /** @throws InvalidBenchSettingsException naming the first setting out of range */
        public Settings {
            RULES.requirePositive(Input.CALIBRATION_TOKENS, calibrationTokens);
            RULES.requirePositive(Input.PASSAGES, passages);
            fractions.forEach(f -> RULES.requirePositiveShare(Input.FRACTIONS, f));
            errorRuleFractions.forEach(f -> RULES.requirePositiveShare(Input.ERROR_RULE_FRACTIONS, f));
            trainedRecalls.forEach(r -> RULES.requirePositiveShare(Input.TRAINED_RECALLS, r));
            errorTargets.forEach(e -> RULES.requireNonNegative(Input.ERROR_TARGETS, e));
            margins.forEach(m -> RULES.requireNonNegative(Input.MARGINS, m));
            if (predictorRule != null) {
                requireThresholdRule(Input.PREDICTOR_RULE, predictorRule);
            }
            for (String rule : trained) {
                if (!isErrorRule(rule)) {
                    requireThresholdRule(Input.TRAINED, rule);
                }
            }
            if (rank != -1) {
                RULES.requirePositive(Input.RANK, rank);
            }
            if (predictorOnly && predictorRule == null) {
                throw RULES.needs(Input.PREDICTOR_ONLY, Input.PREDICTOR_RULE);
            }
            fractions = List.copyOf(fractions);
            errorRuleFractions = List.copyOf(errorRuleFractions);
            errorTargets = List.copyOf(errorTargets);
            margins = List.copyOf(margins);
            trained = List.copyOf(trained);
            trainedRecalls = List.copyOf(trainedRecalls);
        }

        /** {@code ripple tradeoff}'s defaults: the full rule sweep and four margins, no training. */
        public static Settings defaults() {
            return new Settings(
                    10_000,
                    60,
                    List.of(0.2, 0.3, 0.4),
                    List.of(),
                    List.of(0.1),
                    List.of(0.5f, 1f, 1.5f, 2f),
                    null,
                    -1,
                    false,
                    List.of(),
                    List.of(0.95, 0.98, 0.99),
                    TrainedFrom.LOWRANK,
                    96,
                    0,
                    0);
        }

        /** {@code text} is a threshold rule, the only kind a predictor can be tried on or trained for. */
        private static void requireThresholdRule(Input input, String text) {
            if (!(ActivityRule.parse(text) instanceof ThresholdRule)) {
                throw RULES.refuse(input, "must be a threshold rule ('act > t' or '|act| > t'), not '" + text + "'");
            }
        }

        /** The trainer's options: the start's preset with the epochs and step set here. */
        PredictorTrainer.Options trainOptions() {
            PredictorTrainer.Options preset = trainedFrom == TrainedFrom.LOWRANK
                    ? PredictorTrainer.Options.warmStart()
                    : PredictorTrainer.Options.defaults();
            return new PredictorTrainer.Options(
                    trainedHidden,
                    trainedEpochs > 0 ? trainedEpochs : preset.epochs(),
                    preset.batch(),
                    trainedRate > 0 ? trainedRate : preset.learningRate(),
                    preset.missWeight(),
                    SEED,
                    Runtime.getRuntime().availableProcessors(),
                    preset.relu());
        }
    }

    /** A trained rule of the form {@code error F}: the error rule calibrated to share F. */
    private static boolean isErrorRule(String text) {
        return text.strip().toLowerCase(Locale.ROOT).startsWith("error");
    }

    /** A configuration and the point it gave. */
    private record Run(TradeoffSweep.Config config, TradeoffPoint point) {}

    /** The calibration activations, and the FFN input moments the predictor is fitted to (empty if unavailable). */
    private record Calibration(
            ActivationSample sample,
            List<InputMoments> moments,
            PredictorTrainer.TokenSet train,
            PredictorTrainer.TokenSet validation) {}

    /** Runs the sweep; progress in steps "calibration", "training" (with --trained), "reference" and "sweep". */
    public static TradeoffReport run(Settings s, EncoderText in, Progress progress)
            throws IOException, InterruptedException {
        ImportedModel imported = PlacementPipeline.importModel(
                in.onnx(), ImportOptions.defaults().withBundles(DType.F32));
        BertConfig config = BertConfig.fromJson(imported.architecture());
        List<FfnLayerWeights> layers = imported.weights();
        TensorSource tensors = imported.tensorSource();

        List<EncodedPassage> calibration =
                OrtReference.encode(in.tokenizer(), in.calibrationText(), Integer.MAX_VALUE, s.calibrationTokens());
        List<EncodedPassage> heldOut =
                OrtReference.encode(in.tokenizer(), in.heldOutText(), s.passages(), Long.MAX_VALUE);
        if (heldOut.isEmpty() || calibration.isEmpty()) {
            throw new IllegalArgumentException(in.corpusName() + ": no calibration or no held-out passages to run on");
        }
        Calibration calib = calibrationSample(in.onnx(), layers, calibration, s, progress);
        ActivationSample sample = calib.sample();
        List<float[]> reference;
        try (Progress.Step _ = progress.start("reference", -1)) {
            reference = OrtReference.embed(in.onnx(), heldOut, new EncoderModel(config, tensors, null))
                    .embeddings();
        }

        int rank = s.rank() > 0
                ? s.rank()
                : PlacementPipeline.defaultRank(layers.getFirst().spec());
        Map<String, List<LowRankPredictor.Factors>> fits = new LinkedHashMap<>();
        fits.put(
                "weights",
                layers.parallelStream()
                        .map(w -> LowRankFactorizer.factor(w, rank, SEED))
                        .toList());
        if (!calib.moments().isEmpty()) {
            fits.put(
                    "inputs",
                    IntStream.range(0, layers.size())
                            .parallel()
                            .mapToObj(l -> LowRankFactorizer.factor(
                                    layers.get(l), rank, SEED, calib.moments().get(l)))
                            .toList());
        }
        Configs added = new Configs(sample, layers);
        added.configs.add(TradeoffSweep.Config.oracle("dense", TopKRule.ofFraction(1.0), null));
        if (s.predictorOnly()) {
            added.configs.add(added.chosen(s.predictorRule()));
        }
        if (!s.predictorOnly()) {
            addSweep(added, s);
        }
        addErrorRules(added, s);
        List<TradeoffReport.Training> trainings = new ArrayList<>();
        for (String rule : s.trained()) {
            trainings.add(addTrained(added, rule, calib, s, fits.get("inputs"), progress));
        }
        List<TradeoffSweep.Config> configs = added.configs;

        TradeoffSweep sweep = new TradeoffSweep(
                config,
                tensors,
                layers,
                heldOut.stream().map(EncodedPassage::intIds).toList(),
                reference,
                Runtime.getRuntime().availableProcessors());
        List<Run> runs = new ArrayList<>();
        long total = (configs.size() + (long) fits.size() * s.margins().size()) * heldOut.size();
        try (Progress.Step bar = progress.start("sweep", total)) {
            runs.addAll(runAll(sweep, configs, bar, 0));
            TradeoffSweep.Config best =
                    s.predictorRule() == null ? best(runs).config() : added.chosen(s.predictorRule());
            List<TradeoffSweep.Config> predicted = new ArrayList<>();
            for (var fit : fits.entrySet()) {
                for (float margin : s.margins()) {
                    predicted.add(new TradeoffSweep.Config(
                            best.family(),
                            best.rule(),
                            best.fillIn(),
                            new LowRankPredictor(fit.getValue(), best.rule(), margin),
                            "low-rank r" + rank + " " + fit.getKey() + " m" + TradeoffReport.trim(margin)));
                }
            }
            runs.addAll(runAll(sweep, predicted, bar, (long) runs.size() * heldOut.size()));
        }
        long heldTokens = heldOut.stream().mapToLong(EncodedPassage::length).sum();
        return new TradeoffReport(
                in.modelName(),
                in.corpusName(),
                sample.tokens(),
                calibration.size(),
                heldOut.size(),
                heldTokens,
                runs.stream().map(Run::point).toList(),
                added.calibrated,
                trainings);
    }

    /**
     * Runs {@code configs} side by side ({@link TradeoffSweep#runAll}, which runs a repeated
     * configuration once: a trained rule's oracle is the instance its rule's point already has,
     * {@link Configs}); the bar then counts every entry's passages.
     */
    private static List<Run> runAll(
            TradeoffSweep sweep, List<TradeoffSweep.Config> configs, Progress.Step bar, long before)
            throws InterruptedException {
        bar.message(configs.size() == 1 ? label(configs.getFirst()) : configs.size() + " configurations");
        List<TradeoffPoint> points = sweep.runAll(configs, d -> bar.stepTo(before + d));
        bar.stepTo(before + (long) configs.size() * sweep.passages());
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            runs.add(new Run(configs.get(i), points.get(i)));
        }
        return runs;
    }

    private static String label(TradeoffSweep.Config c) {
        return c.predictor() == null
                ? c.rule().describe() + (c.fillIn() != null ? " + fill-in" : "")
                : c.predictorLabel();
    }

    /** The rule sweep: value and magnitude thresholds, top-k, and thresholds calibrated to budgets. */
    private static void addSweep(Configs added, Settings s) {
        for (float t : new float[] {-0.1f, -0.05f, 0f, 0.05f, 0.1f}) {
            added.both("act > t", ThresholdRule.value(t));
        }
        for (float t : new float[] {0.02f, 0.05f, 0.1f, 0.15f, 0.2f}) {
            added.both("|act| > t", ThresholdRule.magnitude(t));
        }
        for (double p : new double[] {0.1, 0.2, 0.3, 0.4, 0.6}) {
            added.both("top P%", TopKRule.ofFraction(p));
        }
        for (ThresholdRule.Mode mode : ThresholdRule.Mode.values()) {
            for (double f : s.fractions()) {
                ThresholdCalibrator.Result r = ThresholdCalibrator.forFraction(mode, added.sample, f);
                added.calibrated(
                        (mode == ThresholdRule.Mode.VALUE ? "act" : "|act|") + " calibrated to a neuron share",
                        TradeoffReport.CalibratedRule.of("fraction", f, r),
                        r.rule());
            }
        }
        ActivationSample errorSample = added.sample.everyNth((added.sample.tokens() + 999) / 1000);
        for (double e : s.errorTargets()) {
            ThresholdCalibrator.Result r =
                    ThresholdCalibrator.forError(ThresholdRule.Mode.MAGNITUDE, errorSample, added.layers, e, 14);
            added.calibrated(
                    "|act| calibrated to an FFN error", TradeoffReport.CalibratedRule.of("ffnError", e, r), r.rule());
        }
    }

    /**
     * The error rule calibrated to each budget, each beside {@code act > t} calibrated to the same
     * budget (unless the sweep already has that point), so the two compare at equal neurons.
     */
    private static void addErrorRules(Configs added, Settings s) {
        boolean addValueRule = s.predictorOnly() || !s.fractions().isEmpty();
        for (double f : s.errorRuleFractions()) {
            if (addValueRule && (s.predictorOnly() || !s.fractions().contains(f))) {
                ThresholdCalibrator.Result v =
                        ThresholdCalibrator.forFraction(ThresholdRule.Mode.VALUE, added.sample, f);
                added.calibrated(
                        "act calibrated to a neuron share",
                        TradeoffReport.CalibratedRule.of("fraction", f, v),
                        v.rule());
            }
            ErrorRuleCalibrator.Result r = added.errorRule(f);
            added.calibrated(
                    ERROR_RULE_FAMILY,
                    new TradeoffReport.CalibratedRule("fraction", f, r.rule().describe(), r.fraction(), null),
                    r.rule());
        }
    }

    /** Trains a predictor for one rule and adds its oracle and one point per recall target. */
    private static TradeoffReport.Training addTrained(
            Configs added,
            String ruleText,
            Calibration calib,
            Settings s,
            List<LowRankPredictor.Factors> inputFits,
            Progress progress)
            throws InterruptedException {
        boolean warm = s.trainedFrom() == TrainedFrom.LOWRANK;
        // the calibration of a run with trained predictors holds the FFN inputs, their moments and
        // both splits (TrainingTokens refuses a model or a text that cannot give them)
        List<FfnLayerWeights> layers = added.layers;
        String text = ruleText.strip();
        TradeoffSweep.Config oracle;
        if (isErrorRule(text)) {
            double f = Double.parseDouble(text.substring(5).strip());
            oracle = added.filled(ERROR_RULE_FAMILY, added.errorRule(f).rule());
        } else {
            oracle = added.chosen(text);
        }
        PredictorTrainer.Options options = s.trainOptions();
        PredictorTrainer.Result result;
        try (Progress.Step _ = progress.start("training " + text, -1)) {
            result = PredictorTrainer.train(
                    calib.train(),
                    calib.validation(),
                    oracle.rule(),
                    oracle.fillIn(),
                    layers,
                    warm ? inputFits : null,
                    options);
        }
        int hidden = result.layers().getFirst().network().hidden();
        List<TradeoffReport.TrainedLayer> perLayer = new ArrayList<>();
        for (PredictorTrainer.LayerResult lr : result.layers()) {
            Map<Double, Double> shares = new LinkedHashMap<>();
            for (double recall : s.trainedRecalls()) {
                shares.put(recall, lr.readShare(lr.thresholdFor(recall)));
            }
            perLayer.add(new TradeoffReport.TrainedLayer(lr.finalLoss(), shares));
        }
        added.configs.add(oracle);
        for (double recall : s.trainedRecalls()) {
            added.configs.add(new TradeoffSweep.Config(
                    oracle.family(),
                    oracle.rule(),
                    oracle.fillIn(),
                    result.predictor(recall),
                    "trained " + (warm ? "lr" : "h") + hidden + " val recall " + TradeoffReport.trim(recall)));
        }
        return new TradeoffReport.Training(
                text,
                oracle.rule().describe(),
                s.trainedFrom().label(),
                hidden,
                options.epochs(),
                calib.train().tokens(),
                calib.validation().tokens(),
                result.seconds(),
                options.threads(),
                perLayer);
    }

    /**
     * The sweep's configurations as they are added, with the thresholds calibrated for them; every
     * oracle with fill-in takes the conditional means of the one calibration sample.
     */
    private static final class Configs {
        final List<TradeoffSweep.Config> configs = new ArrayList<>();
        final List<TradeoffReport.CalibratedRule> calibrated = new ArrayList<>();
        final ActivationSample sample;
        final List<FfnLayerWeights> layers;
        /**
         * A trained rule's oracle is the point its rule already has (a chosen rule, an error rule at
         * a swept share): the same configuration, so its calibration, fill-in and run are made once.
         */
        private final Map<Double, ErrorRuleCalibrator.Result> errorRules = new HashMap<>();

        private final Map<String, TradeoffSweep.Config> chosen = new HashMap<>();
        private final Map<ActivityRule, TradeoffSweep.Config> filled = new IdentityHashMap<>();

        Configs(ActivationSample sample, List<FfnLayerWeights> layers) {
            this.sample = sample;
            this.layers = layers;
        }

        /** The oracle of {@code rule} with mean fill-in. */
        TradeoffSweep.Config filled(String family, ActivityRule rule) {
            TradeoffSweep.Config c = filled.get(rule);
            if (c == null || !c.family().equals(family)) {
                c = TradeoffSweep.Config.oracle(family, rule, ConditionalMeans.fillIn(rule, sample, layers));
                filled.put(rule, c);
            }
            return c;
        }

        /** The error rule calibrated to neuron share {@code f}. */
        ErrorRuleCalibrator.Result errorRule(double f) {
            return errorRules.computeIfAbsent(f, share -> ErrorRuleCalibrator.forFraction(sample, layers, share, 2));
        }

        /** {@code rule} without and with fill-in. */
        void both(String family, ActivityRule rule) {
            configs.add(TradeoffSweep.Config.oracle(family, rule, null));
            configs.add(filled(family, rule));
        }

        /** A rule calibrated to a budget, with fill-in, and what the calibration found. */
        void calibrated(String family, TradeoffReport.CalibratedRule calibration, ActivityRule rule) {
            calibrated.add(calibration);
            configs.add(filled(family, rule));
        }

        /** A threshold rule given by text ({@link Settings} holds only those), with its fill-in. */
        TradeoffSweep.Config chosen(String text) {
            return chosen.computeIfAbsent(text.strip(), rule -> {
                ThresholdRule t = (ThresholdRule) ActivityRule.parse(rule);
                return filled(t.mode() == ThresholdRule.Mode.VALUE ? "act > t" : "|act| > t", t);
            });
        }
    }

    /**
     * The rule the predictor is tried on: a threshold rule with fill-in (the low-rank predictor
     * cannot serve top-k), the one reading fewest neurons at mean cosine ≥ 0.99, else the most
     * faithful one reading at most 40%, else the most faithful one.
     */
    private static Run best(List<Run> runs) {
        List<Run> candidates = runs.stream()
                .filter(r -> r.config().fillIn() != null && r.config().rule() instanceof ThresholdRule)
                .toList();
        if (candidates.isEmpty()) {
            throw new IllegalStateException("no threshold rule with fill-in was run; nothing to try the predictor on");
        }
        return candidates.stream()
                .filter(r -> r.point().cosine().mean() >= 0.99)
                .min(Comparator.comparingDouble(r -> r.point().readShare()))
                .or(() -> candidates.stream()
                        .filter(r -> r.point().readShare() <= 0.4)
                        .max(Comparator.comparingDouble(r -> r.point().cosine().mean())))
                .orElseGet(() -> candidates.stream()
                        .max(Comparator.comparingDouble(r -> r.point().cosine().mean()))
                        .orElseThrow());
    }

    /**
     * Profiles the calibration passages: every activation (for rules and fill-in) and the FFN
     * input moments (for the low-rank fit); with trained predictors also the FFN inputs themselves,
     * split by passage into training and validation parts as {@code ripple place --predictor
     * trained} splits them ({@link TrainingTokens}).
     */
    private static Calibration calibrationSample(
            Path onnx, List<FfnLayerWeights> layers, List<EncodedPassage> passages, Settings s, Progress progress)
            throws IOException {
        try (OnnxProfiler profiler = OnnxProfiler.open(onnx, null, ProfileOptions.defaults());
                Progress.Step bar = progress.start("calibration", s.calibrationTokens())) {
            if (!s.trained().isEmpty()) {
                TrainingTokens t = TrainingTokens.collect(profiler, passages, s.calibrationTokens(), bar::stepTo);
                return new Calibration(t.all(), t.moments(), t.train(), t.validation());
            }
            int[] neurons = layers.stream().mapToInt(l -> l.spec().dFfn()).toArray();
            ActivationSample.Builder b = ActivationSample.builder(neurons);
            List<InputMoments.Builder> moments = new ArrayList<>();
            for (EncodedPassage p : passages) {
                int rows = Math.min(p.length(), s.calibrationTokens() - b.tokens());
                if (rows <= 0) {
                    break;
                }
                OnnxProfiler.PassageTensors t = profiler.run(p);
                b.add(t.activations(), rows);
                for (int l = 0; l < t.inputs().length; l++) { // none where the graph does not expose them
                    if (moments.size() <= l) {
                        moments.add(InputMoments.builder(layers.get(l).spec().dModel()));
                    }
                    moments.get(l).add(t.inputs()[l], rows);
                }
                bar.stepTo(b.tokens());
            }
            return new Calibration(
                    b.build(), moments.stream().map(InputMoments.Builder::build).toList(), null, null);
        }
    }
}
