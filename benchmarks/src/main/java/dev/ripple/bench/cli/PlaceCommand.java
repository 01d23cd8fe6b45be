package dev.ripple.bench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.activity.LowRankPredictor;
import dev.ripple.core.format.StorageError;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.format.RippleContents;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.placement.LayoutBuilder;
import dev.ripple.placement.PreparedModel;
import dev.ripple.placement.algorithm.PlacementAlgorithm;
import dev.ripple.placement.algorithm.PlacementAlgorithms;
import dev.ripple.placement.eval.CollapseFigure;
import dev.ripple.placement.eval.LayerEvaluation;
import dev.ripple.placement.eval.PlacementEvaluation;
import dev.ripple.placement.eval.PlacementEvaluator;
import dev.ripple.placement.importer.ImportedModel;
import dev.ripple.placement.importer.OnnxImporter;
import dev.ripple.placement.importer.SafetensorsImporter;
import dev.ripple.placement.importer.gguf.GgufImporter;
import dev.ripple.placement.stats.CoActivationCounter;
import dev.ripple.placement.stats.LayerStats;
import dev.ripple.placement.trace.ActivationTrace;
import dev.ripple.placement.trace.TraceFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ripple place}: order each layer's neurons by co-activation and write the .ripple file. */
@Command(name = "place", mixinStandardHelpOptions = true,
        description = "Place each FFN layer's neurons from a calibration trace (co-activated neurons adjacent), "
                + "write the .ripple layout atomically, and report reads per token on a held-out trace.")
final class PlaceCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--model", paramLabel = "M", description = "ONNX file, a safetensors file/directory with config.json, or a .gguf file "
            + "(default: the embedded all-MiniLM-L6-v2)")
    Path model;

    @Option(names = "--tokenizer", paramLabel = "T.json", description = "tokenizer.json to embed in the file (default: beside the model, if any)")
    Path tokenizer;

    @Option(names = "--trace", required = true, paramLabel = "CALIB", description = "calibration trace from 'ripple profile'")
    Path trace;

    @Option(names = "--algorithm", defaultValue = "ripple+", description = "identity, frequency, ripple or ripple+ (default: ${DEFAULT-VALUE})")
    String algorithm;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the .ripple file to write")
    Path out;

    @Option(names = "--eval", paramLabel = "HELDOUT", description = "held-out trace to evaluate the placement on")
    Path eval;

    @Option(names = "--compare", description = "with --eval: also evaluate every other algorithm, side by side")
    boolean compare;

    @Option(names = "--json", description = "print the evaluation as JSON")
    boolean json;

    @Option(names = "--dtype", description = "bundle type on flash: f32, f16, bf16, q8_0 or q4_0 (default: f16 for decoders, f32 for ONNX models)")
    String dtype;

    @Option(names = "--resident-dtype", paramLabel = "TYPE",
            description = "type of the resident matrices (embeddings, attention, LM head): f32, f16, bf16, q8_0 or q4_0 (default: as imported)")
    String residentDtype;

    @Option(names = "--rank", defaultValue = "-1", description = "rank of the low-rank predictor, 0 for none (default: a quarter of the smaller dimension)")
    int rank;

    @Option(names = "--margin", defaultValue = "" + LowRankPredictor.DEFAULT_MARGIN,
            description = "low-rank predictor margin, in RMS errors of each neuron's prediction (default: ${DEFAULT-VALUE})")
    float margin;

    @Option(names = "--no-fill-in", description = "do not store mean fill-in")
    boolean noFillIn;

    @Option(names = "--work", defaultValue = "ripple-work", description = "where the embedded model is unpacked (default: ${DEFAULT-VALUE})")
    Path work;

    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (compare && eval == null) {
            throw new IllegalArgumentException("--compare needs --eval HELDOUT");
        }
        PlacementAlgorithm alg = algorithm(algorithm);
        Path m = model != null ? model : DefaultData.model(work);
        DType storage = dtype != null ? weightType(dtype, "--dtype") : PreparedModel.isCheckpoint(m) ? DType.F16 : DType.F32;
        DType residents = residentDtype == null ? null : weightType(residentDtype, "--resident-dtype");
        // A checkpoint directory brings its own tokenizer files (stored as blobs by the importer).
        Path tok = model == null ? DefaultData.tokenizer(work) : tokenizer != null ? tokenizer
                : PreparedModel.isCheckpoint(m) ? null
                : Files.isRegularFile(m.toAbsolutePath().getParent().resolve("tokenizer.json"))
                ? m.toAbsolutePath().getParent().resolve("tokenizer.json") : null;
        ImportedModel imported = importModel(m, storage, residents);
        ActivationTrace calibration = TraceFiles.read(trace);
        ActivationTrace heldOut = eval == null ? null : TraceFiles.read(eval);
        requireMatches(imported, calibration, trace);
        if (heldOut != null) {
            requireMatches(imported, heldOut, eval);
        }
        List<PlacementAlgorithm> algorithms = new java.util.ArrayList<>(List.of(alg));
        if (compare) {
            PlacementAlgorithms.names().stream().filter(n -> !n.equals(alg.name())).map(PlacementAlgorithms::byName)
                    .forEach(algorithms::add);
        }
        Map<String, Result> placed = placeAll(calibration, heldOut, algorithms, quiet);
        Result r = placed.get(alg.name());
        ObjectNode stats = r.evaluation == null ? JSON.createObjectNode() : JSON.valueToTree(r.evaluation.overall());
        stats.put("calibrationTokens", calibration.info().tokens());
        int chosenRank = rank >= 0 ? rank : defaultRank(imported.layers().getFirst().spec());
        RippleContents contents;
        try (CliProgress bar = CliProgress.start("predictor and fill-in", imported.layers().size(), quiet)) {
            contents = new LayoutBuilder(imported, r.orders).rule(ActivityRule.parse(calibration.info().rule()))
                    .corpus(calibration.info().corpus()).placement(alg.name(), stats)
                    .fillIn(noFillIn ? null : calibration.meanInactive()).lowRank(chosenRank, margin)
                    .inputMoments(calibration.inputMoments())
                    .tokenizer(tok == null ? null : Files.readAllBytes(tok)).residentType(residents)
                    .build(l -> bar.stepTo(l + 1));
        }
        long size;
        List<StorageError> errors = new java.util.ArrayList<>();
        try (CliProgress bar = CliProgress.start("write " + out.getFileName(), imported.layers().size(), quiet)) {
            size = RippleFileWriter.write(out, contents, (l, error) -> {
                errors.add(error);
                bar.stepTo(l + 1);
            });
        }

        Map<String, PlacementEvaluation> all = new LinkedHashMap<>();
        placed.forEach((name, result) -> {
            if (result.evaluation != null) {
                all.put(name, result.evaluation);
            }
        });
        PrintWriter o = spec.commandLine().getOut();
        com.fasterxml.jackson.databind.JsonNode conversions = imported.architecture().path("gguf").path("residentConversions");
        if (json) {
            ObjectNode doc = JSON.createObjectNode();
            doc.put("file", out.toString());
            doc.put("sizeBytes", size);
            doc.put("algorithm", alg.name());
            doc.put("dtype", storage.label());
            ObjectNode err = doc.putObject("storageError");
            err.put("upGate", meanOf(errors, StorageError::upGate));
            err.put("down", meanOf(errors, StorageError::down));
            err.set("layers", JSON.valueToTree(errors));
            if (!conversions.isEmpty()) {
                doc.set("residentConversions", conversions);
            }
            if (chosenRank > 0) {
                doc.put("predictorFit", calibration.inputMoments().isEmpty() ? "weights" : "inputs");
            }
            if (r.evaluation != null) {
                doc.set("overall", JSON.valueToTree(r.evaluation.overall()));
                doc.set("layers", JSON.valueToTree(r.evaluation.layers()));
            }
            if (compare) {
                ObjectNode cmp = doc.putObject("compare");
                all.forEach((name, e) -> cmp.set(name, JSON.valueToTree(e.overall())));
            }
            o.println(JSON.writeValueAsString(doc));
        } else {
            o.printf("wrote %s (%s, %s bundles) with %s placement%n", out, InspectCommand.bytes(size), storage.label(), alg.name());
            if (storage != DType.F32) {
                o.printf("%s bundles against the source's weights: relative RMS error %.2e in up/gate rows, %.2e in down columns "
                         + "(mean over layers)%n", storage.label(), meanOf(errors, StorageError::upGate), meanOf(errors, StorageError::down));
            }
            if (!conversions.isEmpty()) {
                double worst = 0;
                java.util.Set<String> types = new java.util.TreeSet<>();
                for (var c : conversions.properties()) {
                    worst = Math.max(worst, c.getValue().path("relativeRmsError").asDouble());
                    types.add(c.getValue().path("from").asText() + " -> " + c.getValue().path("to").asText());
                }
                o.printf("%d resident tensors converted from types the runtime does not compute on (%s): relative RMS error "
                         + "up to %.2e against the GGUF file's values%n", conversions.size(), String.join(", ", types), worst);
            }
            if (chosenRank > 0) {
                o.println(calibration.inputMoments().isEmpty()
                        ? "low-rank predictor fitted to the weights alone: " + trace + " holds no FFN input moments (profile "
                          + "again with this version to fit it to the inputs, which reads far fewer neurons; docs/DESIGN.md)"
                        : "low-rank predictor fitted to the FFN inputs profiled in " + trace);
            }
            if (r.evaluation != null) {
                printLayers(o, r.evaluation);
                o.println();
                printComparison(o, all);
            }
        }
        return 0;
    }

    record Result(int[][] orders, PlacementEvaluation evaluation) {
    }

    /** The mean of one error figure over the layers. */
    static double meanOf(List<StorageError> errors, java.util.function.ToDoubleFunction<StorageError> figure) {
        return errors.stream().mapToDouble(figure).average().orElse(0);
    }

    /** A weight type named on the command line, or a one-line error naming the option. */
    static DType weightType(String label, String option) {
        DType t;
        try {
            t = DType.ofLabel(label);
        } catch (IllegalArgumentException e) {
            t = null;
        }
        if (t == null || !t.holdsWeights()) {
            throw new IllegalArgumentException(option + " '" + label + "' is not a weight type (f32, f16, bf16, q8_0, q4_0)");
        }
        return t;
    }

    static PlacementAlgorithm algorithm(String name) {
        try {
            return PlacementAlgorithms.byName(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown --algorithm '" + name + "' (known: " + PlacementAlgorithms.names() + ")");
        }
    }

    static Result place(ActivationTrace calibration, ActivationTrace heldOut, PlacementAlgorithm alg, boolean quiet) {
        return placeAll(calibration, heldOut, List.of(alg), quiet).get(alg.name());
    }

    /**
     * Places every layer with each algorithm, counting each layer's co-activations once for all of
     * them (counting dominates placement time, and grows with the square of the active neurons per
     * token), and evaluates each placement on {@code heldOut} when given. Keys keep the order of
     * {@code algorithms}.
     */
    static Map<String, Result> placeAll(ActivationTrace calibration, ActivationTrace heldOut,
                                        List<PlacementAlgorithm> algorithms, boolean quiet) {
        CoActivationCounter counter = new CoActivationCounter();
        int layers = calibration.layers();
        Map<String, int[][]> orders = new LinkedHashMap<>();
        algorithms.forEach(a -> orders.put(a.name(), new int[layers][]));
        String names = String.join(", ", orders.keySet());
        try (CliProgress bar = CliProgress.start("place " + names, (long) layers * algorithms.size(), quiet)) {
            for (int l = 0; l < layers; l++) {
                LayerStats stats = counter.count(calibration, l);
                for (int k = 0; k < algorithms.size(); k++) {
                    PlacementAlgorithm a = algorithms.get(k);
                    orders.get(a.name())[l] = a.order(stats);
                    bar.stepTo((long) l * algorithms.size() + k + 1);
                }
            }
        }
        Map<String, Result> out = new LinkedHashMap<>();
        PlacementEvaluator evaluator = new PlacementEvaluator();
        orders.forEach((name, o) -> out.put(name, new Result(o, heldOut == null ? null : evaluator.evaluate(heldOut, o))));
        return out;
    }

    /**
     * The low-rank predictor's default rank: a quarter of the smaller dimension of a layer (the
     * first), at most 128, so that a 7B model's predictor stays near 1% of its size (as LLM in a
     * flash's does) rather than several GB.
     */
    static int defaultRank(dev.ripple.core.format.FfnLayerSpec spec) {
        return Math.max(1, Math.min(128, Math.min(spec.dModel(), spec.dFfn()) / 4));
    }

    static ImportedModel importModel(Path m, DType storage) throws IOException {
        return importModel(m, storage, null);
    }

    /**
     * @param residents the resident type asked for, or null: a GGUF file's resident matrices in types the
     *                  runtime does not compute on (K-quants) are converted straight into it (Q8_0 when null)
     */
    static ImportedModel importModel(Path m, DType storage, DType residents) throws IOException {
        if (!Files.exists(m)) {
            throw new java.nio.file.NoSuchFileException(m.toString());
        }
        if (PreparedModel.isGguf(m)) {
            return GgufImporter.importModel(m, storage, residents);
        }
        return Files.isRegularFile(m) && m.getFileName().toString().endsWith(".onnx")
                ? OnnxImporter.importModel(m, storage) : SafetensorsImporter.importModel(m, storage);
    }

    static void requireMatches(ImportedModel model, ActivationTrace t, Path file) {
        if (t.layers() != model.layers().size()) {
            throw new IllegalArgumentException(file + ": trace has " + t.layers() + " layers, the model " + model.layers().size());
        }
        for (int l = 0; l < t.layers(); l++) {
            if (t.neurons(l) != model.layers().get(l).spec().dFfn()) {
                throw new IllegalArgumentException(file + ": layer " + l + " has " + t.neurons(l) + " neurons in the trace, "
                        + model.layers().get(l).spec().dFfn() + " in the model");
            }
        }
    }

    static void printLayers(PrintWriter o, PlacementEvaluation e) {
        o.printf("held-out, per layer:%n%-6s %10s %10s %10s %10s%n", "layer", "active/tok", "reads/tok", "reads g=8", "extra g=8");
        for (LayerEvaluation l : e.layers()) {
            CollapseFigure g8 = l.collapsed().get(l.collapsed().size() - 1);
            o.printf("%-6d %10.1f %10.1f %10.1f %9.0f%%%n", l.layer(), l.activePerToken(), l.readsPerToken(), g8.readsPerToken(),
                    100 * g8.extraBytesFraction());
        }
    }

    static void printComparison(PrintWriter o, Map<String, PlacementEvaluation> all) {
        o.printf("held-out, all layers (mean per token and layer):%n%-10s %10s %10s", "algorithm", "active", "reads");
        PlacementEvaluation any = all.values().iterator().next();
        for (CollapseFigure c : any.overall().collapsed()) {
            if (c.gap() > 0) {
                o.printf(" %14s", "reads g=" + c.gap() + " (+B)");
            }
        }
        o.println();
        all.forEach((name, e) -> {
            o.printf("%-10s %10.1f %10.1f", name, e.overall().activePerToken(), e.overall().readsPerToken());
            for (CollapseFigure c : e.overall().collapsed()) {
                if (c.gap() > 0) {
                    o.printf(" %7.1f (%+4.0f%%)", c.readsPerToken(), 100 * c.extraBytesFraction());
                }
            }
            o.println();
        });
    }
}
