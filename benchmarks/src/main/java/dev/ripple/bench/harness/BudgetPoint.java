package dev.ripple.bench.harness;

/**
 * One point of the latency-against-cache-budget sweep of {@code ripple bench}.
 *
 * @param strategy      strategy name
 * @param cacheFraction DRAM budget as a share of the FFN bytes
 * @param decode        the token-by-token replay at that budget
 */
public record BudgetPoint(String strategy, double cacheFraction, IoReplay decode) {}
