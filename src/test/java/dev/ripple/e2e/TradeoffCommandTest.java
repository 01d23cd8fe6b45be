package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ripple tradeoff}, scaled down: every point is in the JSON, fill-in helps GELU's
 * {@code act > 0}, the dense-equivalent point matches ONNX Runtime, calibrated thresholds keep
 * about their budget on held-out text, and the predictor point reports recall and precision.
 */
class TradeoffCommandTest {
    @TempDir
    Path dir;

    @Test
    void sweepWritesEveryPointAndFillInHelpsGelu() throws Exception {
        Path json = dir.resolve("tradeoff.json");
        Path png = dir.resolve("tradeoff.png");
        RippleRun run = RippleRun.inProcess(
                "tradeoff",
                "--work",
                dir.toString(),
                "--calibration-tokens",
                "300",
                "--sentences",
                "3",
                "--fractions",
                "0.3",
                "--error-targets",
                "none",
                "--margins",
                "1",
                "--json",
                json.toString(),
                "--png",
                png.toString(),
                "--quiet");
        assertEquals(0, run.exit(), run.err());
        assertTrue(Files.size(png) > 1000, "PNG written");
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        JsonNode points = root.get("points");
        // dense + 15 fixed rules with and without fill-in + 2 calibrated (act, |act|) + 2 predictor points
        // (fitted to the weights and to the inputs)
        assertEquals(1 + 30 + 2 + 2, points.size(), root.toPrettyString());
        for (JsonNode p : points) {
            double read = p.get("readShare").asDouble();
            assertTrue(read > 0 && read <= 1, p.toString());
            assertTrue(
                    p.get("cosineMean").asDouble() <= 1.0001
                            && p.get("ffnRelativeError").asDouble() >= 0,
                    p.toString());
            assertEquals(3, p.get("passages").asInt(), p.toString());
        }

        JsonNode dense = find(points, "top 100%", false, "oracle");
        assertTrue(dense.get("cosineMean").asDouble() >= 0.999, "dense-equivalent point: " + dense);
        assertTrue(dense.get("cosineP5").asDouble() >= 0.999, "dense-equivalent point: " + dense);
        assertEquals(1.0, dense.get("readShare").asDouble(), 1e-12);
        assertTrue(dense.get("ffnRelativeError").asDouble() < 1e-3, dense.toString());

        JsonNode positive = find(points, "act > 0", false, "oracle");
        JsonNode positiveFilled = find(points, "act > 0", true, "oracle");
        assertTrue(
                positiveFilled.get("cosineMean").asDouble()
                        > positive.get("cosineMean").asDouble() + 0.1,
                "fill-in improves act > 0: " + positiveFilled + " vs " + positive);
        assertTrue(
                positiveFilled.get("ffnRelativeError").asDouble()
                        < positive.get("ffnRelativeError").asDouble(),
                positiveFilled + " vs " + positive);
        assertTrue(positive.get("readShare").asDouble() < 0.4, "GELU act > 0 reads a minority: " + positive);

        int calibrated = 0;
        int predicted = 0;
        for (JsonNode p : points) {
            if (p.get("family").asText().contains("calibrated to a neuron share")) {
                calibrated++;
                assertEquals(0.3, p.get("readShare").asDouble(), 0.15, "budget roughly kept on held-out text: " + p);
            }
            if (p.has("recall")) {
                predicted++;
                assertTrue(p.get("predictor").asText().startsWith("low-rank"), p.toString());
                assertTrue(
                        p.get("recall").asDouble() > 0.5 && p.get("precision").asDouble() > 0, p.toString());
            }
        }
        assertEquals(2, calibrated);
        assertEquals(2, predicted);
        assertEquals(2, root.get("calibrated").size());
        assertTrue(run.out().contains("cos mean") && run.out().contains("act > 0"), run.out());
    }

    @Test
    void predictorFittedToTheInputsReadsFewerNeuronsThanTheWeightsFit() throws Exception {
        Path json = dir.resolve("predictor.json");
        RippleRun run = RippleRun.inProcess(
                "tradeoff",
                "--work",
                dir.toString(),
                "--calibration-tokens",
                "1500",
                "--sentences",
                "4",
                "--predictor-rule",
                "act > -0.05",
                "--predictor-only",
                "--margins",
                "1",
                "--json",
                json.toString(),
                "--quiet");
        assertEquals(0, run.exit(), run.err());
        JsonNode points = new ObjectMapper().readTree(json.toFile()).get("points");
        assertEquals(2 + 2, points.size(), "dense, the rule's oracle and one point per fit: " + points);
        JsonNode weights = null;
        JsonNode inputs = null;
        for (JsonNode p : points) {
            String label = p.get("predictor").asText();
            if (label.contains("weights")) {
                weights = p;
            } else if (label.contains("inputs")) {
                inputs = p;
            }
        }
        assertTrue(weights != null && inputs != null, points.toString());
        // Full run (docs/PERFORMANCE.md §8): precision 0.685 against 0.496 at about equal recall.
        assertTrue(
                inputs.get("precision").asDouble() > weights.get("precision").asDouble() + 0.1,
                inputs + " vs " + weights);
        assertTrue(inputs.get("recall").asDouble() > 0.85, inputs.toString());
        assertTrue(inputs.get("readShare").asDouble() < weights.get("readShare").asDouble(), inputs + " vs " + weights);
    }

    /**
     * The error rule beside {@code act > t} at the same share, and a predictor trained for each
     * (issue 16): every point present, the training recorded, the error rule leaves less FFN error
     * at an equal share, and the trained predictors keep most active neurons on held-out text.
     */
    @Test
    void errorRuleAndTrainedPredictors() throws Exception {
        Path json = dir.resolve("trained.json");
        RippleRun run = RippleRun.inProcess(
                "tradeoff",
                "--work",
                dir.toString(),
                "--calibration-tokens",
                "1500",
                "--sentences",
                "3",
                "--predictor-rule",
                "act > -0.05",
                "--predictor-only",
                "--margins",
                "1",
                "--error-rule-fractions",
                "0.35",
                "--trained",
                "act > -0.05;error 0.35",
                "--trained-recalls",
                "0.95",
                "--trained-epochs",
                "1",
                "--json",
                json.toString(),
                "--quiet");
        assertEquals(0, run.exit(), run.err());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        JsonNode points = root.get("points");
        // dense, act > -0.05, act and error rule at 35%, per trained rule its oracle and one point, 2 low-rank points
        assertEquals(1 + 1 + 2 + 2 * 2 + 2, points.size(), points.toString());
        JsonNode act = null;
        JsonNode err = null;
        int trained = 0;
        for (JsonNode p : points) {
            String family = p.get("family").asText();
            if (family.startsWith("act calibrated")
                    && p.get("predictor").asText().equals("oracle")) {
                act = p;
            } else if (family.startsWith("error calibrated")
                    && p.get("predictor").asText().equals("oracle")) {
                err = p;
            }
            if (p.get("predictor").asText().startsWith("trained")) {
                trained++;
                assertTrue(
                        p.get("recall").asDouble() > 0.8 && p.get("readShare").asDouble() < 1, p.toString());
            }
        }
        assertEquals(2, trained);
        assertTrue(act != null && err != null, points.toString());
        assertEquals(0.35, err.get("readShare").asDouble(), 0.1, "budget roughly kept on held-out text: " + err);
        assertTrue(
                err.get("ffnRelativeError").asDouble()
                        < act.get("ffnRelativeError").asDouble(),
                err + " vs " + act);
        JsonNode training = root.get("trained");
        assertEquals(2, training.size(), training.toString());
        for (JsonNode t : training) {
            assertTrue(
                    t.get("seconds").asDouble() > 0
                            && t.get("trainTokens").asInt()
                                    > t.get("validationTokens").asInt(),
                    t.toString());
            assertEquals(6, t.get("layers").size(), t.toString());
        }
        assertTrue(run.out().contains("trained predictor for error 0.35"), run.out());
    }

    @Test
    void badBudgetIsOneLineAndExitOne() {
        RippleRun run = RippleRun.inProcess("tradeoff", "--work", dir.toString(), "--sentences", "0", "--quiet");
        assertEquals(1, run.exit(), run.out());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains("--sentences"), run.err());
        RippleRun topK =
                RippleRun.inProcess("tradeoff", "--work", dir.toString(), "--predictor-rule", "top 20%", "--quiet");
        assertEquals(1, topK.exit(), topK.out());
        assertTrue(topK.err().contains("--predictor-rule must be a threshold rule"), topK.err());
        RippleRun only = RippleRun.inProcess("tradeoff", "--work", dir.toString(), "--predictor-only", "--quiet");
        assertEquals(1, only.exit(), only.out());
        assertTrue(only.err().contains("--predictor-only needs --predictor-rule"), only.err());
        RippleRun from =
                RippleRun.inProcess("tradeoff", "--work", dir.toString(), "--trained-from", "magic", "--quiet");
        assertEquals(1, from.exit(), from.out());
        assertTrue(from.err().contains("--trained-from takes 'lowrank' or 'random'"), from.err());
    }

    private static JsonNode find(JsonNode points, String rule, boolean fillIn, String predictor) {
        for (JsonNode p : points) {
            if (p.get("rule").asText().equals(rule)
                    && p.get("fillIn").asBoolean() == fillIn
                    && p.get("predictor").asText().equals(predictor)) {
                return p;
            }
        }
        throw new AssertionError(
                "no point " + rule + (fillIn ? " + fill-in" : "") + " [" + predictor + "] in " + points);
    }
}
