package dev.ripple.bench.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.io.json.NonFiniteAsNull;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** The table and the JSON rows both {@code ripple policies} reports share (a model, a synthetic workload). */
final class PolicyTable {
    private static final ObjectMapper JSON = NonFiniteAsNull.mapper(); // unmeasured figures: null, not "NaN"

    private PolicyTable() {}

    /** Whether {@code policy} ran: it has a row. */
    static boolean ran(List<PolicySummary> rows, String policy) {
        return rows.stream().anyMatch(r -> r.name().equals(policy));
    }

    /**
     * The header's {@code "; linking over s3fifo"} when linking ran, else nothing: a header named
     * linking's inner policy (and lfu's seeding) over a table of {@code --policies lru} alone.
     */
    static String linkingOver(List<PolicySummary> rows, String inner) {
        return ran(rows, "linking") ? "; linking over " + inner : "";
    }

    /** One row per policy, then what the columns mean. */
    static void print(PrintWriter o, List<PolicySummary> rows) {
        o.printf(
                "%-8s %10s %9s %9s %9s %9s %9s %8s %9s %6s %10s%n",
                "policy", "io ms/tok", "min", "max", "p50", "p90", "p99", "ops/tok", "KiB/tok", "hits", "model ms");
        for (PolicySummary r : rows) {
            o.printf(
                    Locale.ROOT,
                    "%-8s %10.3f %9.3f %9.3f %9.3f %9.3f %9.3f %8.1f %9.1f %5.1f%% %10.3f%n",
                    r.name(),
                    r.ioMsPerTokenMedian(),
                    r.ioMsPerTokenMin(),
                    r.ioMsPerTokenMax(),
                    r.p50(),
                    r.p90(),
                    r.p99(),
                    r.opsPerToken(),
                    r.kibPerToken(),
                    100 * r.hitRate(),
                    r.modelledMsPerToken());
        }
        o.println("(io ms/tok: median over rounds of the mean I/O time per token; min/max: over rounds; p50-p99: "
                + "medians over rounds; model ms: the device cost model's time for the same reads)");
    }

    /** The verdict's line, or why there is none. */
    static String verdictLine(PolicyVerdict verdict) {
        return verdict != null
                ? verdict.describe()
                : "no verdict: it needs linking and at least one of lru, s3fifo, lfu";
    }

    /** {@code policies}: the rows as objects; {@code verdict}: its figures and text, when there is one. */
    static void putRows(ObjectNode doc, List<PolicySummary> rows, PolicyVerdict verdict) {
        ArrayNode arr = doc.putArray("policies");
        rows.forEach(r -> arr.add((ObjectNode) JSON.valueToTree(r)));
        if (verdict != null) {
            ObjectNode v = JSON.valueToTree(verdict);
            v.put("text", verdict.describe());
            doc.set("verdict", v);
        }
    }
}
