package dev.ripple.bench.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.io.device.DeviceProfile;
import dev.ripple.io.json.NonFiniteAsNull;
import dev.ripple.io.reader.ReaderRan;
import dev.ripple.placement.synthetic.SyntheticWorkload;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code ripple bench --workload DIR} measured: the strategies on a synthetic workload, token
 * by token, and the budget sweep; every figure labelled "synthetic workload", and "emulated DEVICE"
 * when the reads took an emulated device's time.
 *
 * @param spec          the workload
 * @param dir           its directory
 * @param reader        the reader asked for and the one that ran
 * @param passStart     how each pass met the page cache (evicted, bypassed, kept for an emulated
 *                      device's real reads from DRAM, or warm because an eviction dropped nothing)
 * @param queueDepth    reads in flight per request
 * @param cacheFraction budget of the main replay
 * @param device        the device profile (emulated, or measured in the run)
 * @param emulated      reads took {@code device}'s modelled time
 * @param tokens        held-out tokens replayed
 * @param strategies    one replay per strategy run, in the order of {@link BenchStrategy#ALL}
 *                      (projectedMsPerToken: the device model's time for the same reads)
 * @param sweepTokens   tokens per sweep point
 * @param sweep         the budget sweep
 */
public record WorkloadBenchReport(
        SyntheticWorkload.Spec spec,
        String dir,
        ReaderRan reader,
        PassStart passStart,
        int queueDepth,
        double cacheFraction,
        DeviceProfile device,
        boolean emulated,
        int tokens,
        List<IoReplay> strategies,
        int sweepTokens,
        List<BudgetPoint> sweep) {
    private static final ObjectMapper JSON = NonFiniteAsNull.mapper(); // unmeasured figures: null, not "NaN"

    public IoReplay strategy(String name) {
        return ReportText.named(strategies, IoReplay::name, name);
    }

    /** The names of the strategies run, in order. */
    private List<String> names() {
        return strategies.stream().map(IoReplay::name).toList();
    }

    /** "synthetic workload, emulated ufs-4.0" or "synthetic workload, this machine's disk". */
    public String label() {
        return WorkloadBench.label(emulated, device, reader, passStart);
    }

    public void print(PrintWriter o) {
        o.printf(
                Locale.ROOT,
                "ripple bench (%s): %s-shaped FFN, %d layers x %d x %d, %s bundles of %d B, %.1f%% active per token "
                        + "planted; %d held-out tokens of %s%n",
                SyntheticWorkload.LABEL,
                spec.name(),
                spec.layers(),
                spec.dModel(),
                spec.dFfn(),
                spec.dtype().label(),
                spec.layer(0).bundleBytes(),
                100 * spec.activeFraction(),
                tokens,
                dir);
        o.printf(
                Locale.ROOT,
                "I/O: %s, queue depth %d; DRAM cache %.0f%% of FFN bytes; device %s%s: sequential " + "%.0f MiB/s%n",
                ReportText.strategyReads(reader, passStart, names()),
                queueDepth,
                100 * cacheFraction,
                emulated ? "EMULATED " : "",
                device.name(),
                device.sequentialMiBps());
        DepthNote.print(o, device, queueDepth);
        if (emulated) {
            ReportText.emulated(o, device, ReportText.REAL_READS_BY_SIZE);
            Map<String, String> realReads = new LinkedHashMap<>();
            strategies.forEach(r -> realReads.put(r.name(), r.realReads()));
            ReportText.realReads(o, device, realReads);
        }
        o.printf(
                Locale.ROOT,
                "%nDecode, token by token with the true active sets, strategies interleaved per token [%s]%n",
                label());
        o.printf(
                "%-15s %-9s %-7s %9s %8s %8s %9s %9s %9s %6s %10s%n",
                "strategy",
                "placement",
                "cache",
                "io ms/tok",
                "p50",
                "p99",
                "ffn ms/tok",
                "reads/tok",
                "KiB/tok",
                "hits",
                "model ms");
        for (IoReplay r : strategies) {
            BenchStrategy st = BenchStrategy.named(r.name());
            o.printf(
                    Locale.ROOT,
                    "%-15s %-9s %-7s %9.3f %8.3f %8.3f %9.3f %9.1f %9.0f %5.1f%% %10.3f%n",
                    r.name(),
                    st.placement(),
                    st.cache(),
                    r.ioMsPerToken().mean(),
                    r.ioMsPerToken().p50(),
                    r.ioMsPerToken().p99(),
                    r.ffnMsPerToken().mean(),
                    r.opsPerToken(),
                    r.bytesPerToken() / 1024,
                    100 * r.cacheHitRate(),
                    r.projectedMsPerToken().get(device.name()));
        }
        o.printf(
                "(io ms: planning + reads, all layers; ffn ms: the FFN's wall time per token, i.e. I/O + cache + sparse FFN on "
                        + "the bundles read, attention not included; model ms: the %s cost model's time for the same reads)%n",
                device.name());
        if (!sweep.isEmpty()) {
            o.printf(
                    Locale.ROOT,
                    "%nI/O ms per token against the cache budget (%d tokens, strategies interleaved) [%s]%n",
                    sweepTokens,
                    label());
            ReportText.budgetSweep(o, names(), sweep);
        }
        if (ReportText.ran(strategies, IoReplay::name, "ripple")
                && ReportText.ran(strategies, IoReplay::name, "llm-in-a-flash")) {
            IoReplay flash = strategy("llm-in-a-flash");
            IoReplay ripple = strategy("ripple");
            o.printf(
                    Locale.ROOT,
                    "%nripple vs llm-in-a-flash: %s mean I/O time per token, %s reads [%s]%n",
                    ReportText.compared(
                            flash.ioMsPerToken().mean(), ripple.ioMsPerToken().mean(), "lower", "higher"),
                    ReportText.compared(flash.opsPerToken(), ripple.opsPerToken(), "fewer", "more"),
                    label());
        }
    }

    /** Every figure as a JSON tree, which the command line writes with its run once (its --json). */
    public ObjectNode toJson() {
        ObjectNode root = WorkloadBench.jsonDocument("workload", spec);
        root.put("dir", dir);
        reader.putJson(root);
        passStart.putJson(root);
        root.put("queueDepth", queueDepth);
        DepthNote.putJson(root, device, queueDepth);
        root.put("cacheFraction", cacheFraction);
        BenchReport.putDevice(root.putObject("device"), device).put("emulated", emulated);
        root.put("tokens", tokens);
        ReportText.putChosen(root, names());
        ArrayNode arr = root.putArray("strategies");
        for (IoReplay r : strategies) {
            BenchStrategy st = BenchStrategy.named(r.name());
            ObjectNode n = JSON.valueToTree(r);
            n.put("placement", st.placement());
            n.put("cache", st.cache());
            n.put("collapse", st.collapse());
            n.put("modelledIoMsPerToken", r.projectedMsPerToken().get(device.name()));
            arr.add(n);
        }
        root.put("sweepTokens", sweepTokens);
        ArrayNode sw = root.putArray("budgetSweep");
        for (BudgetPoint p : sweep) {
            ObjectNode n = sw.addObject();
            n.put("strategy", p.strategy());
            n.put("cacheFraction", p.cacheFraction());
            n.set("ioMsPerToken", JSON.valueToTree(p.decode().ioMsPerToken()));
            n.set("ffnMsPerToken", JSON.valueToTree(p.decode().ffnMsPerToken()));
            n.put("opsPerToken", p.decode().opsPerToken());
            n.put("cacheHitRate", p.decode().cacheHitRate());
            n.put("modelledIoMsPerToken", p.decode().projectedMsPerToken().get(device.name()));
        }
        return root;
    }
}
