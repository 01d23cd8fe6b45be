package dev.ripple.bench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.bench.harness.TradeoffChart;
import dev.ripple.bench.harness.TradeoffPoint;
import dev.ripple.bench.harness.TradeoffSweep;
import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.activity.LowRankPredictor;
import dev.ripple.core.activity.ThresholdRule;
import dev.ripple.core.activity.TopKRule;
import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.core.format.AtomicFile;
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
import dev.ripple.placement.profile.EncodedPassage;
import dev.ripple.placement.profile.OnnxEncoder;
import dev.ripple.placement.profile.OnnxProfiler;
import dev.ripple.placement.profile.PassageTokenizer;
import dev.ripple.placement.profile.ProfileOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
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

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

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

    @Option(names = "--json", paramLabel = "FILE", description = "write every point as JSON")
    Path json;

    @Option(names = "--png", paramLabel = "FILE", description = "draw the curve (cosine vs neurons read) as a PNG")
    Path png;

    @Spec
    CommandSpec spec;

    /** A configuration and the point it gave. */
    private record Run(TradeoffSweep.Config config, TradeoffPoint point) {}

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        if (sentences < 1 || calibrationTokens < 1) {
            throw new IllegalArgumentException("--sentences and --calibration-tokens must be positive");
        }
        List<Double> errorBudgets = errorBudgets("--error-targets", errorTargets);
        List<Double> errorRuleBudgets = errorBudgets("--error-rule-fractions", errorRuleFractions);
        for (double f : errorRuleBudgets) {
            if (!(f > 0 && f <= 1)) {
                throw new IllegalArgumentException("--error-rule-fractions must be in (0, 1], got " + f);
            }
        }
        for (double f : fractions) {
            if (!(f > 0 && f <= 1)) {
                throw new IllegalArgumentException("--fractions must be in (0, 1], got " + f);
            }
        }
        if (predictorRule != null && !(ActivityRule.parse(predictorRule) instanceof ThresholdRule)) {
            throw new IllegalArgumentException(
                    "--predictor-rule must be a threshold rule ('act > t' or '|act| > t'), not '" + predictorRule
                            + "'");
        }
        if (rank == 0 || rank < -1) {
            throw new IllegalArgumentException("--rank must be positive, got " + rank);
        }
        if (predictorOnly && predictorRule == null) {
            throw new IllegalArgumentException("--predictor-only needs --predictor-rule R");
        }
        for (float m : margins) {
            if (!(m >= 0)) {
                throw new IllegalArgumentException("--margins must be ≥ 0, got " + m);
            }
        }
        for (double r : trainedRecalls) {
            if (!(r > 0 && r <= 1)) {
                throw new IllegalArgumentException("--trained-recalls must be in (0, 1], got " + r);
            }
        }
        if (!trainedFrom.equals("lowrank") && !trainedFrom.equals("random")) {
            throw new IllegalArgumentException("--trained-from takes 'lowrank' or 'random', not '" + trainedFrom + "'");
        }
        PredictorTrainer.Options preset = trainedFrom.equals("lowrank")
                ? PredictorTrainer.Options.warmStart()
                : PredictorTrainer.Options.defaults();
        PredictorTrainer.Options trainOptions = new PredictorTrainer.Options(
                trainedHidden,
                trainedEpochs > 0 ? trainedEpochs : preset.epochs(),
                preset.batch(),
                trainedRate > 0 ? trainedRate : preset.learningRate(),
                preset.missWeight(),
                42,
                Runtime.getRuntime().availableProcessors(),
                preset.relu());
        Files.createDirectories(run.work);
        Path onnx = inputs.onnx(run.work);
        Path tok = inputs.tokenizer(run.work);
        Corpus corpus = inputs.corpus(0.5);
        String modelName = inputs.modelName();

        ImportedModel imported =
                PlacementPipeline.importModel(onnx, ImportOptions.defaults().withBundles(DType.F32));
        BertConfig config = BertConfig.fromJson(imported.architecture());
        List<FfnLayerWeights> layers = imported.weights();
        TensorSource tensors = imported.tensorSource();

        List<EncodedPassage> calibration = new ArrayList<>();
        List<EncodedPassage> heldOut = new ArrayList<>();
        try (PassageTokenizer t = PassageTokenizer.open(tok, 128)) {
            long tokens = 0;
            for (String s : corpus.calibration()) {
                if (tokens >= calibrationTokens) {
                    break;
                }
                EncodedPassage p = t.encode(s);
                if (p.length() > 0) {
                    calibration.add(p);
                    tokens += p.length();
                }
            }
            for (String s : corpus.heldOut()) {
                if (heldOut.size() >= sentences) {
                    break;
                }
                EncodedPassage p = t.encode(s);
                if (p.length() > 0) {
                    heldOut.add(p);
                }
            }
        }
        if (heldOut.isEmpty() || calibration.isEmpty()) {
            throw new IllegalArgumentException(corpus.name() + ": no calibration or no held-out passages to run on");
        }
        Calibration calib = calibrationSample(onnx, layers, calibration);
        ActivationSample sample = calib.sample();
        List<float[]> reference = reference(onnx, new EncoderModel(config, tensors, null), heldOut);
        long heldTokens = heldOut.stream().mapToLong(EncodedPassage::length).sum();
        o.printf(
                "Ripple tradeoff on %s%ntext: %s; %d calibration tokens (%d passages), %d held-out passages (%d tokens)%n"
                        + "cosine: final sentence embedding of the Java forward against ONNX Runtime's dense output%n%n",
                modelName, corpus.name(), sample.tokens(), calibration.size(), heldOut.size(), heldTokens);

        int rank = this.rank > 0
                ? this.rank
                : PlacementPipeline.defaultRank(layers.getFirst().spec());
        Map<String, List<LowRankPredictor.Factors>> fits = new LinkedHashMap<>();
        fits.put(
                "weights",
                layers.parallelStream()
                        .map(w -> LowRankFactorizer.factor(w, rank, 42))
                        .toList());
        if (!calib.moments().isEmpty()) {
            fits.put(
                    "inputs",
                    IntStream.range(0, layers.size())
                            .parallel()
                            .mapToObj(l -> LowRankFactorizer.factor(
                                    layers.get(l), rank, 42, calib.moments().get(l)))
                            .toList());
        }
        List<TradeoffSweep.Config> configs = new ArrayList<>();
        configs.add(TradeoffSweep.Config.oracle("dense", TopKRule.ofFraction(1.0), null));
        if (predictorOnly) {
            configs.add(chosen(predictorRule, sample, layers));
        }
        ArrayNode calibrated = JSON.createArrayNode();
        if (!predictorOnly) {
            addSweep(configs, calibrated, sample, layers, errorBudgets);
        }
        addErrorRules(configs, calibrated, sample, layers, errorRuleBudgets, predictorOnly || !fractions.isEmpty());
        ArrayNode trainings = JSON.createArrayNode();
        for (String spec : trained) {
            addTrained(configs, trainings, o, spec, calib, layers, trainOptions, fits.get("inputs"));
        }

        TradeoffSweep sweep = new TradeoffSweep(
                config,
                tensors,
                layers,
                heldOut.stream().map(EncodedPassage::intIds).toList(),
                reference,
                Runtime.getRuntime().availableProcessors());
        List<Run> runs = new ArrayList<>();
        long total = (long) (configs.size() + 2L * margins.size()) * heldOut.size();
        try (CliProgress bar = CliProgress.start("sweep", total, run.quiet)) {
            long[] base = {0};
            for (TradeoffSweep.Config c : configs) {
                bar.message(c.rule().describe() + (c.fillIn() != null ? " + fill-in" : ""));
                long start = base[0];
                runs.add(new Run(c, sweep.run(c, d -> bar.stepTo(start + d))));
                base[0] += heldOut.size();
            }
            TradeoffSweep.Config best =
                    predictorRule == null ? best(runs).config() : chosen(predictorRule, sample, layers);
            for (var fit : fits.entrySet()) {
                for (float margin : margins) {
                    TradeoffSweep.Config c = new TradeoffSweep.Config(
                            best.family(),
                            best.rule(),
                            best.fillIn(),
                            new LowRankPredictor(fit.getValue(), best.rule(), margin),
                            "low-rank r" + rank + " " + fit.getKey() + " m" + trim(margin));
                    bar.message(c.predictorLabel());
                    long start = base[0];
                    runs.add(new Run(c, sweep.run(c, d -> bar.stepTo(start + d))));
                    base[0] += heldOut.size();
                }
            }
        }

        List<TradeoffPoint> points = runs.stream().map(Run::point).toList();
        print(o, points);
        if (calibrated.size() > 0) {
            o.println();
            o.println("calibrated per-layer thresholds (on the calibration tokens):");
            for (var c : calibrated) {
                o.printf(
                        "  %-8s %-5s -> %s%n",
                        c.get("target").asText(),
                        trim(c.get("value").asDouble()),
                        c.get("rule").asText());
            }
        }
        if (json != null) {
            ObjectNode root = JSON.createObjectNode();
            root.put("model", modelName);
            root.put("corpus", corpus.name());
            root.put("calibrationTokens", sample.tokens());
            root.put("heldOutPassages", heldOut.size());
            root.put("heldOutTokens", heldTokens);
            root.set("calibrated", calibrated);
            root.set("trained", trainings);
            ArrayNode arr = root.putArray("points");
            points.forEach(p -> arr.add(p.toJson()));
            AtomicFile.write(json, JSON.writeValueAsBytes(root));
            o.printf("%nJSON -> %s%n", json);
        }
        if (png != null) {
            TradeoffChart.write(
                    png,
                    "Sparsity vs fidelity, " + (inputs.embeddedModel() ? "all-MiniLM-L6-v2" : onnx.getFileName()) + ", "
                            + heldOut.size() + " held-out passages",
                    points);
            o.printf("PNG -> %s%n", png);
        }
        return 0;
    }

    /** The rule sweep: value and magnitude thresholds, top-k, and thresholds calibrated to budgets. */
    private void addSweep(
            List<TradeoffSweep.Config> configs,
            ArrayNode calibrated,
            ActivationSample sample,
            List<FfnLayerWeights> layers,
            List<Double> errorBudgets) {
        for (float t : new float[] {-0.1f, -0.05f, 0f, 0.05f, 0.1f}) {
            addBoth(configs, "act > t", ThresholdRule.value(t), sample, layers);
        }
        for (float t : new float[] {0.02f, 0.05f, 0.1f, 0.15f, 0.2f}) {
            addBoth(configs, "|act| > t", ThresholdRule.magnitude(t), sample, layers);
        }
        for (double p : new double[] {0.1, 0.2, 0.3, 0.4, 0.6}) {
            addBoth(configs, "top P%", TopKRule.ofFraction(p), sample, layers);
        }
        for (ThresholdRule.Mode mode : ThresholdRule.Mode.values()) {
            for (double f : fractions) {
                ThresholdCalibrator.Result r = ThresholdCalibrator.forFraction(mode, sample, f);
                calibrated.add(describe("fraction", f, r));
                configs.add(TradeoffSweep.Config.oracle(
                        (mode == ThresholdRule.Mode.VALUE ? "act" : "|act|") + " calibrated to a neuron share",
                        r.rule(),
                        ConditionalMeans.fillIn(r.rule(), sample, layers)));
            }
        }
        ActivationSample errorSample = sample.everyNth((sample.tokens() + 999) / 1000);
        for (double e : errorBudgets) {
            ThresholdCalibrator.Result r =
                    ThresholdCalibrator.forError(ThresholdRule.Mode.MAGNITUDE, errorSample, layers, e, 14);
            calibrated.add(describe("ffnError", e, r));
            configs.add(TradeoffSweep.Config.oracle(
                    "|act| calibrated to an FFN error", r.rule(), ConditionalMeans.fillIn(r.rule(), sample, layers)));
        }
    }

    /**
     * The error rule calibrated to each budget, each beside {@code act > t} calibrated to the same
     * budget (unless the sweep already has that point), so the two compare at equal neurons.
     */
    private void addErrorRules(
            List<TradeoffSweep.Config> configs,
            ArrayNode calibrated,
            ActivationSample sample,
            List<FfnLayerWeights> layers,
            List<Double> budgets,
            boolean addValueRule) {
        for (double f : budgets) {
            if (addValueRule && (predictorOnly || !fractions.contains(f))) {
                ThresholdCalibrator.Result v = ThresholdCalibrator.forFraction(ThresholdRule.Mode.VALUE, sample, f);
                calibrated.add(describe("fraction", f, v));
                configs.add(TradeoffSweep.Config.oracle(
                        "act calibrated to a neuron share",
                        v.rule(),
                        ConditionalMeans.fillIn(v.rule(), sample, layers)));
            }
            ErrorRuleCalibrator.Result r = ErrorRuleCalibrator.forFraction(sample, layers, f, 2);
            ObjectNode n = JSON.createObjectNode();
            n.put("target", "fraction");
            n.put("value", f);
            n.put("rule", r.rule().describe());
            ArrayNode a = n.putArray("calibrationFraction");
            for (double v : r.fraction()) {
                a.add(v);
            }
            calibrated.add(n);
            configs.add(TradeoffSweep.Config.oracle(
                    "error calibrated to a neuron share", r.rule(), ConditionalMeans.fillIn(r.rule(), sample, layers)));
        }
    }

    /**
     * Trains a predictor for one --trained rule and adds its oracle and one point per recall
     * target; prints (and records) the training time and the validation figures per layer.
     */
    private void addTrained(
            List<TradeoffSweep.Config> configs,
            ArrayNode trainings,
            PrintWriter o,
            String spec,
            Calibration calib,
            List<FfnLayerWeights> layers,
            PredictorTrainer.Options options,
            List<LowRankPredictor.Factors> inputFits)
            throws InterruptedException {
        boolean warm = trainedFrom.equals("lowrank");
        if (warm && inputFits == null) {
            throw new IllegalArgumentException(
                    "--trained-from lowrank needs the FFN input moments, which this model's graph "
                            + "did not give; use --trained-from random");
        }
        if (calib.train() == null) {
            throw new IllegalArgumentException(
                    "--trained needs the FFN inputs from ONNX Runtime, and this model's graph "
                            + "did not give them (or the calibration has fewer than 5 passages)");
        }
        ActivationSample sample = calib.sample();
        String text = spec.strip();
        TradeoffSweep.Config oracle;
        if (text.toLowerCase(Locale.ROOT).startsWith("error")) {
            double f = Double.parseDouble(text.substring(5).strip());
            ErrorRuleCalibrator.Result r = ErrorRuleCalibrator.forFraction(sample, layers, f, 2);
            oracle = TradeoffSweep.Config.oracle(
                    "error calibrated to a neuron share", r.rule(), ConditionalMeans.fillIn(r.rule(), sample, layers));
        } else {
            oracle = chosen(text, sample, layers);
        }
        PredictorTrainer.Result result = PredictorTrainer.train(
                calib.train(),
                calib.validation(),
                oracle.rule(),
                oracle.fillIn(),
                layers,
                warm ? inputFits : null,
                options);
        int hidden = result.layers().getFirst().network().hidden();
        o.printf(
                "trained predictor for %s (%s): from %s, hidden %d, %d epochs, %d training / %d validation tokens, "
                        + "%.1f s on %d threads%n",
                text,
                oracle.rule().describe(),
                trainedFrom,
                hidden,
                options.epochs(),
                calib.train().tokens(),
                calib.validation().tokens(),
                result.seconds(),
                options.threads());
        ObjectNode t = trainings.addObject();
        t.put("rule", text);
        t.put("ruleText", oracle.rule().describe());
        t.put("from", trainedFrom);
        t.put("hidden", hidden);
        t.put("epochs", options.epochs());
        t.put("trainTokens", calib.train().tokens());
        t.put("validationTokens", calib.validation().tokens());
        t.put("seconds", result.seconds());
        t.put("threads", options.threads());
        ArrayNode perLayer = t.putArray("layers");
        for (int l = 0; l < result.layers().size(); l++) {
            PredictorTrainer.LayerResult lr = result.layers().get(l);
            ObjectNode n = perLayer.addObject();
            n.put("finalLoss", lr.finalLoss());
            for (double recall : trainedRecalls) {
                float th = lr.thresholdFor(recall);
                n.put("readShareAtRecall" + recall, lr.readShare(th));
            }
            o.printf(
                    "  layer %d: loss %.4f, validation read share at recall %s: %s%n",
                    l,
                    lr.finalLoss(),
                    trainedRecalls,
                    trainedRecalls.stream()
                            .map(r -> String.format("%.3f", lr.readShare(lr.thresholdFor(r))))
                            .toList());
        }
        configs.add(oracle);
        for (double recall : trainedRecalls) {
            configs.add(new TradeoffSweep.Config(
                    oracle.family(),
                    oracle.rule(),
                    oracle.fillIn(),
                    result.predictor(recall),
                    "trained " + (warm ? "lr" : "h") + hidden + " val recall " + trim(recall)));
        }
    }

    /** The rule given by --predictor-rule, with its fill-in. */
    private static TradeoffSweep.Config chosen(String text, ActivationSample sample, List<FfnLayerWeights> layers) {
        ActivityRule rule = ActivityRule.parse(text);
        if (!(rule instanceof ThresholdRule t)) {
            throw new IllegalArgumentException(
                    "--predictor-rule must be a threshold rule ('act > t' or '|act| > t'), not '" + rule.describe()
                            + "'");
        }
        return TradeoffSweep.Config.oracle(
                t.mode() == ThresholdRule.Mode.VALUE ? "act > t" : "|act| > t",
                rule,
                ConditionalMeans.fillIn(rule, sample, layers));
    }

    /** An option's values: numbers, or the single word 'none'. */
    private static List<Double> errorBudgets(String option, List<String> values) {
        if (values.size() == 1 && values.get(0).equalsIgnoreCase("none")) {
            return List.of();
        }
        List<Double> out = new ArrayList<>();
        for (String v : values) {
            try {
                double e = Double.parseDouble(v.strip());
                if (!(e >= 0)) {
                    throw new NumberFormatException();
                }
                out.add(e);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " takes numbers ≥ 0 or 'none', not '" + v + "'");
            }
        }
        return out;
    }

    private static void addBoth(
            List<TradeoffSweep.Config> configs,
            String family,
            ActivityRule rule,
            ActivationSample sample,
            List<FfnLayerWeights> layers) {
        configs.add(TradeoffSweep.Config.oracle(family, rule, null));
        configs.add(TradeoffSweep.Config.oracle(family, rule, ConditionalMeans.fillIn(rule, sample, layers)));
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

    /** The calibration activations, and the FFN input moments the predictor is fitted to (empty if unavailable). */
    private record Calibration(
            ActivationSample sample,
            List<InputMoments> moments,
            PredictorTrainer.TokenSet train,
            PredictorTrainer.TokenSet validation) {}

    /**
     * Profiles the calibration passages: every activation (for rules and fill-in) and the FFN
     * input moments (for the low-rank fit); with --trained also the FFN inputs themselves, with
     * every fifth passage set aside as the validation split (disjoint by line from the training one).
     */
    private Calibration calibrationSample(Path onnx, List<FfnLayerWeights> layers, List<EncodedPassage> passages)
            throws IOException {
        int[] neurons = layers.stream().mapToInt(l -> l.spec().dFfn()).toArray();
        ActivationSample.Builder b = ActivationSample.builder(neurons);
        ActivationSample.Builder[] split = {ActivationSample.builder(neurons), ActivationSample.builder(neurons)};
        List<List<float[][]>> splitInputs = List.of(new ArrayList<>(), new ArrayList<>());
        boolean keepInputs = !trained.isEmpty();
        List<InputMoments.Builder> moments = new ArrayList<>();
        try (OnnxProfiler profiler = OnnxProfiler.open(onnx, null, ProfileOptions.defaults());
                CliProgress bar = CliProgress.start("calibration", calibrationTokens, run.quiet)) {
            int index = 0;
            for (EncodedPassage p : passages) {
                int rows = Math.min(p.length(), calibrationTokens - b.tokens());
                if (rows <= 0) {
                    break;
                }
                OnnxProfiler.PassageTensors t = profiler.run(p);
                b.add(t.activations(), rows);
                for (int l = 0; l < t.inputs().length; l++) {
                    if (moments.size() <= l) {
                        moments.add(InputMoments.builder(layers.get(l).spec().dModel()));
                    }
                    moments.get(l).add(t.inputs()[l], rows);
                }
                if (keepInputs && t.inputs().length == layers.size()) {
                    int part = index % 5 == 4 ? 1 : 0;
                    split[part].add(t.activations(), rows);
                    float[][] in = new float[layers.size()][];
                    for (int l = 0; l < in.length; l++) {
                        in[l] = Arrays.copyOf(
                                t.inputs()[l], rows * layers.get(l).spec().dModel());
                    }
                    splitInputs.get(part).add(in);
                }
                index++;
                bar.stepTo(b.tokens());
            }
        }
        PredictorTrainer.TokenSet train = null;
        PredictorTrainer.TokenSet validation = null;
        if (keepInputs && split[0].tokens() > 0 && split[1].tokens() > 0) {
            train = tokenSet(split[0].build(), splitInputs.get(0), layers.size());
            validation = tokenSet(split[1].build(), splitInputs.get(1), layers.size());
        }
        return new Calibration(
                b.build(), moments.stream().map(InputMoments.Builder::build).toList(), train, validation);
    }

    /** The inputs of each passage (arrays per layer) joined per layer. */
    private static PredictorTrainer.TokenSet tokenSet(ActivationSample acts, List<float[][]> passages, int layerCount) {
        List<float[]> perLayer = new ArrayList<>();
        for (int l = 0; l < layerCount; l++) {
            int size = 0;
            for (float[][] p : passages) {
                size += p[l].length;
            }
            float[] all = new float[size];
            int at = 0;
            for (float[][] p : passages) {
                float[] part = p[l];
                System.arraycopy(part, 0, all, at, part.length);
                at += part.length;
            }
            perLayer.add(all);
        }
        return new PredictorTrainer.TokenSet(perLayer, acts);
    }

    private List<float[]> reference(Path onnx, EncoderModel pooler, List<EncodedPassage> passages) throws IOException {
        List<float[]> out = new ArrayList<>();
        try (OnnxEncoder ort = OnnxEncoder.open(onnx, 0);
                CliProgress bar = CliProgress.start("reference", passages.size(), run.quiet)) {
            for (EncodedPassage p : passages) {
                out.add(pooler.pool(ort.hiddenStates(p)));
                bar.stepTo(out.size());
            }
        }
        return out;
    }

    private static ObjectNode describe(String target, double value, ThresholdCalibrator.Result r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("target", target);
        n.put("value", value);
        n.put("rule", r.rule().describe());
        ArrayNode f = n.putArray("calibrationFraction");
        for (double v : r.fraction()) {
            f.add(v);
        }
        ArrayNode e = n.putArray("calibrationError");
        for (double v : r.error()) {
            e.add(v);
        }
        return n;
    }

    private static void print(PrintWriter o, List<TradeoffPoint> points) {
        o.printf(
                "%-34s %-8s %-26s %7s %9s %8s %8s %7s %9s%n",
                "rule", "fill-in", "read via", "read", "FFN err", "cos mean", "cos p5", "recall", "precision");
        for (TradeoffPoint p : points) {
            String rule = p.rule().length() > 34 ? p.rule().substring(0, 31) + "..." : p.rule();
            o.printf(
                    "%-34s %-8s %-26s %6.1f%% %9.3f %8.4f %8.4f %7s %9s%n",
                    rule,
                    p.fillIn() ? "yes" : "no",
                    p.predictor(),
                    100 * p.readShare(),
                    p.ffnError(),
                    p.cosine().mean(),
                    p.cosine().p5(),
                    fmt(p.recall()),
                    fmt(p.precision()));
        }
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.3f", v);
    }

    private static String trim(double v) {
        String s = Double.toString(Math.round(v * 1e4) / 1e4);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }
}
