package dev.ripple.bench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.bench.harness.ProgressSteps;
import dev.ripple.core.tensor.DType;
import dev.ripple.io.Sizes;
import dev.ripple.io.json.NonFiniteAsNull;
import dev.ripple.placement.InputFiles;
import dev.ripple.placement.PreparedModel;
import dev.ripple.placement.algorithm.PlacementAlgorithm;
import dev.ripple.placement.algorithm.PlacementAlgorithms;
import dev.ripple.placement.eval.PlacementEvaluation;
import dev.ripple.placement.pipeline.ImportOptions;
import dev.ripple.placement.pipeline.LayoutOptions;
import dev.ripple.placement.pipeline.PlacedModel;
import dev.ripple.placement.pipeline.PlacementPipeline;
import dev.ripple.placement.pipeline.PlacementRequest;
import dev.ripple.placement.pipeline.Placements;
import dev.ripple.placement.pipeline.TraceMatch;
import dev.ripple.placement.pipeline.TrainedFit;
import dev.ripple.placement.pipeline.TrainingOptions;
import dev.ripple.placement.pipeline.WrittenModel;
import dev.ripple.placement.profile.OnnxProfiler;
import dev.ripple.placement.synthetic.GeneratedWeights;
import dev.ripple.placement.trace.ActivationTrace;
import dev.ripple.placement.trace.TraceFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ripple place}: order each layer's neurons by co-activation and write the .ripple file. */
@Command(
        name = "place",
        mixinStandardHelpOptions = true,
        description = "Place each FFN layer's neurons from a calibration trace (co-activated neurons adjacent), "
                + "write the .ripple layout atomically, and report reads per token on a held-out trace.")
final class PlaceCommand implements Callable<Integer> {
    @Mixin
    WorkOptions run;

    private static final ObjectMapper JSON =
            NonFiniteAsNull.mapper().enable(SerializationFeature.INDENT_OUTPUT); // unmeasured: null, not "NaN"

    @Option(
            names = "--model",
            converter = PathArguments.InputPath.class,
            paramLabel = "M",
            description = "ONNX file, a safetensors file/directory with config.json, or a .gguf file "
                    + "(default: the embedded all-MiniLM-L6-v2)")
    Path model;

    @Option(
            names = "--tokenizer",
            converter = PathArguments.InputFile.class,
            paramLabel = "T.json",
            description = "tokenizer.json to embed in the file (default: beside the model, if any)")
    Path tokenizer;

    @Option(
            names = "--trace",
            converter = PathArguments.InputFile.class,
            required = true,
            paramLabel = "CALIB",
            description = "calibration trace from 'ripple profile'")
    Path trace;

    @Option(
            names = "--algorithm",
            defaultValue = "ripple+",
            description = "identity, frequency, ripple or ripple+ (default: ${DEFAULT-VALUE})")
    String algorithm;

    @Option(
            names = "--out",
            converter = PathArguments.OutputFile.class,
            required = true,
            paramLabel = "FILE",
            description = "the .ripple file to write")
    Path out;

    @Option(
            names = "--eval",
            converter = PathArguments.InputFile.class,
            paramLabel = "HELDOUT",
            description = "held-out trace to evaluate the placement on")
    Path eval;

    @Option(names = "--compare", description = "with --eval: also evaluate every other algorithm, side by side")
    boolean compare;

    @Option(
            names = "--trust-trace",
            description = "accept traces recorded on another checkpoint of the model's shape (a copy of this one); "
                    + "by default a trace must be of this checkpoint. A trace of a model with another FFN activation is "
                    + "refused either way")
    boolean trustTrace;

    @Option(names = "--json", description = "print the evaluation as JSON")
    boolean json;

    @Option(
            names = "--dtype",
            description =
                    "bundle type on flash: f32, f16, bf16, q8_0 or q4_0 (default: f16 for decoders, f32 for ONNX models)")
    String dtype;

    @Option(
            names = "--resident-dtype",
            paramLabel = "TYPE",
            description =
                    "type of the resident matrices (embeddings, attention, LM head): f32, f16, bf16, q8_0 or q4_0 (default: as imported)")
    String residentDtype;

    @Option(
            names = "--rank",
            defaultValue = "-1",
            description = "rank of the low-rank predictor, 0 for none (default: a quarter of the smaller dimension)")
    int rank;

    @Mixin
    MarginOptions margin;

    @Option(names = "--no-fill-in", description = "do not store mean fill-in")
    boolean noFillIn;

    @Option(
            names = "--predictor",
            defaultValue = "lowrank",
            description = "lowrank: store the low-rank predictor (default); trained: also train a predictor per "
                    + "layer (issue 16; ONNX encoders) on --train-text and store it beside the low-rank one, for "
                    + "runs with --predictor trained. It is not the default: it did not beat the low-rank one "
                    + "(docs/PERFORMANCE.md §16)")
    String predictor;

    @Option(
            names = "--train-text",
            converter = PathArguments.InputFile.class,
            paramLabel = "T.txt",
            description = "with --predictor trained: the text to train on, one passage per line; its calibration "
                    + "half is used, as 'ripple profile --text' splits it (default: the embedded Europarl sample's)")
    Path trainText;

    @Option(
            names = "--train-tokens",
            defaultValue = "10000",
            description = "with --predictor trained: tokens profiled to train on, every fifth passage validating "
                    + "the thresholds (default: ${DEFAULT-VALUE})")
    long trainTokens;

    @Option(
            names = "--train-recall",
            defaultValue = "0.975",
            description = "with --predictor trained: the validation recall each layer's threshold is calibrated "
                    + "to (default: ${DEFAULT-VALUE})")
    double trainRecall;

    @Option(
            names = "--train-epochs",
            defaultValue = "2",
            description = "with --predictor trained: passes over the training tokens (default: ${DEFAULT-VALUE})")
    int trainEpochs;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "with --predictor trained: the training seed; the same seed and text write the same "
                    + "predictor (default: ${DEFAULT-VALUE})")
    long seed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PlacementRequest request = request();
        PlacedModel result;
        try (ProgressSteps steps = CliProgress.steps(run.quiet)) {
            result = PlacementPipeline.placeModel(request, steps);
        } catch (IllegalArgumentException e) {
            if (model == null && e.getMessage() != null && e.getMessage().startsWith(trace + ": ")) {
                // the trace does not fit the default model: the user most likely forgot --model
                throw new IllegalArgumentException(
                        e.getMessage() + " (no --model given, so the default " + DefaultData.MODEL_NAME
                                + " was placed; give --model for the model the trace was profiled on)",
                        e);
            }
            throw e;
        }
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            o.println(JSON.writeValueAsString(toJson(result, compare)));
        } else {
            print(o, result.written(), result.placed(), result.residentConversions());
            if (result.trained() != null) {
                printTrained(o, result.trained());
            }
        }
        return 0;
    }

    /** The options as the API's request, every setting checked before any work. */
    private PlacementRequest request() throws IOException {
        float predictorMargin = margin.checked(); // before the default model is unpacked or a trace read
        if (rank < -1) { // -1 is the default's mark (a quarter of the smaller dimension)
            throw new IllegalArgumentException("--rank must not be negative (0: no predictor), got " + rank);
        }
        if (rank == 0) {
            OptionValues.requireNotGiven(spec, "not with --rank 0, which stores no low-rank predictor", "--margin");
        }
        if (compare && eval == null) {
            throw new IllegalArgumentException("--compare needs --eval HELDOUT");
        }
        if (eval != null && Files.isSameFile(eval, trace)) {
            throw new IllegalArgumentException(PlacementPipeline.HELD_OUT_IS_CALIBRATION + " (--eval " + eval
                    + " is --trace " + trace + "): profile held-out text for it (ripple profile --split heldout)");
        }
        if (!predictor.equals("lowrank") && !predictor.equals("trained")) {
            throw new IllegalArgumentException("--predictor must be lowrank or trained, not '" + predictor + "'");
        }
        boolean train = predictor.equals("trained");
        if (!train) {
            OptionValues.requireNotGiven(
                    spec,
                    "only with --predictor trained, which trains a predictor per layer; the low-rank one is fitted"
                            + " to the trace",
                    "--train-text",
                    "--train-tokens",
                    "--train-recall",
                    "--train-epochs",
                    "--seed");
        }
        TrainingOptions training = train ? trainingOptions() : null;
        PathArguments.requireUsableOutput(
                InputFiles.none()
                        .withModel(model, "--model")
                        .with(trace, "--trace")
                        .with(eval, "--eval")
                        .with(tokenizer, "--tokenizer")
                        .with(trainText, "--train-text"),
                "--out",
                out);
        if (model == null) {
            DefaultData.requireNoTokenizer(tokenizer); // before the embedded model is unpacked
        }
        PlacementAlgorithm alg = algorithm(algorithm);
        ActivationTrace calibration = calibrationTrace(); // an empty one refused before the model is touched
        Path m = model != null ? model : DefaultData.model(run.work);
        DType storage =
                dtype != null ? OptionValues.weightType(dtype, "--dtype") : PlacementPipeline.defaultBundleType(m);
        DType residents = residentDtype == null ? null : OptionValues.weightType(residentDtype, "--resident-dtype");
        Path tok = tokenizer(m);
        List<PlacementAlgorithm> algorithms = new ArrayList<>(List.of(alg));
        if (compare) {
            PlacementAlgorithms.all().stream()
                    .filter(a -> !a.name().equals(alg.name()))
                    .forEach(algorithms::add);
        }
        return PlacementRequest.of(m, calibration, out)
                .withCalibrationName(trace.toString())
                .withImporting(new ImportOptions(storage, residents))
                .withHeldOut(eval == null ? null : TraceFiles.read(eval), eval == null ? null : eval.toString())
                .withAlgorithms(algorithms)
                .withLayout(LayoutOptions.defaults()
                        .withPredictorRank(rank)
                        .withMargin(predictorMargin)
                        .withFillIn(!noFillIn)
                        .withTokenizer(tok)
                        .withResidents(residents))
                .withTraining(
                        train
                                ? new PlacementRequest.Training(
                                        Corpus.load(trainText, 0.5).calibration(), training)
                                : null)
                .withTraceMatch(trustTrace ? TraceMatch.SAME_SHAPE : TraceMatch.SAME_CHECKPOINT);
    }

    /**
     * The tokenizer.json to embed: the option's, the default model's, or one beside an ONNX file; a
     * checkpoint directory brings its own tokenizer files (stored as blobs by the importer).
     */
    private Path tokenizer(Path m) throws IOException {
        if (model == null) {
            return DefaultData.tokenizer(run.work);
        }
        if (tokenizer != null) {
            return tokenizer;
        }
        Path beside = m.toAbsolutePath().getParent().resolve("tokenizer.json");
        return !PreparedModel.isCheckpoint(m) && Files.isRegularFile(beside) ? beside : null;
    }

    /** The options of --predictor trained, checked before any work. */
    private TrainingOptions trainingOptions() {
        if (trainTokens < 1 || trainEpochs < 1) {
            throw new IllegalArgumentException("--train-tokens and --train-epochs must be positive");
        }
        if (!(trainRecall > 0 && trainRecall <= 1)) {
            throw new IllegalArgumentException("--train-recall must be in (0, 1], got " + trainRecall);
        }
        return TrainingOptions.defaults()
                .withRank(rank > 0 ? rank : -1)
                .withMaxTokens(trainTokens)
                .withRecall(trainRecall)
                .withEpochs(trainEpochs)
                .withSeed(seed);
    }

    /** What training took and how the thresholds score on the validation passages. */
    private static void printTrained(PrintWriter o, TrainedFit t) {
        o.printf(
                "trained predictor stored (from the low-rank start, width %d, %d epochs, seed %d) for '%s': "
                        + "%d training / %d validation tokens, trained in %.1f s on %d threads%n",
                t.hidden(),
                t.options().epochs(),
                t.options().seed(),
                t.rule(),
                t.trainTokens(),
                t.validationTokens(),
                t.seconds(),
                t.options().threads());
        StringBuilder shares = new StringBuilder();
        for (int l = 0; l < t.validationReadShare().length; l++) {
            shares.append(String.format(
                    "%s%.1f%% (recall %.3f)",
                    l == 0 ? "" : ", ", 100 * t.validationReadShare()[l], t.validationRecall()[l]));
        }
        o.printf(
                "  thresholds for validation recall %s; neurons read on the validation passages per layer: %s%n"
                        + "  run it with --predictor trained (the low-rank predictor stays the default)%n",
                t.options().recall(), shares);
    }

    /** The written file and the held-out evaluation as the JSON {@code --json} prints. */
    private static ObjectNode toJson(PlacedModel result, boolean compare) {
        WrittenModel written = result.written();
        Placements placed = result.placed();
        JsonNode conversions = result.residentConversions();
        ObjectNode doc = JSON.createObjectNode();
        doc.put("file", written.file().toString());
        doc.put("weights", GeneratedWeights.of(written.file()) ? "generated" : "checkpoint");
        doc.put("sizeBytes", written.sizeBytes());
        doc.put("algorithm", written.algorithm());
        doc.put("dtype", written.bundleType().label());
        ObjectNode err = doc.putObject("storageError");
        err.put("upGate", written.meanUpGateError());
        err.put("down", written.meanDownError());
        err.set("layers", JSON.valueToTree(written.storageErrors()));
        if (!conversions.isEmpty()) {
            doc.set("residentConversions", conversions);
        }
        if (written.predictorRank() > 0) {
            doc.put("predictorFit", written.predictorFit());
            doc.put("aheadPredictor", written.aheadPredictor());
        }
        PlacementEvaluation evaluation = placed.first().heldOut();
        if (evaluation != null) {
            doc.set("overall", JSON.valueToTree(evaluation.overall()));
            doc.set("layers", JSON.valueToTree(evaluation.layers()));
        }
        if (compare) {
            ObjectNode cmp = doc.putObject("compare");
            placed.all()
                    .forEach(p ->
                            cmp.set(p.algorithm(), JSON.valueToTree(p.heldOut().overall())));
        }
        TrainedFit trained = result.trained();
        if (trained != null) {
            ObjectNode t = trained.provenance();
            t.put("seconds", trained.seconds());
            t.put("threads", trained.options().threads());
            doc.set("trainedPredictor", t);
        }
        return doc;
    }

    private void print(PrintWriter o, WrittenModel written, Placements placed, JsonNode conversions) {
        String tag = GeneratedWeights.suffix(GeneratedWeights.of(written.file()));
        o.printf(
                "wrote %s (%s, %s bundles) with %s placement%s%n",
                written.file(),
                Sizes.bytes(written.sizeBytes()),
                written.bundleType().label(),
                written.algorithm(),
                tag);
        if (written.bundleType() != DType.F32) {
            o.printf(
                    "%s bundles against the source's weights: relative RMS error %.2e in up/gate rows, %.2e in down columns "
                            + "(mean over layers)%n",
                    written.bundleType().label(), written.meanUpGateError(), written.meanDownError());
        }
        if (!conversions.isEmpty()) {
            double worst = 0;
            Set<String> types = new TreeSet<>();
            for (var c : conversions.properties()) {
                worst = Math.max(worst, c.getValue().path("relativeRmsError").asDouble());
                types.add(c.getValue().path("from").asText() + " -> "
                        + c.getValue().path("to").asText());
            }
            o.printf(
                    "%d resident tensors converted from types the runtime does not compute on (%s): relative RMS error "
                            + "up to %.2e against the GGUF file's values%n",
                    conversions.size(), String.join(", ", types), worst);
        }
        if (rank > written.predictorRank() && written.predictorRank() > 0) {
            o.printf(
                    "--rank %d is above the layers' smaller dimension: the predictor has the full rank, %d%n",
                    rank, written.predictorRank());
        }
        if (written.predictorFit().equals("weights")) {
            o.println(
                    "low-rank predictor fitted to the weights alone: " + trace + " holds no FFN input moments (they are"
                            + " recorded for hidden sizes up to " + OnnxProfiler.MAX_MOMENT_WIDTH + "; for a model that"
                            + " narrow, a trace profiled by this version has them, and a predictor fitted to the"
                            + " inputs reads far fewer neurons; docs/DESIGN.md)");
        } else if (written.predictorFit().equals("inputs")) {
            o.println("low-rank predictor fitted to the FFN inputs profiled in " + trace
                    + (written.aheadPredictor() ? ", the read-ahead's to the layer inputs profiled with them" : ""));
        }
        if (placed.first().heldOut() != null) {
            PlacementText.layers(o, placed.first().heldOut(), tag);
            o.println();
            PlacementText.comparison(o, placed, tag);
        }
    }

    static PlacementAlgorithm algorithm(String name) {
        try {
            return PlacementAlgorithms.byName(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "unknown --algorithm '" + name + "' (known: " + PlacementAlgorithms.names() + ")");
        }
    }

    /** The --trace file, refused when it holds no token ({@link PlacementPipeline#requireTokens}). */
    private ActivationTrace calibrationTrace() throws IOException {
        ActivationTrace t = TraceFiles.read(trace);
        PlacementPipeline.requireTokens(t, "--trace " + trace);
        return t;
    }
}
