package dev.ripple.bench.harness;

import dev.ripple.core.format.AtomicFile;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/** PNG charts for reports, drawn headless with XChart and written atomically. */
public final class Plots {
    private Plots() {}

    /** One named line of an XY chart. */
    public record Series(String name, double[] x, double[] y) {}

    /**
     * A bar per category (e.g. effective bandwidth per strategy), each labelled with its value to
     * {@code decimals} places (no more than the measurement supports).
     *
     * @param context what the figures depend on (device, reader, budget, date), shown under the bars
     */
    public static void bars(
            Path png,
            String title,
            String context,
            String yLabel,
            List<String> categories,
            List<Double> values,
            int decimals)
            throws IOException {
        CategoryChart chart = categoryChart(title, context, yLabel);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setDecimalPattern(decimalPattern(decimals));
        chart.addSeries(yLabel, categories, values);
        save(chart, png);
    }

    /**
     * A bar per category from its median up to its 99th percentile: a solid bar to p50 and a light
     * one stacked from p50 to p99, so a reader sees the typical value and the tail at once rather
     * than a mean that hides both. Each category's name carries both figures, "name (p50 / p99)",
     * rounded to {@code decimals} places.
     */
    public static void ranges(
            Path png,
            String title,
            String context,
            String yLabel,
            List<String> categories,
            List<Percentiles> values,
            int decimals)
            throws IOException {
        CategoryChart chart = categoryChart(title, context, yLabel);
        chart.getStyler().setStacked(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setXAxisLabelRotation(12);
        chart.getStyler().setDecimalPattern(decimalPattern(decimals));
        chart.getStyler().setSeriesColors(new Color[] {new Color(0x3c6e9f), new Color(0xb7cde3)});
        String format = "%s (%." + decimals + "f / %." + decimals + "f)";
        List<String> names = new ArrayList<>();
        for (int i = 0; i < categories.size(); i++) {
            names.add(String.format(
                    Locale.ROOT,
                    format,
                    categories.get(i),
                    values.get(i).p50(),
                    values.get(i).p99()));
        }
        chart.addSeries("p50", names, values.stream().map(Percentiles::p50).toList());
        chart.addSeries(
                "p50 to p99",
                names,
                values.stream().map(v -> Math.max(0, v.p99() - v.p50())).toList());
        save(chart, png);
    }

    /** A white 900 x 500 bar chart drawn headless, its context under the bars. */
    private static CategoryChart categoryChart(String title, String context, String yLabel) {
        System.setProperty("java.awt.headless", "true");
        CategoryChart chart = new CategoryChartBuilder()
                .width(900)
                .height(500)
                .title(title)
                .xAxisTitle(context)
                .yAxisTitle(yLabel)
                .build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        return chart;
    }

    private static String decimalPattern(int decimals) {
        return decimals <= 0 ? "#,##0" : "#,##0." + "0".repeat(decimals);
    }

    /** Lines over a shared x axis (e.g. latency against cache budget, one line per strategy). */
    public static void lines(Path png, String title, String xLabel, String yLabel, List<Series> series, boolean logY)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder()
                .width(900)
                .height(500)
                .title(title)
                .xAxisTitle(xLabel)
                .yAxisTitle(yLabel)
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        for (Series s : series) {
            chart.addSeries(s.name(), s.x(), s.y());
        }
        save(chart, png);
    }

    /**
     * Writes {@code chart} as a PNG with {@link AtomicFile} (a temporary file in the same directory,
     * then renamed), so it gets the permissions of every other output.
     */
    static void save(Chart<?, ?> chart, Path png) throws IOException {
        AtomicFile.write(png, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
    }
}
