package dev.ripple.bench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.bench.harness.BenchReport;
import dev.ripple.bench.harness.PolicyRounds;
import dev.ripple.bench.harness.PolicySummary;
import dev.ripple.bench.harness.PolicyVerdict;
import dev.ripple.bench.harness.ProgressSteps;
import dev.ripple.bench.harness.WorkloadPolicies;
import dev.ripple.cache.CachePolicies;
import dev.ripple.cache.CacheSettings;
import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.format.AtomicFile;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.core.tensor.DType;
import dev.ripple.io.device.DeviceProfile;
import dev.ripple.placement.LayoutBuilder;
import dev.ripple.placement.algorithm.PlacementAlgorithms;
import dev.ripple.placement.importer.ImportedModel;
import dev.ripple.placement.pipeline.ImportOptions;
import dev.ripple.placement.pipeline.PlacementPipeline;
import dev.ripple.placement.profile.ProfileResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ripple policies}: the cache policies side by side at one placement and one DRAM budget, on
 * held-out tokens, with measured direct I/O. Profiling, placement and the LFU seed come from the
 * calibration split only; the held-out split is only replayed. Every policy replays the same tokens
 * from a cold cache in each of {@code --repeats} rounds, the order rotated per round so that no
 * policy always runs first or last; timing is reported as the median of the repeats with min and
 * max (the machine is shared), next to the operation counts and the device cost model's time for
 * the same reads, which do not depend on noise.
 */
@Command(
        name = "policies",
        mixinStandardHelpOptions = true,
        description =
                "Replay held-out tokens under each cache policy at the same DRAM budget and placement, with "
                        + "direct I/O, repeated in rotating rounds; report I/O time, operations, bytes, hits and modelled time per token.")
final class PoliciesCommand implements Callable<Integer> {
    @Mixin
    IoOptions io;

    @Mixin
    WorkOptions run;

    @Mixin
    ModelInputs inputs;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--rule", defaultValue = "act > 0.5", description = "activity rule (default: ${DEFAULT-VALUE})")
    String rule;

    @Option(
            names = "--calibration-tokens",
            defaultValue = "10000",
            description = "tokens profiled for placement and the LFU seed (default: ${DEFAULT-VALUE})")
    long calibrationTokens;

    @Option(
            names = "--tokens",
            defaultValue = "300",
            description = "held-out tokens replayed per policy and repeat (default: ${DEFAULT-VALUE})")
    int tokens;

    @Option(
            names = "--repeats",
            defaultValue = "3",
            description = "rounds over all policies (default: ${DEFAULT-VALUE})")
    int repeats;

    @Mixin
    CacheBudgetOptions cacheBudget;

    @Option(
            names = "--policies",
            defaultValue = "none,lru,s3fifo,lfu,linking",
            split = ",",
            description =
                    "policies to compare (default: ${DEFAULT-VALUE}; known: none, lru, s3fifo, lfu, window, linking)")
    List<String> policies;

    @Option(
            names = "--linking-inner",
            defaultValue = "s3fifo",
            description =
                    "eviction policy under linking: s3fifo, lru, lfu (seeded like lfu) (default: ${DEFAULT-VALUE})")
    String linkingInner;

    @Option(
            names = "--replay",
            defaultValue = "held-out",
            description = "split to replay: held-out, or calibration "
                    + "(in-sample, for choosing settings without looking at held-out text) (default: ${DEFAULT-VALUE})")
    String replay;

    @Option(
            names = "--placement",
            defaultValue = "ripple+",
            description = "placement of the file (default: ${DEFAULT-VALUE})")
    String placement;

    @Option(names = "--json", paramLabel = "FILE", description = "write every figure as JSON")
    Path json;

    @Option(
            names = "--workload",
            paramLabel = "DIR",
            description =
                    "a synthetic workload written by 'ripple synth --workload' "
                            + "instead of the ONNX model: its held-out stream replayed under each policy; figures labelled 'synthetic workload'")
    Path workload;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        validate();
        PrintWriter o = spec.commandLine().getOut();
        if (workload != null) {
            return workload(o);
        }
        ActivityRule activity = ActivityRule.parse(rule);
        Files.createDirectories(run.work);
        Path onnx = inputs.onnx(run.work);
        Path tok = inputs.tokenizer(run.work);
        Corpus corpus = inputs.corpus(0.5);
        ProfileResult calib = ProfileCommand.profile(
                onnx,
                tok,
                corpus.calibration(),
                corpus.name() + ", calibration",
                activity,
                calibrationTokens,
                run.quiet);
        ProfileResult held = replay.equals("calibration")
                ? calib
                : ProfileCommand.profile(
                        onnx, tok, corpus.heldOut(), corpus.name() + ", held-out", activity, tokens, run.quiet);
        DeviceProfile profile = io.device != null ? io.deviceProfile() : CalibrateCommand.quick(run.work, run.quiet);

        ImportedModel imported =
                PlacementPipeline.importModel(onnx, ImportOptions.defaults().withBundles(DType.F32));
        int[][] orders;
        try (ProgressSteps steps = CliProgress.steps(run.quiet)) {
            orders = PlacementPipeline.place(calib.trace(), null, List.of(PlacementAlgorithms.byName(placement)), steps)
                    .first()
                    .orders();
        }
        Path file = run.work.resolve("policies-" + placement.replace("+", "plus") + ".ripple");
        RippleFileWriter.write(
                file,
                new LayoutBuilder(imported, orders)
                        .rule(activity)
                        .corpus(calib.trace().info().corpus())
                        .placement(placement, null)
                        .lowRank(0, 1f)
                        .build(l -> {}));
        RuntimeOptions base = RuntimeOptions.defaults()
                .withReader(io.readerKind())
                .withQueueDepth(io.queueDepth)
                .withFillIn(false)
                .withDevice(profile)
                .withEmulatedDevice(io.device != null ? profile : null);
        PolicyRounds result = PolicyRounds.run(
                file,
                orders,
                calib.trace(),
                held.trace(),
                policies,
                linkingInner,
                CacheSettings.Window.DEFAULT_TOKENS,
                cacheBudget.fraction,
                tokens,
                repeats,
                base,
                profile,
                "",
                CliProgress.harness(run.quiet));
        List<PolicySummary> rows = result.rows();
        PolicyVerdict verdict = result.verdict();
        long budget = result.budgetBytes();
        double neededShare = result.neededShare();
        int replayed = result.tokens();
        o.printf(
                "ripple policies: %s, '%s' (%.1f%% of neurons needed per token on the replayed %s tokens), "
                        + "%s placement from %d calibration tokens; linking over %s%n",
                inputs.modelName(),
                activity.describe(),
                100 * neededShare,
                replay,
                placement,
                calib.tokens(),
                linkingInner);
        o.printf(
                "%d tokens replayed per policy from a cold cache, %d rounds (order rotated per round); DRAM %.0f%% "
                        + "of FFN bytes (%d B; lfu seeded with calibration frequencies); direct I/O, queue depth %d; "
                        + "device %s%s: sequential %.0f MiB/s%n",
                replayed,
                repeats,
                100 * cacheBudget.fraction,
                budget,
                io.queueDepth,
                io.device != null ? "EMULATED " : "",
                profile.name(),
                profile.sequentialMiBps());
        o.printf(
                "%-8s %10s %9s %9s %9s %9s %9s %8s %9s %6s %10s%n",
                "policy", "io ms/tok", "min", "max", "p50", "p90", "p99", "ops/tok", "KiB/tok", "hits", "model ms");
        for (PolicySummary r : rows) {
            o.printf(
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
        o.println("(io ms/tok: median over rounds of the mean reader time per token; min/max: over rounds; "
                + "p50-p99: medians over rounds; model ms: the device cost model's time for the same reads)");
        o.println(
                verdict != null
                        ? verdict.describe()
                        : "no verdict: it needs linking and at least one of lru, s3fifo, lfu");
        if (json != null) {
            writeJson(activity, neededShare, replayed, budget, profile, calib.tokens(), rows, verdict);
        }
        return 0;
    }

    /** {@code --workload}: the policies on a synthetic workload (WorkloadPolicies). */
    private int workload(PrintWriter o) throws IOException {
        Files.createDirectories(run.work);
        DeviceProfile profile = io.device != null ? io.deviceProfile() : CalibrateCommand.quick(run.work, run.quiet);
        WorkloadPolicies result = WorkloadPolicies.run(
                new WorkloadPolicies.Settings(
                        workload,
                        placement,
                        policies,
                        linkingInner,
                        cacheBudget.fraction,
                        tokens,
                        repeats,
                        io.readerKind(),
                        io.queueDepth,
                        profile,
                        io.device != null),
                CliProgress.harness(run.quiet));
        result.print(o);
        if (json != null) {
            byte[] bytes = result.toJsonBytes();
            AtomicFile.write(json, bytes);
        }
        return 0;
    }

    private void validate() {
        if (tokens < 1) {
            throw new IllegalArgumentException("--tokens must be positive, got " + tokens);
        }
        if (repeats < 1) {
            throw new IllegalArgumentException("--repeats must be positive, got " + repeats);
        }
        if (!(cacheBudget.fraction > 0 && cacheBudget.fraction <= 1)) {
            throw new IllegalArgumentException("--cache-fraction must be in (0, 1], got " + cacheBudget.fraction);
        }
        if (policies.isEmpty() || policies.stream().distinct().count() != policies.size()) {
            throw new IllegalArgumentException("--policies must name each policy once, got " + policies);
        }
        for (String p : policies) {
            if (!CachePolicies.names().contains(p)) {
                throw new IllegalArgumentException(
                        "unknown cache policy '" + p + "' (known: " + CachePolicies.names() + ")");
            }
        }
        if (!replay.equals("held-out") && !replay.equals("calibration")) {
            throw new IllegalArgumentException("--replay must be held-out or calibration, got " + replay);
        }
        if (!List.of("s3fifo", "lru", "lfu").contains(linkingInner)) {
            throw new IllegalArgumentException("--linking-inner must be s3fifo, lru or lfu, got " + linkingInner);
        }
        if (!PlacementAlgorithms.names().contains(placement)) {
            throw new IllegalArgumentException(
                    "unknown --placement '" + placement + "' (known: " + PlacementAlgorithms.names() + ")");
        }
    }

    /**
     * How often each slot was active in the calibration trace: the profiled frequencies "lfu" is
     * seeded with (PowerInfer's hot set), in slot order of the placed file.
     */
    private void writeJson(
            ActivityRule activity,
            double neededShare,
            int replayed,
            long budget,
            DeviceProfile profile,
            long calibration,
            List<PolicySummary> rows,
            PolicyVerdict verdict)
            throws IOException {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("model", inputs.modelName());
        doc.put("rule", activity.describe());
        doc.put("neededShare", neededShare);
        doc.put("placement", placement);
        doc.put("replayed", replay);
        doc.put("linkingInner", linkingInner);
        doc.put("calibrationTokens", calibration);
        doc.put("tokens", replayed);
        doc.put("repeats", repeats);
        doc.put("cacheFraction", cacheBudget.fraction);
        doc.put("cacheBytes", budget);
        doc.put("reader", io.readerKind().name().toLowerCase(Locale.ROOT));
        doc.put("queueDepth", io.queueDepth);
        BenchReport.putDevice(doc.putObject("device"), profile).put("emulated", io.device != null);
        ArrayNode arr = doc.putArray("policies");
        rows.forEach(r -> arr.add((ObjectNode) JSON.valueToTree(r)));
        if (verdict != null) {
            ObjectNode v = JSON.valueToTree(verdict);
            v.put("text", verdict.describe());
            doc.set("verdict", v);
        }
        byte[] bytes = JSON.writeValueAsBytes(doc);
        AtomicFile.write(json, bytes);
    }
}
