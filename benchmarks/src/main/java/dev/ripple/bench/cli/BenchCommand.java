package dev.ripple.bench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.bench.harness.IoReplay;
import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.activity.TracePredictor;
import dev.ripple.core.format.AtomicFile;
import dev.ripple.core.format.DType;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.io.device.DeviceProfile;
import dev.ripple.io.reader.ReaderKind;
import dev.ripple.placement.LayoutBuilder;
import dev.ripple.placement.algorithm.PlacementAlgorithms;
import dev.ripple.placement.importer.ImportedModel;
import dev.ripple.placement.profile.ProfileResult;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ripple bench}: one model, one run, the strategies of ARCHITECTURE.md side by side at the
 * same DRAM budget, on the same held-out tokens, with measured I/O.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Profile and place on calibration text, then replay held-out tokens through the flash runtime under "
                + "each strategy (placement x cache policy) at the same DRAM budget and measure I/O per token.")
final class BenchCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--model", paramLabel = "M.onnx", description = "ONNX model (default: embedded all-MiniLM-L6-v2)")
    Path model;

    @Option(names = "--tokenizer", paramLabel = "T.json", description = "its tokenizer.json (default: beside the model)")
    Path tokenizer;

    @Option(names = "--text", paramLabel = "T.txt", description = "text, one passage per line (default: embedded Europarl sample)")
    Path text;

    @Option(names = "--calibration-tokens", defaultValue = "20000", description = "tokens profiled for placement (default: ${DEFAULT-VALUE})")
    long calibrationTokens;

    @Option(names = "--tokens", defaultValue = "600", description = "held-out tokens replayed per strategy (default: ${DEFAULT-VALUE})")
    int tokens;

    @Option(names = "--rule", defaultValue = "act > 0", description = "activity rule (default: ${DEFAULT-VALUE})")
    String rule;

    @Option(names = "--cache-fraction", defaultValue = "0.1", description = "DRAM budget as a share of FFN bytes (default: ${DEFAULT-VALUE})")
    double cacheFraction;

    @Option(names = "--reader", defaultValue = "direct", description = "direct, mmap or positional (default: ${DEFAULT-VALUE})")
    String reader;

    @Option(names = "--queue-depth", defaultValue = "8", description = "reads in flight per request (default: ${DEFAULT-VALUE})")
    int queueDepth;

    @Option(names = "--device", paramLabel = "PROFILE.json", description = "device profile for access collapse (default: measured now with 'calibrate --quick')")
    Path device;

    @Option(names = "--work", defaultValue = "ripple-work", description = "directory for traces and files (default: ${DEFAULT-VALUE})")
    Path work;

    @Option(names = "--json", paramLabel = "FILE", description = "write every figure as JSON")
    Path json;

    @Option(names = "--compare-policies", description = "also replay the ripple+ placement under every cache policy at the same budget")
    boolean comparePolicies;

    @Option(names = "--quiet", description = "no progress bars")
    boolean quiet;

    @Spec
    CommandSpec spec;

    /** One strategy: which placement file, which cache policy, whether reads are collapsed. */
    private record Strategy(String name, String placement, String cache, boolean collapse) {
    }

    private static final List<Strategy> STRATEGIES = List.of(
            new Strategy("naive", "identity", "none", false),
            new Strategy("llm-in-a-flash", "identity", "window", false),
            new Strategy("powerinfer", "frequency", "lfu", false),
            new Strategy("ripple", "ripple", "linking", true),
            new Strategy("ripple+", "ripple+", "linking", true));

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        ReaderKind readerKind = ReaderKind.valueOf(reader.toUpperCase(java.util.Locale.ROOT));
        if (readerKind != ReaderKind.DIRECT) {
            throw new IllegalArgumentException("only --reader direct is supported by bench so far: mmap and positional "
                    + "passes would need a page-cache eviction before every strategy");
        }
        if (tokens < 1) {
            throw new IllegalArgumentException("--tokens must be positive");
        }
        ActivityRule activity = ActivityRule.parse(rule);
        Files.createDirectories(work);
        Path onnx = model != null ? model : DefaultData.model(work);
        Path tok = model != null ? DefaultData.tokenizerFor(model, tokenizer) : DefaultData.tokenizer(work);
        Corpus corpus = Corpus.load(text, 0.5);
        ProfileResult calib = ProfileCommand.profile(onnx, tok, corpus.calibration(), corpus.name() + ", calibration",
                activity, calibrationTokens, quiet);
        ProfileResult held = ProfileCommand.profile(onnx, tok, corpus.heldOut(), corpus.name() + ", held-out", activity,
                tokens, quiet);
        int replayed = (int) Math.min(tokens, held.tokens());
        DeviceProfile profile = device != null ? DeviceProfile.read(device) : measureDevice();

        ImportedModel imported = PlaceCommand.importModel(onnx, DType.F32);
        Map<String, Path> files = new LinkedHashMap<>();
        for (String placement : List.of("identity", "frequency", "ripple", "ripple+")) {
            int[][] orders = PlaceCommand.place(imported, calib.trace(), null, PlacementAlgorithms.byName(placement), quiet).orders();
            Path f = work.resolve("bench-" + placement.replace("+", "plus") + ".ripple");
            RippleFileWriter.write(f, new LayoutBuilder(imported, orders).rule(activity).corpus(calib.trace().info().corpus())
                    .placement(placement, null).lowRank(0, 1f).build(l -> { }));
            files.put(placement, f);
        }
        TracePredictor sets = IoReplay.predictor(held.trace());
        List<IoReplay> results = new ArrayList<>();
        for (Strategy s : STRATEGIES) {
            RuntimeOptions options = RuntimeOptions.defaults().withReader(readerKind).withQueueDepth(queueDepth)
                    .withPredictor("trace").withFillIn(false).withCache(s.cache(), cacheFraction);
            options = s.collapse() ? options.withDevice(profile) : options.withMaxGapBytes(0);
            try (CliProgress bar = CliProgress.start(s.name(), replayed, quiet)) {
                results.add(IoReplay.run(s.name(), files.get(s.placement()), options, sets, replayed, bar::stepTo));
            }
        }

        o.printf("ripple bench: %s, %d held-out tokens replayed token by token (decode-like), true active sets under '%s'%n",
                model != null ? onnx : DefaultData.MODEL_NAME, replayed, activity.describe());
        o.printf("I/O: %s reads (O_DIRECT, page cache bypassed), queue depth %d; DRAM cache %.0f%% of FFN bytes; "
                + "device %s: sequential %.0f MiB/s%n", readerKind.name().toLowerCase(), queueDepth, 100 * cacheFraction,
                profile.name(), profile.sequentialMiBps());
        o.printf("%-15s %-10s %-8s %9s %9s %9s %9s %9s %10s %9s %8s %7s%n", "strategy", "placement", "cache", "io mean",
                "p50", "p90", "p99", "ops/tok", "KiB/tok", "MiB/s", "of seq", "hits");
        for (int i = 0; i < results.size(); i++) {
            IoReplay r = results.get(i);
            Strategy s = STRATEGIES.get(i);
            o.printf("%-15s %-10s %-8s %8.3fms %8.3fms %8.3fms %8.3fms %9.1f %10.1f %9.1f %7.1f%% %6.1f%%%n", r.name(),
                    s.placement(), s.cache(), r.ioMsPerToken().mean(), r.ioMsPerToken().p50(), r.ioMsPerToken().p90(),
                    r.ioMsPerToken().p99(), r.opsPerToken(), r.bytesPerToken() / 1024, r.effectiveMiBps(),
                    100 * r.effectiveMiBps() / profile.sequentialMiBps(), 100 * r.cacheHitRate());
        }
        List<IoReplay> policies = new ArrayList<>();
        if (comparePolicies) {
            for (String policy : dev.ripple.cache.CachePolicies.names()) {
                RuntimeOptions options = RuntimeOptions.defaults().withReader(readerKind).withQueueDepth(queueDepth)
                        .withPredictor("trace").withFillIn(false).withCache(policy, cacheFraction).withDevice(profile);
                try (CliProgress bar = CliProgress.start("ripple+ / " + policy, replayed, quiet)) {
                    policies.add(IoReplay.run(policy, files.get("ripple+"), options, sets, replayed, bar::stepTo));
                }
            }
            o.printf("%ncache policies at the same budget, ripple+ placement, collapse on:%n%-10s %9s %9s %9s %9s %9s %7s%n",
                    "policy", "io mean", "p50", "p90", "p99", "ops/tok", "hits");
            for (IoReplay r : policies) {
                o.printf("%-10s %8.3fms %8.3fms %8.3fms %8.3fms %9.1f %6.1f%%%n", r.name(), r.ioMsPerToken().mean(),
                        r.ioMsPerToken().p50(), r.ioMsPerToken().p90(), r.ioMsPerToken().p99(), r.opsPerToken(),
                        100 * r.cacheHitRate());
            }
            o.println();
        }
        IoReplay flash = results.get(1);
        IoReplay ripple = results.get(3);
        o.printf("ripple vs llm-in-a-flash: %.2fx lower mean I/O time per token, %.2fx fewer operations%n",
                flash.ioMsPerToken().mean() / ripple.ioMsPerToken().mean(), flash.opsPerToken() / ripple.opsPerToken());
        o.println("Not in this version yet: prefill-like (per sentence) passes, fidelity and compute time per strategy, "
                + "the ONNX Runtime compute peer, UFS projections and plots.");
        if (json != null) {
            ObjectNode doc = JSON.createObjectNode();
            doc.put("model", model != null ? onnx.toString() : DefaultData.MODEL_NAME);
            doc.put("tokens", replayed);
            doc.put("rule", activity.describe());
            doc.put("reader", readerKind.name().toLowerCase());
            doc.put("queueDepth", queueDepth);
            doc.put("cacheFraction", cacheFraction);
            ObjectNode dev = doc.putObject("device");
            dev.put("name", profile.name());
            dev.put("sequentialMiBps", profile.sequentialMiBps());
            dev.put("random4kQd1Iops", profile.random4kQd1Iops());
            ArrayNode arr = doc.putArray("strategies");
            for (int i = 0; i < results.size(); i++) {
                ObjectNode n = JSON.valueToTree(results.get(i));
                n.put("placement", STRATEGIES.get(i).placement());
                n.put("cache", STRATEGIES.get(i).cache());
                arr.add(n);
            }
            if (comparePolicies) {
                ArrayNode pol = doc.putArray("cachePolicies");
                policies.forEach(r -> pol.add((ObjectNode) JSON.valueToTree(r)));
            }
            byte[] bytes = JSON.writeValueAsBytes(doc);
            AtomicFile.write(json, ch -> ch.write(java.nio.ByteBuffer.wrap(bytes)));
        }
        return 0;
    }

    private DeviceProfile measureDevice() throws java.io.IOException {
        try (CliProgress bar = CliProgress.start("calibrate", 1, quiet)) {
            return dev.ripple.io.device.DeviceCalibrator.calibrate(work, dev.ripple.io.device.CalibrationOptions.quick(),
                    p -> bar.message(p.phase()));
        }
    }
}
