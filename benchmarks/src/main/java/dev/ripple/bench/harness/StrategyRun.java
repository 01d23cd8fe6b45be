package dev.ripple.bench.harness;

/**
 * One strategy of {@code ripple bench}, measured three ways on the same held-out text.
 *
 * @param name      strategy name ({@code naive}, {@code llm-in-a-flash}, ...)
 * @param placement placement algorithm of its file
 * @param cache     cache policy
 * @param collapse  whether near-adjacent reads are merged by the device's cost model
 * @param decode    token by token with the true active sets: I/O only
 * @param prefill   a passage at a time with the true active sets: I/O only
 * @param forward   the Java encoder with the run's predictor: fidelity, compute and speed
 */
public record StrategyRun(
        String name,
        String placement,
        String cache,
        boolean collapse,
        IoReplay decode,
        PrefillReplay prefill,
        FidelityRun forward) {}
