package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.bench.cli.UnpackedDefaultModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ripple tradeoff}, scaled down, end to end: every point is in the JSON, the table is printed,
 * fill-in helps GELU's {@code act > 0}, the dense-equivalent point matches ONNX Runtime, calibrated
 * thresholds keep about their budget on held-out text, the predictor point reports recall and
 * precision, and bad options are one line. The predictors' findings are checked on the report
 * record in {@code dev.ripple.bench.cli.TradeoffReportTest}.
 */
class TradeoffCommandTest {
    @TempDir
    Path dir;

    @Test
    void sweepWritesEveryPointAndFillInHelpsGelu() throws Exception {
        Path json = dir.resolve("tradeoff.json");
        Path png = dir.resolve("tradeoff.png");
        UnpackedDefaultModel.linkInto(dir);
        RippleRun run = RippleRun.succeeds(
                "tradeoff",
                "--work",
                dir.toString(),
                "--calibration-tokens",
                "300",
                // two held-out passages keep the margins wide (2026-12-07): fill-in lifts act > 0 from
                // cosine 0.66 to 0.98 (bar: +0.1), the calibrated thresholds read 0.298 and 0.293 of the
                // neurons (bar: 0.3 +- 0.15), the predictors' recall 0.95 and 0.86 (bar: 0.5)
                "--sentences",
                "2",
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
        assertTrue(Files.size(png) > 1000, "PNG written");
        assertTrue(
                run.out().endsWith(String.format("plots: %s%njson: %s%n", png, json)),
                "the files are named as bench names them: " + run.out());
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
            assertEquals(2, p.get("passages").asInt(), p.toString());
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
