package dev.ripple.bench.harness;

import java.util.List;

/**
 * Linking against the best of lru, s3fifo and lfu, computed from the numbers and nothing else: the
 * ratio of median measured I/O time per token, whether the repeat ranges overlap (then the
 * measured difference is within this machine's noise), and the same ratio for operations and
 * modelled time.
 *
 * @param rival          the baseline with the lowest median measured time
 * @param timeRatio      rival's median / linking's median (> 1: linking faster)
 * @param repeats        replays per policy (with one, the spread is unknown)
 * @param rangesOverlap  linking's [min, max] over repeats overlaps the rival's
 * @param opsRatio       rival's ops/token / linking's
 * @param modelledRatio  rival's modelled ms/token / linking's
 * @param bestModelled   the baseline with the lowest modelled time
 * @param modelledVsBest that baseline's modelled ms/token / linking's
 */
public record PolicyVerdict(
        String rival,
        double timeRatio,
        int repeats,
        boolean rangesOverlap,
        double opsRatio,
        double modelledRatio,
        String bestModelled,
        double modelledVsBest) {

    public static final List<String> BASELINES = List.of("lru", "s3fifo", "lfu");

    /**
     * @throws IllegalArgumentException if linking or every baseline is missing from {@code rows}
     */
    public static PolicyVerdict of(List<PolicySummary> rows) {
        PolicySummary linking = rows.stream()
                .filter(r -> r.name().equals("linking"))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no verdict without the linking policy"));
        List<PolicySummary> baselines =
                rows.stream().filter(r -> BASELINES.contains(r.name())).toList();
        if (baselines.isEmpty()) {
            throw new IllegalArgumentException("no verdict without at least one of " + BASELINES);
        }
        PolicySummary rival = baselines.stream()
                .min((a, b) -> Double.compare(a.ioMsPerTokenMedian(), b.ioMsPerTokenMedian()))
                .orElseThrow();
        PolicySummary modelled = baselines.stream()
                .min((a, b) -> Double.compare(a.modelledMsPerToken(), b.modelledMsPerToken()))
                .orElseThrow();
        boolean overlap = linking.ioMsPerTokenMin() <= rival.ioMsPerTokenMax()
                && rival.ioMsPerTokenMin() <= linking.ioMsPerTokenMax();
        return new PolicyVerdict(
                rival.name(),
                rival.ioMsPerTokenMedian() / linking.ioMsPerTokenMedian(),
                Math.min(linking.ioMsPerTokenRuns().length, rival.ioMsPerTokenRuns().length),
                overlap,
                rival.opsPerToken() / linking.opsPerToken(),
                rival.modelledMsPerToken() / linking.modelledMsPerToken(),
                modelled.name(),
                modelled.modelledMsPerToken() / linking.modelledMsPerToken());
    }

    /** One line, e.g. "linking vs best of lru/s3fifo/lfu (lfu): 1.23x lower median I/O ms/token, ...". */
    public String describe() {
        return String.format(
                "linking vs best of lru/s3fifo/lfu (%s): %s median I/O ms/token (%s), %s ops/token; "
                        + "modelled ms/token: %s than %s, %s than the best modelled baseline (%s)",
                rival,
                ratio(timeRatio, "lower", "higher"),
                repeats < 2
                        ? "one repeat: spread unknown"
                        : rangesOverlap ? "repeat ranges overlap: within noise" : "repeat ranges do not overlap",
                ratio(opsRatio, "fewer", "more"),
                ratio(modelledRatio, "lower", "higher"),
                rival,
                ratio(modelledVsBest, "lower", "higher"),
                bestModelled);
    }

    /** "1.23x lower" for a ratio >= 1 (baseline / linking), "1.23x higher" for its inverse. */
    private static String ratio(double r, String better, String worse) {
        return r >= 1 ? String.format("%.2fx %s", r, better) : String.format("%.2fx %s", 1 / r, worse);
    }
}
