package dev.ripple.bench.harness;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Draws the sparsity–fidelity curve: mean cosine against ONNX Runtime over the share of neurons
 * read, one line per rule family and fill-in setting, so the trade-off is seen, not one point.
 * The legend sits outside the plot (unlike {@link Plots#lines}) because the interesting points
 * crowd the top right corner, where cosine approaches 1.
 */
public final class TradeoffChart {
    private TradeoffChart() {}

    public static void write(Path png, String title, List<TradeoffPoint> points) throws IOException {
        Map<String, List<TradeoffPoint>> byFamily = new LinkedHashMap<>();
        for (TradeoffPoint p : points) {
            String name = p.family()
                    + (p.fillIn() ? " + fill-in" : "")
                    + ("oracle".equals(p.predictor()) ? "" : " (" + predictorKind(p.predictor()) + ")");
            byFamily.computeIfAbsent(name, k -> new ArrayList<>()).add(p);
        }
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder()
                .width(1200)
                .height(560)
                .title(title)
                .xAxisTitle("neurons read per token (% of the layer)")
                .yAxisTitle("mean cosine vs ONNX Runtime")
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        for (Map.Entry<String, List<TradeoffPoint>> e : byFamily.entrySet()) {
            List<TradeoffPoint> ps = new ArrayList<>(e.getValue());
            ps.sort(Comparator.comparingDouble(TradeoffPoint::readShare));
            chart.addSeries(
                    e.getKey(),
                    ps.stream().mapToDouble(p -> 100 * p.readShare()).toArray(),
                    ps.stream().mapToDouble(p -> p.cosine().mean()).toArray());
        }
        Plots.save(chart, png);
    }

    /**
     * A predictor label without its operating point (a trailing margin {@code m1.5} or
     * {@code val recall 0.98}), so one predictor's points form one line: low-rank, trained and the
     * oracle side by side.
     */
    static String predictorKind(String label) {
        return label.replaceAll("\\s+(m[0-9.]+|val recall [0-9.]+)$", "");
    }
}
