package dev.ripple.bench.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.io.device.DeviceProfile;
import dev.ripple.io.json.NonFiniteAsNull;
import dev.ripple.io.reader.ReaderRan;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Everything one {@code ripple bench} run measured, and the three ways it is shown: the table, the
 * JSON document (every figure; the keys the issue tracker and scripts rely on are listed in
 * docs/PERFORMANCE.md) and the PNG plots.
 *
 * @param model          model name or path
 * @param corpus         text the held-out passages came from
 * @param rule           activity rule of the traces and files
 * @param reader         the reader asked for and the one that ran
 * @param passStart      how each pass met the page cache: bypassed, evicted first, or kept for an
 *                       emulated device's real reads from DRAM
 * @param queueDepth     reads in flight per request
 * @param cacheFraction  DRAM budget of the main table, share of FFN bytes
 * @param predictor      predictor of the forward passes (lowrank or oracle)
 * @param fillIn         whether the forward passes applied mean fill-in
 * @param device         device profile measured in this run, or the emulated device (collapse decisions, bandwidth share)
 * @param emulated       true if every read took {@code device}'s modelled time (an emulated device over the real reads)
 * @param projections    phone storage presets the operation streams are priced with
 * @param sentences      held-out passages
 * @param heldOutTokens  tokens of those passages
 * @param decodeTokens   tokens replayed token by token
 * @param ort            ONNX Runtime's dense forward on the same passages
 * @param dense          the Java encoder dense with its weights in DRAM, on the same passages
 * @param denseFromFlash the Java encoder dense from flash (every neuron read, the run's reader,
 *                       ripple+'s cache and collapse, no fill-in), as the demo's "dense" row: from the
 *                       ripple+ file, or when ripple+ did not run another strategy's (the same bundles
 *                       in another order, all of them read)
 * @param strategies     one entry per strategy run, in the order of {@link BenchStrategy#ALL}
 * @param sweepTokens    tokens replayed per sweep point
 * @param sweep          latency against cache budget
 * @param policies       the ripple+ file under every cache policy (empty unless asked)
 * @param dtypes         bundle types side by side (null unless asked)
 */
public record BenchReport(
        String model,
        String corpus,
        String rule,
        ReaderRan reader,
        PassStart passStart,
        int queueDepth,
        double cacheFraction,
        String predictor,
        boolean fillIn,
        DeviceProfile device,
        boolean emulated,
        List<DeviceProfile> projections,
        int sentences,
        int heldOutTokens,
        int decodeTokens,
        OrtReference ort,
        DenseForward dense,
        FidelityRun denseFromFlash,
        List<StrategyRun> strategies,
        int sweepTokens,
        List<BudgetPoint> sweep,
        List<IoReplay> policies,
        DtypeComparison dtypes) {
    private static final ObjectMapper JSON = NonFiniteAsNull.mapper(); // unmeasured figures: null, not "NaN"

    public StrategyRun strategy(String name) {
        return ReportText.named(strategies, StrategyRun::name, name);
    }

    /** Our sparse Java forward: the ripple+ strategy's wall time per passage; empty when ripple+ did not run. */
    public OptionalDouble javaSparseMsPerSentence() {
        return ran("ripple+")
                ? OptionalDouble.of(strategy("ripple+").forward().msPerSentence())
                : OptionalDouble.empty();
    }

    /** Whether the strategy {@code name} ran. */
    public boolean ran(String name) {
        return ReportText.ran(strategies, StrategyRun::name, name);
    }

    public void print(PrintWriter o) {
        o.printf(
                "ripple bench: %s on %s; %d held-out passages (%d tokens), rule '%s'%n",
                model, corpus, sentences, heldOutTokens, rule);
        o.printf(
                "I/O: %s, queue depth %d; DRAM cache %.0f%% of FFN bytes; device %s%s: sequential %.0f MiB/s, "
                        + "4 KiB random qd1 %.0f IOPS%n",
                ReportText.strategyReads(reader, passStart, names()),
                queueDepth,
                100 * cacheFraction,
                emulated ? "EMULATED " : "",
                device.name(),
                device.sequentialMiBps(),
                device.random4kQd1Iops());
        DepthNote.print(o, device, queueDepth);
        if (emulated) {
            ReportText.emulated(o, device, ReportText.REAL_READS_BY_SIZE);
            Map<String, String> realReads = new LinkedHashMap<>();
            strategies.forEach(s -> realReads.put(s.name(), s.decode().realReads()));
            ReportText.realReads(o, device, realReads);
        }
        o.printf(
                "%nDecode-like: %d tokens one at a time, true active sets (I/O only); strategies interleaved token by "
                        + "token so that all meet the same device conditions%n",
                decodeTokens);
        o.printf(
                "%-15s %-9s %-7s %9s %8s %8s %8s %8s %9s %6s %8s %7s %6s",
                "strategy",
                "placement",
                "cache",
                "io ms/tok",
                "p50",
                "p90",
                "p99",
                "ops/tok",
                "KiB/tok",
                "read",
                "MiB/s",
                "of seq",
                "hits");
        for (DeviceProfile p : projections) {
            o.printf(" %10s", p.name());
        }
        o.println();
        for (StrategyRun s : strategies) {
            IoReplay r = s.decode();
            o.printf(
                    "%-15s %-9s %-7s %9.3f %8.3f %8.3f %8.3f %8.1f %9.1f %5.1f%% %8.1f %6.1f%% %5.1f%%",
                    s.name(),
                    s.placement(),
                    s.cache(),
                    r.ioMsPerToken().mean(),
                    r.ioMsPerToken().p50(),
                    r.ioMsPerToken().p90(),
                    r.ioMsPerToken().p99(),
                    r.opsPerToken(),
                    r.bytesPerToken() / 1024,
                    100 * r.neuronsReadFraction(),
                    r.effectiveMiBps(),
                    100 * r.effectiveMiBps() / device.sequentialMiBps(),
                    100 * r.cacheHitRate());
            for (DeviceProfile p : projections) {
                o.printf(" %8.3fms", r.projectedMsPerToken().get(p.name()));
            }
            o.println();
        }
        o.printf("(MiB/s = needed bytes (cache misses) / I/O time; of seq = that against the device's sequential"
                + " MiB/s; projection columns: the same operation stream priced by the phone presets' cost models)%n");

        o.printf("%nPrefill-like: each passage at once, the union of its tokens' active sets read once per layer;"
                + " strategies interleaved passage by passage%n");
        o.printf(
                "%-15s %12s %8s %8s %11s %10s %11s %7s%n",
                "strategy", "io ms/pass", "p90", "ops", "KiB", "union", "io ms/tok", "hits");
        for (StrategyRun s : strategies) {
            PrefillReplay r = s.prefill();
            o.printf(
                    "%-15s %12.3f %8.3f %8.1f %11.1f %9.1f%% %11.3f %6.1f%%%n",
                    s.name(),
                    r.ioMsPerSentence().mean(),
                    r.ioMsPerSentence().p90(),
                    r.opsPerSentence(),
                    r.bytesPerSentence() / 1024,
                    100 * r.unionFraction(),
                    r.ioMsPerToken(),
                    100 * r.cacheHitRate());
        }

        o.printf(
                "%nForward: the Java encoder from each file with the %s predictor%s, against ONNX Runtime dense%n",
                predictor, fillIn ? " and mean fill-in" : "");
        o.printf(
                "%-15s %8s %8s %8s %8s %10s %11s %10s %9s%n",
                "strategy", "cos mean", "cos p5", "cos min", "read", "ms/pass", "compute ms", "io ms/tok", "tokens/s");
        for (StrategyRun s : strategies) {
            FidelityRun f = s.forward();
            o.printf(
                    "%-15s %8.4f %8.4f %8.4f %7.1f%% %10.1f %11.1f %10.3f %9.1f%n",
                    s.name(),
                    f.cosine().mean(),
                    f.cosine().p5(),
                    f.cosine().min(),
                    100 * f.neuronsReadFraction(),
                    f.msPerSentence(),
                    f.computeMsPerSentence(),
                    f.ioMsPerToken(),
                    f.tokensPerSecond());
        }
        o.printf("ONNX Runtime dense: %.1f ms per passage (%d threads)", ort.msPerSentence(), ort.threads());
        javaSparseMsPerSentence()
                .ifPresent(ms -> o.printf(
                        "; our sparse Java forward (ripple+): %.1f ms per passage, %.2fx ONNX Runtime's time",
                        ms, ms / ort.msPerSentence()));
        o.println();
        o.printf(
                "Java dense, weights in DRAM: %.1f ms per passage, %.2fx ONNX Runtime's time (cosine %.4f); Java dense "
                        + "from flash (every neuron read, %s reads): %.1f ms per passage, %.2fx%n",
                dense.msPerSentence(),
                dense.msPerSentence() / ort.msPerSentence(),
                dense.cosine().mean(),
                reader.name(),
                denseFromFlash.msPerSentence(),
                denseFromFlash.msPerSentence() / ort.msPerSentence());

        if (!policies.isEmpty()) {
            o.printf(
                    "%nCache policies at the same budget, ripple+ placement, collapse on:%n%-10s %9s %9s %9s %9s %9s %7s%n",
                    "policy", "io mean", "p50", "p90", "p99", "ops/tok", "hits");
            for (IoReplay r : policies) {
                o.printf(
                        "%-10s %8.3fms %8.3fms %8.3fms %8.3fms %9.1f %6.1f%%%n",
                        r.name(),
                        r.ioMsPerToken().mean(),
                        r.ioMsPerToken().p50(),
                        r.ioMsPerToken().p90(),
                        r.ioMsPerToken().p99(),
                        r.opsPerToken(),
                        100 * r.cacheHitRate());
            }
        }
        if (dtypes != null) {
            dtypes.print(o);
        }
        if (!sweep.isEmpty()) {
            o.printf(
                    "%nI/O ms per token against the cache budget (decode-like, %d tokens, strategies interleaved per "
                            + "budget):%n",
                    sweepTokens);
            ReportText.budgetSweep(o, names(), sweep);
        }
        printVerdict(o);
        if (strategies.stream().anyMatch(s -> s.decode().effectiveMiBps() > device.sequentialMiBps())) {
            o.printf(
                    "note: a strategy read faster than the device's measured sequential bandwidth: the profile '%s' "
                            + "understates this storage (a quick calibration is noisy; 'ripple calibrate --dir D --out P.json' "
                            + "then '--device P.json' gives a steadier one)%n",
                    device.name());
        }
    }

    /**
     * The closing line, of what ran: "ripple vs llm-in-a-flash: ..." when both did, and how much of the
     * sequential bandwidth ripple+ reached when it did.
     */
    private void printVerdict(PrintWriter o) {
        List<String> parts = new ArrayList<>();
        if (ran("ripple") && ran("llm-in-a-flash")) {
            IoReplay flash = strategy("llm-in-a-flash").decode();
            IoReplay ripple = strategy("ripple").decode();
            parts.add(String.format(
                    "ripple vs llm-in-a-flash: %s mean I/O time per token, %s operations",
                    ReportText.compared(
                            flash.ioMsPerToken().mean(), ripple.ioMsPerToken().mean(), "lower", "higher"),
                    ReportText.compared(flash.opsPerToken(), ripple.opsPerToken(), "fewer", "more")));
        }
        if (ran("ripple+")) {
            parts.add(String.format(
                    "ripple+ reaches %.0f%% of the sequential bandwidth",
                    100 * strategy("ripple+").decode().effectiveMiBps() / device.sequentialMiBps()));
        }
        if (!parts.isEmpty()) {
            o.printf("%n%s%n", String.join("; ", parts));
        }
    }

    /** The names of the strategies run, in order. */
    private List<String> names() {
        return strategies.stream().map(StrategyRun::name).toList();
    }

    /**
     * A device profile as the JSON reports give it: name, sequential MiB/s, 4 KiB random IOPS at
     * queue depth 1, and its source (a preset's references, or where and how a calibration measured).
     */
    public static ObjectNode putDevice(ObjectNode into, DeviceProfile p) {
        return into.put("name", p.name())
                .put("sequentialMiBps", p.sequentialMiBps())
                .put("random4kQd1Iops", p.random4kQd1Iops())
                .put("source", p.source());
    }

    /** Every figure as a JSON tree, which the command line writes with its run once (its --json). */
    public ObjectNode toJson() {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("model", model);
        doc.put("corpus", corpus);
        doc.put("rule", rule);
        reader.putJson(doc);
        passStart.putJson(doc);
        doc.put("queueDepth", queueDepth);
        DepthNote.putJson(doc, device, queueDepth);
        doc.put("cacheFraction", cacheFraction);
        doc.put("predictor", predictor);
        doc.put("fillIn", fillIn);
        doc.put("sentences", sentences);
        doc.put("heldOutTokens", heldOutTokens);
        doc.put("decodeTokens", decodeTokens);
        putDevice(doc.putObject("device"), device).put("emulated", emulated);
        ArrayNode proj = doc.putArray("projections");
        for (DeviceProfile p : projections) {
            putDevice(proj.addObject(), p);
        }
        doc.put("onnxRuntimeDenseMsPerSentence", ort.msPerSentence());
        doc.put("onnxRuntimeThreads", ort.threads());
        doc.put("javaSparseMsPerSentence", ReportText.orNull(javaSparseMsPerSentence()));
        doc.put("javaDenseMsPerSentence", dense.msPerSentence());
        doc.put("javaDenseCosineMean", dense.cosine().mean());
        doc.put("javaDenseFromFlashMsPerSentence", denseFromFlash.msPerSentence());
        ReportText.putChosen(doc, names());
        ArrayNode arr = doc.putArray("strategies");
        for (StrategyRun s : strategies) {
            IoReplay r = s.decode();
            FidelityRun f = s.forward();
            ObjectNode n = arr.addObject();
            n.put("name", s.name());
            n.put("placement", s.placement());
            n.put("cache", s.cache());
            n.put("collapse", s.collapse());
            n.put("realReads", r.realReads()); // null without an emulated device
            n.set("ioMsPerToken", JSON.valueToTree(r.ioMsPerToken()));
            n.put("opsPerToken", r.opsPerToken());
            n.put("bytesPerToken", r.bytesPerToken());
            n.put("neededBytesPerToken", r.neededPerToken());
            n.put("effectiveMiBps", r.effectiveMiBps());
            n.put("sequentialShare", r.effectiveMiBps() / device.sequentialMiBps());
            n.put("cacheHitRate", r.cacheHitRate());
            n.put("dramBytes", r.dramBytes());
            n.put("peakCacheBytes", r.peakCacheBytes());
            n.put("neuronsReadFraction", r.neuronsReadFraction());
            ObjectNode pr = n.putObject("projectedIoMsPerToken");
            for (Map.Entry<String, Double> e : r.projectedMsPerToken().entrySet()) {
                pr.put(e.getKey(), e.getValue());
            }
            n.put("tokensPerSecond", f.tokensPerSecond());
            n.put("msPerSentence", f.msPerSentence());
            n.put("computeMsPerSentence", f.computeMsPerSentence());
            ObjectNode cos = n.putObject("cosine");
            cos.put("mean", f.cosine().mean());
            cos.put("p5", f.cosine().p5());
            cos.put("min", f.cosine().min());
            n.set("forward", JSON.valueToTree(f));
            n.set("prefill", JSON.valueToTree(s.prefill()));
        }
        doc.put("budgetSweepTokens", sweepTokens);
        ArrayNode sw = doc.putArray("budgetSweep");
        for (BudgetPoint p : sweep) {
            sw.addObject()
                    .put("strategy", p.strategy())
                    .put("cacheFraction", p.cacheFraction())
                    .put("ioMsPerTokenMean", p.decode().ioMsPerToken().mean())
                    .put("opsPerToken", p.decode().opsPerToken())
                    .put("cacheHitRate", p.decode().cacheHitRate());
        }
        if (!policies.isEmpty()) {
            ArrayNode pol = doc.putArray("cachePolicies");
            policies.forEach(r -> pol.add((ObjectNode) JSON.valueToTree(r)));
        }
        if (dtypes != null) {
            doc.set("dtypes", dtypes.toJson());
        }
        return doc;
    }

    /** What every plot's figures depend on: the device, the reader, the cache budget and the day measured. */
    private String plotContext() {
        return String.format(
                Locale.ROOT,
                "%s%s · %s reads, queue depth %d · cache %.0f%% of FFN bytes · %s",
                device.name(),
                emulated ? " (emulated)" : " (this machine's disk, profiled now)",
                reader.name(),
                queueDepth,
                100 * cacheFraction,
                LocalDate.now(ZoneOffset.UTC));
    }

    /** Writes bench-latency.png, bench-budget.png and bench-bandwidth.png into {@code dir}; returns them. */
    public List<Path> plots(Path dir) throws IOException {
        List<String> names = names();
        Path latency = dir.resolve("bench-latency.png");
        String context = plotContext();
        Plots.ranges(
                latency,
                "I/O time per token, decode-like: p50 (solid) to p99 (light), ms",
                context,
                "ms per token",
                names,
                strategies.stream().map(s -> s.decode().ioMsPerToken()).toList(),
                1);
        List<Path> out = new ArrayList<>(List.of(latency));
        if (!sweep.isEmpty()) {
            List<Plots.Series> lines = new ArrayList<>();
            for (String name : names) {
                List<BudgetPoint> ps =
                        sweep.stream().filter(p -> p.strategy().equals(name)).toList();
                lines.add(new Plots.Series(
                        name,
                        ps.stream().mapToDouble(p -> 100 * p.cacheFraction()).toArray(),
                        ps.stream()
                                .mapToDouble(p -> p.decode().ioMsPerToken().mean())
                                .toArray()));
            }
            Path budget = dir.resolve("bench-budget.png");
            Plots.lines(
                    budget,
                    "Mean I/O time per token against the DRAM cache budget (" + device.name()
                            + (emulated ? ", emulated" : "") + ", " + reader.name() + " reads, "
                            + LocalDate.now(ZoneOffset.UTC) + ")",
                    "cache budget, % of FFN bytes",
                    "ms per token",
                    lines,
                    false);
            out.add(budget);
        }
        List<String> withLimit = new ArrayList<>(names);
        withLimit.add("device sequential");
        List<Double> bw = new ArrayList<>(
                strategies.stream().map(s -> s.decode().effectiveMiBps()).toList());
        bw.add(device.sequentialMiBps());
        Path bandwidth = dir.resolve("bench-bandwidth.png");
        Plots.bars(
                bandwidth,
                "Effective bandwidth (useful bytes / I/O time) against the device's sequential bandwidth",
                context,
                "MiB/s",
                withLimit,
                bw,
                0);
        out.add(bandwidth);
        return out;
    }
}
