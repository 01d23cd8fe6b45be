package dev.ripple.bench.harness;

import java.util.List;

/**
 * One strategy of ARCHITECTURE.md: which placement file, which cache policy, whether reads are
 * collapsed. The model bench and the workload bench run the same five, so the list lives here.
 */
public record BenchStrategy(String name, String placement, String cache, boolean collapse) {

    /** The strategies as {@code ripple bench} runs them, ripple+ last. */
    public static final List<BenchStrategy> ALL = List.of(
            new BenchStrategy("naive", "identity", "none", false),
            new BenchStrategy("llm-in-a-flash", "identity", "window", false),
            new BenchStrategy("powerinfer", "frequency", "lfu", false),
            new BenchStrategy("ripple", "ripple", "linking", true),
            new BenchStrategy("ripple+", "ripple+", "linking", true));

    public static final BenchStrategy RIPPLE_PLUS = ALL.getLast();
}
