package dev.ripple.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.bench.harness.TradeoffPoint;
import dev.ripple.bench.harness.TradeoffReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ripple tradeoff}'s predictor findings on the real model, asserted on the report record:
 * the low-rank predictor fitted to the FFN inputs beats the one fitted to the weights, and the
 * error rule and trained predictors (issue 16) give every point and record their training. One
 * sweep serves both tests: its low-rank points are the two fits, beside the error rule and the
 * trained predictors.
 */
class TradeoffReportTest {
    @TempDir
    static Path dir;

    static TradeoffReport r;

    @BeforeAll
    static void sweep() throws IOException {
        UnpackedDefaultModel.linkInto(dir);
        TradeoffCommand command = new TradeoffCommand();
        CommandRuns.succeeds(
                command,
                "--work",
                dir.toString(),
                "--quiet",
                "--calibration-tokens",
                "1500",
                "--sentences",
                "4",
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
                "1");
        assertNotNull(command.report);
        r = command.report;
    }

    @Test
    void predictorFittedToTheInputsReadsFewerNeuronsThanTheWeightsFit() {
        TradeoffPoint weights = withPredictor(r, "weights");
        TradeoffPoint inputs = withPredictor(r, "inputs");
        // Full run (docs/PERFORMANCE.md §8): precision 0.685 against 0.496 at about equal recall.
        assertTrue(inputs.precision() > weights.precision() + 0.1, inputs + " vs " + weights);
        assertTrue(inputs.recall() > 0.85, inputs.toString());
        assertTrue(inputs.readShare() < weights.readShare(), inputs + " vs " + weights);
        assertEquals(4, r.heldOutPassages());
        assertTrue(r.calibrationTokens() >= 1500, "calibration reaches its token count: " + r.calibrationTokens());
    }

    /**
     * The error rule beside {@code act > t} at the same share, and a predictor trained for each:
     * every point present, the training recorded, the error rule leaves less FFN error at an equal
     * share, and the trained predictors keep most active neurons on held-out text.
     */
    @Test
    void errorRuleAndTrainedPredictors() {
        // dense, act > -0.05, act and error rule at 35%, per trained rule its oracle and one point, and one
        // low-rank point per fit (to the weights and to the inputs)
        assertEquals(1 + 1 + 2 + 2 * 2 + 2, r.points().size(), r.points().toString());
        TradeoffPoint act = null;
        TradeoffPoint err = null;
        int trained = 0;
        for (TradeoffPoint p : r.points()) {
            if (p.family().startsWith("act calibrated") && p.predictor().equals("oracle")) {
                act = p;
            } else if (p.family().startsWith("error calibrated")
                    && p.predictor().equals("oracle")) {
                err = p;
            }
            if (p.predictor().startsWith("trained")) {
                trained++;
                assertTrue(p.recall() > 0.8 && p.readShare() < 1, p.toString());
            }
        }
        assertEquals(2, trained);
        assertTrue(act != null && err != null, r.points().toString());
        assertEquals(0.35, err.readShare(), 0.1, "budget roughly kept on held-out text: " + err);
        assertTrue(err.ffnError() < act.ffnError(), err + " vs " + act);
        assertEquals(2, r.trainings().size(), r.trainings().toString());
        for (TradeoffReport.Training t : r.trainings()) {
            assertTrue(t.seconds() > 0 && t.trainTokens() > t.validationTokens(), t.toString());
            assertEquals(6, t.layers().size(), t.toString());
            assertEquals(
                    List.of(0.95),
                    List.copyOf(t.layers().getFirst().readShareAtRecall().keySet()));
        }
        assertEquals("error 0.35", r.trainings().get(1).rule());
    }

    private static TradeoffPoint withPredictor(TradeoffReport r, String fit) {
        return r.points().stream()
                .filter(p -> p.predictor().contains(fit))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no point fitted to the " + fit + " in " + r.points()));
    }
}
