package dev.ripple.bench.harness;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Draws the sparsity–fidelity curve: mean cosine against ONNX Runtime over the share of neurons
 * read, one line per rule family and fill-in setting, so the trade-off is seen, not one point.
 */
public final class TradeoffChart {
    private TradeoffChart() {
    }

    public static void write(Path png, String title, List<TradeoffPoint> points) throws IOException {
        Map<String, List<TradeoffPoint>> byFamily = new LinkedHashMap<>();
        for (TradeoffPoint p : points) {
            String name = p.family() + (p.fillIn() ? " + fill-in" : "")
                    + ("oracle".equals(p.predictor()) ? "" : " (predictor)");
            byFamily.computeIfAbsent(name, k -> new ArrayList<>()).add(p);
        }
        List<Plots.Series> series = new ArrayList<>();
        for (Map.Entry<String, List<TradeoffPoint>> e : byFamily.entrySet()) {
            List<TradeoffPoint> ps = new ArrayList<>(e.getValue());
            ps.sort(Comparator.comparingDouble(TradeoffPoint::readShare));
            double[] x = ps.stream().mapToDouble(p -> 100 * p.readShare()).toArray();
            double[] y = ps.stream().mapToDouble(p -> p.cosine().mean()).toArray();
            series.add(new Plots.Series(e.getKey(), x, y));
        }
        Plots.lines(png, title, "neurons read per token (% of the layer)", "mean cosine vs ONNX Runtime", series, false);
    }
}
