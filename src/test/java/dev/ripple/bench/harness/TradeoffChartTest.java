package dev.ripple.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One line per predictor: a label loses its operating point, nothing else. */
class TradeoffChartTest {
    @TempDir
    Path dir;

    @Test
    void predictorKindDropsTheMarginOrRecallOnly() {
        assertEquals("low-rank r96 inputs", TradeoffChart.predictorKind("low-rank r96 inputs m1.5"));
        assertEquals("trained lr96", TradeoffChart.predictorKind("trained lr96 val recall 0.975"));
        assertEquals("oracle", TradeoffChart.predictorKind("oracle"));
        assertEquals(
                "low-rank r96 m1 weights",
                TradeoffChart.predictorKind("low-rank r96 m1 weights"),
                "only a trailing operating point is dropped");
    }

    @Test
    void writesAChartWithLowRankTrainedAndOraclePoints() throws Exception {
        Cosines c = Cosines.of(new double[] {0.99, 0.995});
        List<TradeoffPoint> points = List.of(
                new TradeoffPoint("act > t", "act > -0.05", true, "oracle", 0.39, 0.13, c, Double.NaN, Double.NaN, 10),
                new TradeoffPoint(
                        "act > t", "act > -0.05", true, "low-rank r96 inputs m1", 0.54, 0.15, c, 0.95, 0.68, 10),
                new TradeoffPoint(
                        "act > t", "act > -0.05", true, "low-rank r96 inputs m1.5", 0.63, 0.12, c, 0.97, 0.61, 10),
                new TradeoffPoint(
                        "act > t", "act > -0.05", true, "trained lr96 val recall 0.95", 0.55, 0.16, c, 0.95, 0.68, 10));
        Path png = dir.resolve("chart.png");
        TradeoffChart.write(png, "test", points);
        assertTrue(Files.size(png) > 1000);
    }
}
