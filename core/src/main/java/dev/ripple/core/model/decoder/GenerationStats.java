package dev.ripple.core.model.decoder;

import java.util.Arrays;
import java.util.List;

/**
 * The figures a user asks of a generation, computed from its per-step costs: prefill and decode
 * speed apart (they differ by an order of magnitude, and flash I/O decides the second), time to
 * first token, and per decoded token the I/O time (mean and percentiles), reads, bytes and cache
 * hits. Decode figures cover the steps after the prompt, the one that chose a stop token included
 * ({@link Generator.Result#steps()}): the first generated token's logits come from the prefill,
 * whose cost is reported as such.
 *
 * <p>A figure that was not measured is NaN, never 0: a generation that ended at its first token (a
 * limit of one token, or a stop token chosen by the prefill's logits) has no decode step, so {@code decodeSteps} is 0 and every decode figure (speed, I/O
 * per token, reads, bytes, cache hit rate) is NaN ({@link #decoded()} says which case it is); the
 * prefill figures are NaN without a prefill. A report prints such a figure as "-" and writes it to
 * JSON as null, not as "NaN".
 *
 * <pre>{@code
 * GenerationStats s = GenerationStats.of(result);
 * System.out.printf("%.1f tokens/s decode, %.2f ms I/O per token%n", s.decodeTokensPerSecond(), s.ioMsMean());
 * }</pre>
 *
 * @param promptTokens           tokens of the prompt
 * @param generatedTokens        tokens generated
 * @param prefillTokensPerSecond prompt tokens over the prefill's wall time
 * @param decodeTokensPerSecond  decode steps over their wall time
 * @param timeToFirstTokenMs     wall time of the prefill, after which the first token is known
 * @param prefillIoMs            I/O time of the prefill
 * @param ioMsMean               I/O time per decode step: mean
 * @param ioMsP50                median
 * @param ioMsP99                99th percentile
 * @param readsPerToken          read operations per decode step
 * @param bytesPerToken          bytes read per decode step
 * @param cacheHitRate           bundles served from the DRAM cache over bundles needed, decode steps
 *                               (0 when they needed none)
 * @param decodeSteps            decode steps measured (0: every decode figure is NaN)
 */
public record GenerationStats(
        int promptTokens,
        int generatedTokens,
        double prefillTokensPerSecond,
        double decodeTokensPerSecond,
        double timeToFirstTokenMs,
        double prefillIoMs,
        double ioMsMean,
        double ioMsP50,
        double ioMsP99,
        double readsPerToken,
        double bytesPerToken,
        double cacheHitRate,
        int decodeSteps) {

    public static GenerationStats of(Generator.Result r) {
        StepCost prefill = r.prefill();
        List<StepCost> decode =
                r.steps().isEmpty() ? List.of() : r.steps().subList(1, r.steps().size());
        int n = decode.size();
        double[] io = new double[n];
        long nanos = 0;
        long reads = 0;
        long bytes = 0;
        long hits = 0;
        long predicted = 0;
        for (int i = 0; i < n; i++) {
            StepCost s = decode.get(i);
            io[i] = s.ioMillis();
            nanos += s.totalNanos();
            reads += s.readOps();
            bytes += s.bytesRead();
            hits += s.cacheHits();
            predicted += s.predicted();
        }
        Arrays.sort(io);
        double mean = n == 0 ? Double.NaN : Arrays.stream(io).sum() / n;
        return new GenerationStats(
                r.promptIds().length,
                r.generatedIds().length,
                prefill == null ? Double.NaN : prefill.tokens() / (prefill.totalNanos() / 1e9),
                n == 0 ? Double.NaN : n / (nanos / 1e9),
                prefill == null ? Double.NaN : prefill.totalMillis(),
                prefill == null ? Double.NaN : prefill.ioMillis(),
                mean,
                percentile(io, 0.50),
                percentile(io, 0.99),
                n == 0 ? Double.NaN : reads / (double) n,
                n == 0 ? Double.NaN : bytes / (double) n,
                n == 0 ? Double.NaN : predicted == 0 ? 0 : hits / (double) predicted,
                n);
    }

    /** Whether any decode step ran, so that the decode figures are numbers (the class comment). */
    public boolean decoded() {
        return decodeSteps > 0;
    }

    /** The nearest-rank percentile of sorted values (NaN when empty). */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
