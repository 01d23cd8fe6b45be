package dev.ripple.bench.harness;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.io.json.NonFiniteAsNull;
import dev.ripple.placement.calibrate.ThresholdCalibrator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What {@link Tradeoff#run} measured: the curve's points, the per-layer thresholds it calibrated
 * and the predictors it trained. The table, the JSON and the plot are renderings of this record.
 *
 * @param calibrationTokens calibration tokens profiled
 * @param heldOutTokens     tokens of the held-out passages every point was run on
 */
public record TradeoffReport(
        String model,
        String corpus,
        long calibrationTokens,
        int calibrationPassages,
        int heldOutPassages,
        long heldOutTokens,
        List<TradeoffPoint> points,
        List<CalibratedRule> calibrated,
        List<Training> trainings) {

    private static final ObjectMapper JSON = NonFiniteAsNull.mapper(); // unmeasured figures: null, not "NaN"

    public TradeoffReport {
        points = List.copyOf(points);
        calibrated = List.copyOf(calibrated);
        trainings = List.copyOf(trainings);
    }

    /**
     * A threshold calibrated per layer to a budget.
     *
     * @param target   {@code fraction} (a neuron share) or {@code ffnError}
     * @param rule     the calibrated rule's text
     * @param fraction per layer, the share of neurons the rule kept on the calibration tokens
     * @param error    per layer, the FFN error it caused there; null where not measured (the error rule)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CalibratedRule(
            String target,
            double value,
            String rule,
            @JsonProperty("calibrationFraction") double[] fraction,
            @JsonProperty("calibrationError") double[] error) {
        static CalibratedRule of(String target, double value, ThresholdCalibrator.Result r) {
            return new CalibratedRule(target, value, r.rule().describe(), r.fraction(), r.error());
        }
    }

    /** One trained predictor: the rule it predicts, how it was trained and what validation gave per layer. */
    public record Training(
            String rule,
            String ruleText,
            String from,
            int hidden,
            int epochs,
            long trainTokens,
            long validationTokens,
            double seconds,
            int threads,
            List<TrainedLayer> layers) {}

    /**
     * A layer's final training loss and, per validation recall target, the share of neurons it
     * reads there (in JSON an object keyed by the recall).
     */
    public record TrainedLayer(double finalLoss, Map<Double, Double> readShareAtRecall) {}

    /** The header, the trainings, the table of points and the calibrated thresholds. */
    public void print(PrintWriter o) {
        o.printf(
                "Ripple tradeoff on %s%ntext: %s; %d calibration tokens (%d passages), %d held-out passages (%d tokens)%n"
                        + "cosine: final sentence embedding of the Java forward against ONNX Runtime's dense output%n%n",
                model, corpus, calibrationTokens, calibrationPassages, heldOutPassages, heldOutTokens);
        for (Training t : trainings) {
            o.printf(
                    "trained predictor for %s (%s): from %s, hidden %d, %d epochs, %d training / %d validation tokens, "
                            + "%.1f s on %d threads%n",
                    t.rule(),
                    t.ruleText(),
                    t.from(),
                    t.hidden(),
                    t.epochs(),
                    t.trainTokens(),
                    t.validationTokens(),
                    t.seconds(),
                    t.threads());
            for (int l = 0; l < t.layers().size(); l++) {
                TrainedLayer lr = t.layers().get(l);
                o.printf(
                        "  layer %d: loss %.4f, validation read share at recall %s: %s%n",
                        l,
                        lr.finalLoss(),
                        lr.readShareAtRecall().keySet(),
                        lr.readShareAtRecall().values().stream()
                                .map(v -> String.format("%.3f", v))
                                .toList());
            }
        }
        if (!trainings.isEmpty()) {
            o.println();
        }
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
        if (!calibrated.isEmpty()) {
            o.println();
            o.println("calibrated per-layer thresholds (on the calibration tokens):");
            for (CalibratedRule c : calibrated) {
                o.printf("  %-8s %-5s -> %s%n", c.target(), trim(c.value()), c.rule());
            }
        }
    }

    /** Every figure as a JSON tree, which the command line writes with its run once (its --json). */
    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("model", model);
        root.put("corpus", corpus);
        root.put("calibrationTokens", calibrationTokens);
        root.put("heldOutPassages", heldOutPassages);
        root.put("heldOutTokens", heldOutTokens);
        root.set("calibrated", JSON.valueToTree(calibrated));
        root.set("trained", JSON.valueToTree(trainings));
        ArrayNode arr = root.putArray("points");
        points.forEach(p -> arr.add(p.toJson()));
        return root;
    }

    /** Draws the curve, cosine against neurons read, as a PNG titled with the model and the passages. */
    public void plot(Path png, String modelLabel) throws IOException {
        TradeoffChart.write(
                png, "Sparsity vs fidelity, " + modelLabel + ", " + heldOutPassages + " held-out passages", points);
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.3f", v);
    }

    /** A number with at most four decimals and no trailing ".0", as the labels show them. */
    static String trim(double v) {
        String s = Double.toString(Math.round(v * 1e4) / 1e4);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }
}
