package dev.ripple.bench.harness;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.io.device.DeviceProfile;
import dev.ripple.io.reader.ReaderRan;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Function;

/** What several reports print or look up the same way, so that they say it in the same words. */
final class ReportText {
    /** Where an emulated device's real reads come from when the bench chose by the file's size. */
    static final String REAL_READS_BY_SIZE =
            "real reads from DRAM when the file takes at most half the available memory,"
                    + " else from the disk (docs/DEVICES.md)";

    private ReportText() {}

    /**
     * What a header says of the reads: the reader that ran ({@link ReaderRan#describe()}, with the one
     * asked for and why when they differ) and how the passes met the page cache, e.g. "direct reads
     * (O_DIRECT, page cache bypassed)", "pread (direct asked for; the file fits in memory, ...) reads"
     * (the reason says the reads came from DRAM, so the page cache is not named twice), "pread reads
     * (file kept in the page cache: ...)".
     */
    static String reads(ReaderRan reader, PassStart start) {
        if (start.kind() == PassStart.Kind.KEPT && reader.forDramReads()) {
            return reader.describe() + " reads"; // its reason already says the reads came from DRAM
        }
        return reader.describe() + " reads (" + start.describe() + ")";
    }

    /**
     * {@link #reads} for the strategies' benches, whose naive and llm-in-a-flash both read the
     * identity file, interleaved token by token (and passage by passage): after one eviction the second of them to read a
     * bundle can find it in the page cache, and "evicted before every pass" must not claim more.
     * Said only when both ran ({@code strategies}: the names of those that did).
     */
    static String strategyReads(ReaderRan reader, PassStart start, List<String> strategies) {
        String reads = reads(reader, start);
        return start.kind() == PassStart.Kind.EVICTED
                        && strategies.contains("naive")
                        && strategies.contains("llm-in-a-flash")
                ? reads + "; naive and llm-in-a-flash share one file, so in the interleaved passes the second to"
                        + " read a bundle may find it cached"
                : reads;
    }

    /**
     * {@code share} as a whole percentage, "12%": rounded to a whole number first, so that a share
     * just under zero (an overlap of -0.3%) prints "0%", not the "-0%" of {@code %.0f}.
     */
    static String wholePercent(double share) {
        return Math.round(100 * share) + "%";
    }

    /**
     * "1.09x lower" when {@code ours} is below {@code theirs}, "1.01x higher" when above ({@code
     * lower}/{@code higher} name the direction, e.g. "fewer"/"more"): a ratio under 1 printed as
     * "0.99x lower" reads as the opposite of what it means.
     */
    static String compared(double theirs, double ours, String lower, String higher) {
        return ours <= theirs
                ? String.format(Locale.ROOT, "%.2fx %s", theirs / ours, lower)
                : String.format(Locale.ROOT, "%.2fx %s", ours / theirs, higher);
    }

    /** Whether one of {@code items} is named {@code name}: a strategy a report's comparison needs ran. */
    static <T> boolean ran(List<T> items, Function<T, String> nameOf, String name) {
        return items.stream().anyMatch(s -> nameOf.apply(s).equals(name));
    }

    /**
     * Records in a report's JSON which strategies were chosen ({@code ripple bench --strategies}),
     * in the order they ran: all five unless fewer were asked for.
     */
    static void putChosen(ObjectNode doc, List<String> names) {
        ArrayNode chosen = doc.putArray("chosenStrategies");
        names.forEach(chosen::add);
    }

    /** A figure that exists only when the strategy it is of ran, as JSON: the value, or null. */
    static Double orNull(OptionalDouble value) {
        return value.isPresent() ? value.getAsDouble() : null;
    }

    static <T> T named(List<T> items, Function<T, String> nameOf, String name) {
        return items.stream()
                .filter(s -> nameOf.apply(s).equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no strategy " + name));
    }

    /** The line saying that {@code device} is emulated, and then {@code rest}. */
    static void emulated(PrintWriter o, DeviceProfile device, String rest) {
        o.printf(
                "emulated %s: every read takes the time of the device model (%s), or the real read's if that is longer;"
                        + " %s%n",
                device.name(), device.source(), rest);
    }

    /**
     * Where an emulated device's real reads came from, one line per source: "emulated ufs-4.0: real
     * reads from DRAM (...)", naming the strategies when they differ.
     *
     * @param realReads each strategy's {@link IoReplay#realReads()}, by name, in report order
     */
    static void realReads(PrintWriter o, DeviceProfile device, Map<String, String> realReads) {
        Map<String, List<String>> sources = new LinkedHashMap<>();
        realReads.forEach((name, where) -> sources.computeIfAbsent(String.valueOf(where), x -> new ArrayList<>())
                .add(name));
        sources.forEach((where, names) -> o.printf(
                "emulated %s: real reads %s%s%n",
                device.name(), where, sources.size() == 1 ? "" : " for " + String.join(", ", names)));
    }

    /**
     * The budget sweep as a table: a row per strategy, a column per budget, mean I/O ms per token.
     * A strategy without a point at a budget leaves its cell out.
     */
    static void budgetSweep(PrintWriter o, List<String> strategies, List<BudgetPoint> sweep) {
        List<Double> budgets =
                sweep.stream().map(BudgetPoint::cacheFraction).distinct().toList();
        o.printf("%-15s", "strategy");
        budgets.forEach(b -> o.printf(Locale.ROOT, " %9.0f%%", 100 * b));
        o.println();
        for (String name : strategies) {
            o.printf("%-15s", name);
            for (double b : budgets) {
                sweep.stream()
                        .filter(p -> p.strategy().equals(name) && p.cacheFraction() == b)
                        .findFirst()
                        .ifPresent(p -> o.printf(
                                Locale.ROOT,
                                " %10.3f",
                                p.decode().ioMsPerToken().mean()));
            }
            o.println();
        }
    }
}
