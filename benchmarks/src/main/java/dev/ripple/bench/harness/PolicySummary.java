package dev.ripple.bench.harness;

import java.util.Arrays;
import java.util.List;

/**
 * One cache policy's figures over repeated replays of the same tokens. Timing differs between
 * repeats (the machine is shared), so the mean I/O time per token is summarised as the median over
 * repeats with its min and max, and the per-token percentiles as medians over repeats. Operations,
 * bytes and hits depend only on the trace and the policy, which are deterministic, so they are taken
 * from the first repeat and {@link #of} checks that every repeat agrees.
 *
 * @param name               policy
 * @param ioMsPerTokenMedian median over repeats of the mean reader time per token
 * @param ioMsPerTokenMin    smallest repeat mean
 * @param ioMsPerTokenMax    largest repeat mean
 * @param ioMsPerTokenRuns   every repeat's mean, in run order
 * @param p50                median over repeats of the per-token 50th percentile, ms
 * @param p90                likewise, 90th
 * @param p99                likewise, 99th
 * @param opsPerToken        read operations per token
 * @param kibPerToken        KiB read per token (gaps and alignment included)
 * @param hitRate            needed bundles served from DRAM
 * @param modelledMsPerToken the cost model's time for the same reads (deterministic)
 */
public record PolicySummary(
        String name,
        double ioMsPerTokenMedian,
        double ioMsPerTokenMin,
        double ioMsPerTokenMax,
        double[] ioMsPerTokenRuns,
        double p50,
        double p90,
        double p99,
        double opsPerToken,
        double kibPerToken,
        double hitRate,
        double modelledMsPerToken) {

    /**
     * @throws IllegalArgumentException if there are no runs, or runs disagree in operations, bytes or
     *                                  hits (the replay would not be deterministic)
     */
    public static PolicySummary of(String name, List<IoReplay> runs, double modelledMsPerToken) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs of policy " + name);
        }
        IoReplay first = runs.getFirst();
        for (IoReplay r : runs) {
            if (r.opsPerToken() != first.opsPerToken()
                    || r.bytesPerToken() != first.bytesPerToken()
                    || r.cacheHitRate() != first.cacheHitRate()) {
                throw new IllegalArgumentException(
                        "repeats of policy " + name + " disagree in operations, bytes or hits: " + first + " vs " + r);
            }
        }
        double[] means = runs.stream().mapToDouble(r -> r.ioMsPerToken().mean()).toArray();
        return new PolicySummary(
                name,
                Percentiles.median(means),
                Arrays.stream(means).min().orElseThrow(),
                Arrays.stream(means).max().orElseThrow(),
                means,
                Percentiles.median(
                        runs.stream().mapToDouble(r -> r.ioMsPerToken().p50()).toArray()),
                Percentiles.median(
                        runs.stream().mapToDouble(r -> r.ioMsPerToken().p90()).toArray()),
                Percentiles.median(
                        runs.stream().mapToDouble(r -> r.ioMsPerToken().p99()).toArray()),
                first.opsPerToken(),
                first.bytesPerToken() / 1024,
                first.cacheHitRate(),
                modelledMsPerToken);
    }
}
