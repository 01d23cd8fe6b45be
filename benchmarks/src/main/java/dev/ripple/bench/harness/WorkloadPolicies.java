package dev.ripple.bench.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.io.device.DeviceProfile;
import dev.ripple.io.json.NonFiniteAsNull;
import dev.ripple.io.reader.ReaderKind;
import dev.ripple.placement.synthetic.SyntheticWorkload;
import dev.ripple.placement.trace.ActivationTrace;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code ripple policies --workload DIR}: the cache policies side by side at one placement and one
 * budget on a synthetic workload's held-out stream, in repeated rounds with the order rotated, with
 * the device model's time for the same reads beside the measured one, and a verdict on linking
 * admission against lru, s3fifo and lfu computed from the numbers ({@link PolicyVerdict}). Every
 * figure is labelled "synthetic workload".
 *
 * @param spec          the workload
 * @param placement     placement of the file replayed
 * @param linkingInner  eviction policy under linking admission
 * @param replay        held-out tokens and rounds, budget, reads and device of the replay
 * @param neededShare   neurons needed per token and layer
 * @param rows          one summary per policy
 * @param verdict       linking against the best baseline, or null when it cannot be judged
 */
public record WorkloadPolicies(
        SyntheticWorkload.Spec spec,
        String placement,
        String linkingInner,
        PolicyReplay replay,
        double neededShare,
        List<PolicySummary> rows,
        PolicyVerdict verdict) {
    private static final ObjectMapper JSON = NonFiniteAsNull.mapper(); // unmeasured figures: null, not "NaN"

    /** What to replay. */
    public record Settings(
            Path dir,
            Path work,
            String placement,
            List<String> policies,
            String linkingInner,
            double cacheFraction,
            int tokens,
            int repeats,
            ReaderKind reader,
            int queueDepth,
            DeviceProfile device,
            boolean emulated) {
        public Settings {
            policies = List.copyOf(policies);
            if (tokens < 1 || repeats < 1 || queueDepth < 1 || policies.isEmpty()) {
                throw new IllegalArgumentException("tokens, repeats, queue depth and the policies must be given");
            }
        }
    }

    /** Places (once, as the bench does), then replays every policy {@code repeats} times. */
    public static WorkloadPolicies run(Settings s, Progress progress) throws IOException {
        SyntheticWorkload.Contents workload = SyntheticWorkload.load(s.dir());
        SyntheticWorkload.Spec spec = workload.spec();
        ActivationTrace calibration = workload.calibration();
        ActivationTrace heldOut = workload.heldOut();
        // the one placement replayed: the others are neither placed nor written
        Path file = WorkloadBench.placedFiles(s.dir(), s.work(), spec, calibration, List.of(s.placement()), progress)
                .get(s.placement());
        int[][] orders = WorkloadBench.orders(file);
        RuntimeOptions base = RuntimeOptions.defaults()
                .withReader(s.reader())
                .withQueueDepth(s.queueDepth())
                .withFillIn(false)
                .withDevice(s.device())
                .withEmulatedDevice(s.emulated() ? s.device() : null);
        PolicyRounds r = PolicyRounds.run(
                file,
                orders,
                calibration,
                heldOut,
                s.policies(),
                s.linkingInner(),
                WorkloadBench.WINDOW_TOKENS,
                s.cacheFraction(),
                s.tokens(),
                s.repeats(),
                base,
                s.device(),
                SyntheticWorkload.LABEL,
                progress);
        return new WorkloadPolicies(
                spec, s.placement(), s.linkingInner(), r.replay(), r.neededShare(), r.rows(), r.verdict());
    }

    private String label() {
        return WorkloadBench.label(replay.emulated(), replay.device(), replay.reader(), replay.passStart());
    }

    public void print(PrintWriter o) {
        o.printf(
                Locale.ROOT,
                "ripple policies (%s): %s-shaped FFN, %d layers, %.1f%% of neurons needed per token; %s placement"
                        + "%s%n",
                SyntheticWorkload.LABEL,
                spec.name(),
                spec.layers(),
                100 * neededShare,
                placement,
                PolicyTable.linkingOver(rows, linkingInner));
        replay.print(o, PolicyTable.ran(rows, "lfu"));
        o.printf("[%s]%n", label());
        PolicyTable.print(o, rows);
        o.println(PolicyTable.verdictLine(verdict) + " [" + label() + "]");
    }

    /** Every figure as a JSON tree, which the command line writes with its run once (its --json). */
    public ObjectNode toJson() {
        ObjectNode doc = WorkloadBench.jsonDocument("workload-policies", spec);
        doc.put("placement", placement);
        doc.put("linkingInner", linkingInner);
        replay.putJson(doc);
        doc.put("neededShare", neededShare);
        PolicyTable.putRows(doc, rows, verdict);
        return doc;
    }
}
