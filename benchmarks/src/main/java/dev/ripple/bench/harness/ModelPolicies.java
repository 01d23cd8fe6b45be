package dev.ripple.bench.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.cache.CachePolicies;
import dev.ripple.cache.CacheSettings;
import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.core.tensor.DType;
import dev.ripple.io.device.DeviceProfile;
import dev.ripple.io.json.NonFiniteAsNull;
import dev.ripple.io.reader.ReaderKind;
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

/**
 * {@code ripple policies} on a model: the cache policies side by side at one placement and one
 * DRAM budget, replaying profiled tokens with measured reads. Profiling, placement and the LFU seed
 * come from the calibration split only; the held-out split is only replayed. Every policy replays
 * the same tokens from a cold cache in each round, the order rotated per round ({@link
 * PolicyRounds}); the table and the JSON are renderings of this record.
 *
 * <pre>{@code
 * ModelPolicies r = ModelPolicies.run(
 *         ModelPolicies.Settings.defaults(Path.of("work")),
 *         new EncoderText(onnx, tokenizerJson, "all-MiniLM-L6-v2", "europarl", calibrationLines, heldOutLines),
 *         Progress.NONE);
 * System.out.println(r.verdict() == null ? "no verdict" : r.verdict().describe());
 * }</pre>
 *
 * @param calibrationTokens tokens profiled for placement and the LFU seed
 * @param neededShare       neurons the rule needs per token and layer on the replayed tokens
 * @param replayed          the split replayed: {@code held-out} or {@code calibration}
 * @param replay            tokens, rounds, budget, reads and device of the replay
 * @param rows              one summary per policy
 * @param verdict           linking against the best baseline, or null when it cannot be judged
 */
public record ModelPolicies(
        String model,
        String rule,
        double neededShare,
        String placement,
        String replayed,
        String linkingInner,
        long calibrationTokens,
        PolicyReplay replay,
        List<PolicySummary> rows,
        PolicyVerdict verdict) {
    private static final ObjectMapper JSON = NonFiniteAsNull.mapper(); // unmeasured figures: null, not "NaN"

    /**
     * What to compare.
     *
     * @param work     directory for the placed file and the quick device profile
     * @param replay   {@code held-out}, or {@code calibration} (in-sample, for choosing settings
     *                 without looking at held-out text)
     * @param device   a device to emulate; null: this machine's storage, profiled quickly
     */
    public record Settings(
            Path work,
            ActivityRule rule,
            long calibrationTokens,
            int tokens,
            int repeats,
            double cacheFraction,
            List<String> policies,
            String linkingInner,
            String replay,
            String placement,
            ReaderKind reader,
            int queueDepth,
            DeviceProfile device) {
        /** @throws InvalidBenchSettingsException naming the first setting out of range */
        public Settings {
            RULES.requirePositive(Input.CALIBRATION_TOKENS, calibrationTokens);
            RULES.requirePositive(Input.TOKENS, tokens);
            RULES.requirePositive(Input.REPEATS, repeats);
            requireCacheFraction(cacheFraction);
            requirePolicies(policies);
            policies = List.copyOf(policies);
            if (!replay.equals("held-out") && !replay.equals("calibration")) {
                throw RULES.refuse(Input.REPLAY, "must be held-out or calibration, got " + replay);
            }
            requireLinkingInner(linkingInner);
            if (!PlacementAlgorithms.names().contains(placement)) {
                throw RULES.refuse(
                        Input.PLACEMENT,
                        n -> "unknown " + n.apply(Input.PLACEMENT) + " '" + placement + "' (known: "
                                + PlacementAlgorithms.names() + ")");
            }
        }

        /** {@code ripple policies}' defaults: act > 0.5, 10,000 calibration tokens, 300 replayed, 3 rounds, 10%. */
        public static Settings defaults(Path work) {
            return new Settings(
                    work,
                    ActivityRule.parse("act > 0.5"),
                    10_000,
                    300,
                    3,
                    RuntimeOptions.DEFAULT_CACHE_FRACTION,
                    List.of("none", "lru", "s3fifo", "lfu", "linking"),
                    "s3fifo",
                    "held-out",
                    "ripple+",
                    ReaderKind.DIRECT,
                    RuntimeOptions.DEFAULT_QUEUE_DEPTH,
                    null);
        }
    }

    /** The inputs of {@link Settings} a rule can be about, as {@link InvalidBenchSettingsException} names them. */
    public enum Input implements InvalidBenchSettingsException.Setting {
        CALIBRATION_TOKENS,
        TOKENS,
        REPEATS,
        CACHE_FRACTION,
        POLICIES,
        LINKING_INNER,
        REPLAY,
        PLACEMENT
    }

    /** The rules of this harness's settings, typed by {@link Input}: another harness's input does not compile. */
    private static final InvalidBenchSettingsException.Rules<Input, InvalidBenchSettingsException> RULES =
            InvalidBenchSettingsException.rules();

    /**
     * The cache is a share of the FFN bytes above 0, as policies differ only with a cache to manage:
     * shared with the workload form of the command.
     */
    public static void requireCacheFraction(double cacheFraction) {
        RULES.requirePositiveShare(Input.CACHE_FRACTION, cacheFraction);
    }

    /** The policies named once each, all known: shared with the workload form of the command. */
    public static void requirePolicies(List<String> policies) {
        if (policies.isEmpty() || policies.stream().distinct().count() != policies.size()) {
            throw RULES.refuse(Input.POLICIES, "must name each policy once, got " + policies);
        }
        for (String p : policies) {
            if (!CachePolicies.names().contains(p)) {
                throw RULES.refuse(
                        Input.POLICIES,
                        n -> "unknown cache policy '" + p + "' in " + n.apply(Input.POLICIES) + " (known: "
                                + CachePolicies.names() + ")");
            }
        }
    }

    /** Linking's eviction policy is one of s3fifo, lru and lfu. */
    public static void requireLinkingInner(String linkingInner) {
        if (!List.of("s3fifo", "lru", "lfu").contains(linkingInner)) {
            throw RULES.refuse(Input.LINKING_INNER, "must be s3fifo, lru or lfu, got " + linkingInner);
        }
    }

    /** Profiles, places, writes the file, then replays every policy in rotating rounds. */
    public static ModelPolicies run(Settings s, EncoderText in, Progress progress) throws IOException {
        Files.createDirectories(s.work());
        ProfileResult calib =
                in.profile(in.calibrationText(), "calibration", s.rule(), s.calibrationTokens(), progress);
        ProfileResult held = s.replay().equals("calibration")
                ? calib
                : in.profile(in.heldOutText(), "held-out", s.rule(), s.tokens(), progress);
        DeviceProfile profile = QuickCalibration.unlessGiven(s.device(), s.work(), s.queueDepth(), progress);

        ImportedModel imported = PlacementPipeline.importModel(
                in.onnx(), ImportOptions.defaults().withBundles(DType.F32));
        int[][] orders;
        try (ProgressSteps steps = new ProgressSteps(progress)) {
            orders = PlacementPipeline.place(
                            calib.trace(), null, List.of(PlacementAlgorithms.byName(s.placement())), steps)
                    .first()
                    .orders();
        }
        Path file = s.work().resolve("policies-" + s.placement().replace("+", "plus") + ".ripple");
        RippleFileWriter.write(
                file,
                new LayoutBuilder(imported, orders)
                        .rule(s.rule())
                        .corpus(calib.trace().info().corpus())
                        .placement(s.placement(), null)
                        .lowRank(0, 1f)
                        .build(l -> {}));
        RuntimeOptions base = RuntimeOptions.defaults()
                .withReader(s.reader())
                .withQueueDepth(s.queueDepth())
                .withFillIn(false)
                .withDevice(profile)
                .withEmulatedDevice(s.device() != null ? profile : null);
        PolicyRounds r = PolicyRounds.run(
                file,
                orders,
                calib.trace(),
                held.trace(),
                s.policies(),
                s.linkingInner(),
                CacheSettings.Window.DEFAULT_TOKENS,
                s.cacheFraction(),
                s.tokens(),
                s.repeats(),
                base,
                profile,
                "",
                progress);
        return new ModelPolicies(
                in.modelName(),
                s.rule().describe(),
                r.neededShare(),
                s.placement(),
                s.replay(),
                s.linkingInner(),
                calib.tokens(),
                r.replay(),
                r.rows(),
                r.verdict());
    }

    public void print(PrintWriter o) {
        o.printf(
                "ripple policies: %s, '%s' (%.1f%% of neurons needed per token on the replayed %s tokens), "
                        + "%s placement from %d calibration tokens%s%n",
                model,
                rule,
                100 * neededShare,
                replayed,
                placement,
                calibrationTokens,
                PolicyTable.linkingOver(rows, linkingInner));
        replay.print(o, PolicyTable.ran(rows, "lfu"));
        PolicyTable.print(o, rows);
        o.println(PolicyTable.verdictLine(verdict));
    }

    /** Every figure as a JSON tree, which the command line writes with its run once (its --json). */
    public ObjectNode toJson() {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("model", model);
        doc.put("rule", rule);
        doc.put("neededShare", neededShare);
        doc.put("placement", placement);
        doc.put("replayed", replayed);
        doc.put("linkingInner", linkingInner);
        doc.put("calibrationTokens", calibrationTokens);
        replay.putJson(doc);
        PolicyTable.putRows(doc, rows, verdict);
        return doc;
    }
}
