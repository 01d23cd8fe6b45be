package dev.ripple.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/** PNG charts for reports, drawn headless with XChart and written atomically. */
public final class Plots {
    private Plots() {
    }

    /** One named line of an XY chart. */
    public record Series(String name, double[] x, double[] y) {
    }

    /** A bar per category (e.g. I/O latency per strategy), optionally with a reference line value. */
    public static void bars(Path png, String title, String yLabel, List<String> categories, List<Double> values)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        CategoryChart chart = new CategoryChartBuilder().width(900).height(500).title(title).yAxisTitle(yLabel).build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.addSeries(yLabel, categories, values);
        save(chart, png);
    }

    /** Lines over a shared x axis (e.g. latency against cache budget, one line per strategy). */
    public static void lines(Path png, String title, String xLabel, String yLabel, List<Series> series, boolean logY)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        for (Series s : series) {
            chart.addSeries(s.name(), s.x(), s.y());
        }
        save(chart, png);
    }

    /** Writes {@code chart} as a PNG atomically (a temporary file in the same directory, then renamed). */
    static void save(Chart<?, ?> chart, Path png) throws IOException {
        Path target = png.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), ".plot", ".png");
        try {
            String base = tmp.toString().substring(0, tmp.toString().length() - 4);
            BitmapEncoder.saveBitmap(chart, base, BitmapEncoder.BitmapFormat.PNG);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
