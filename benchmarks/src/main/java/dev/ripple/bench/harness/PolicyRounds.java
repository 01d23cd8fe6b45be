package dev.ripple.bench.harness;

import dev.ripple.core.activity.TracePredictor;
import dev.ripple.core.runtime.RippleModel;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.io.device.DeviceProfile;
import dev.ripple.placement.trace.ActivationTrace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cache policies replayed on one placed file with the true active sets of held-out tokens, each
 * from a cold cache, in rounds with the policies' order rotated so no policy always runs first,
 * the device model's time for the same reads beside the measured one, and a verdict on linking
 * computed from the numbers. {@code ripple policies} runs it on the real model and on synthetic
 * workloads alike.
 *
 * @param rows        one summary per policy, in the order asked
 * @param verdict     linking against the best of lru, s3fifo and lfu; null when they were not all asked
 * @param replay      how they were replayed: tokens per policy and round, rounds, the budget in
 *                    bytes, the reads and the device
 * @param neededShare neurons needed per token and layer (what the trace predictor reads)
 */
public record PolicyRounds(List<PolicySummary> rows, PolicyVerdict verdict, PolicyReplay replay, double neededShare) {

    /**
     * @param base   the options every policy shares (reader, queue depth, device, emulation)
     * @param orders the file's placement, for seeding lfu with the calibration counts of its slots
     * @param label  appended to each progress phase (e.g. "synthetic workload")
     */
    public static PolicyRounds run(
            Path file,
            int[][] orders,
            ActivationTrace calibration,
            ActivationTrace heldOut,
            List<String> policies,
            String linkingInner,
            int windowTokens,
            double cacheFraction,
            int tokens,
            int repeats,
            RuntimeOptions base,
            DeviceProfile device,
            String label,
            Progress progress)
            throws IOException {
        ComparedPolicies compared = new ComparedPolicies(
                SlotCounts.of(calibration, orders),
                linkingInner.equals("lfu")
                        ? ReadShares.of(calibration, file, RippleModel.plannerFor(base, Files.size(file)))
                        : null,
                linkingInner,
                windowTokens);
        TracePredictor sets = IoReplay.predictor(heldOut);
        int replayed = Math.min(tokens, heldOut.tokens(0));
        Map<String, List<IoReplay>> runs = new LinkedHashMap<>();
        Map<String, Double> modelled = new LinkedHashMap<>();
        policies.forEach(p -> runs.put(p, new ArrayList<>()));
        PassStarts starts = new PassStarts(base.reader(), base.emulatedDevice() != null);
        for (int round = 0; round < repeats; round++) {
            for (int k = 0; k < policies.size(); k++) {
                String policy = policies.get((round + k) % policies.size());
                RuntimeOptions options = base.withCache(compared.settings(policy), cacheFraction);
                ModelledIo cost = new ModelledIo(device, base.queueDepth());
                starts.before(file); // each replay from a cold page cache too, for a page-cache reader
                try (Progress.Step step = progress.start(
                        policy + " (round " + (round + 1) + "/" + repeats + (label.isEmpty() ? "" : ", " + label) + ")",
                        replayed)) {
                    runs.get(policy)
                            .add(IoReplay.run(policy, file, options, sets, replayed, List.of(), step::stepTo, cost));
                }
                modelled.put(policy, cost.msPerToken(replayed));
            }
        }
        List<PolicySummary> rows = new ArrayList<>();
        runs.forEach((p, r) -> rows.add(PolicySummary.of(p, r, modelled.get(p))));
        boolean canJudge =
                policies.contains("linking") && policies.stream().anyMatch(PolicyVerdict.BASELINES::contains);
        long budget = runs.values().stream()
                .mapToLong(r -> r.getFirst().dramBytes())
                .max()
                .orElse(0);
        // With the trace predictor, the neurons a replay reads per token are exactly those needed.
        double needed = runs.get(policies.getFirst()).getFirst().neuronsReadFraction();
        PassStart start = starts.overall(file);
        PolicyReplay replay = new PolicyReplay(
                replayed,
                repeats,
                cacheFraction,
                budget,
                start.readerRan(base.reader()),
                start,
                base.queueDepth(),
                device,
                base.emulatedDevice() != null);
        return new PolicyRounds(List.copyOf(rows), canJudge ? PolicyVerdict.of(rows) : null, replay, needed);
    }
}
