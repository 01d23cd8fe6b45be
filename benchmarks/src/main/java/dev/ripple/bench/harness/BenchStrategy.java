package dev.ripple.bench.harness;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * One strategy the bench compares (the baselines of the papers and Ripple's own, docs/DESIGN.md,
 * "Measurement"): which placement file, which cache policy, whether reads are collapsed. The model
 * bench and the workload bench run the same five, so the list lives here.
 */
public record BenchStrategy(String name, String placement, String cache, boolean collapse) {

    /** The strategies as {@code ripple bench} runs them, ripple+ last: the canonical order. */
    public static final List<BenchStrategy> ALL = List.of(
            new BenchStrategy("naive", "identity", "none", false),
            new BenchStrategy("llm-in-a-flash", "identity", "window", false),
            new BenchStrategy("powerinfer", "frequency", "lfu", false),
            new BenchStrategy("ripple", "ripple", "linking", true),
            new BenchStrategy("ripple+", "ripple+", "linking", true));

    public static final BenchStrategy RIPPLE_PLUS = ALL.getLast();

    /**
     * The strategy of {@link #ALL} named {@code name}, in any case ("Ripple+" is ripple+).
     *
     * @throws IllegalArgumentException naming the known ones when none is
     */
    public static BenchStrategy named(String name) {
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        return ALL.stream()
                .filter(s -> s.name().equals(wanted))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "unknown strategy '" + name + "' (known: " + String.join(", ", names(ALL)) + ")"));
    }

    /**
     * {@code chosen} in the order of {@link #ALL}, each once: the order a run and its report keep,
     * whatever order they were asked in. A strategy not of {@link #ALL} is left out; the caller
     * refuses {@code chosen} when the result is smaller than it meant.
     */
    public static List<BenchStrategy> canonical(Collection<BenchStrategy> chosen) {
        return ALL.stream().filter(chosen::contains).toList();
    }

    /**
     * What a progress line calls {@code strategies} run together: "all strategies" when they are
     * the five, else their names ("naive, ripple+").
     */
    public static String describe(List<BenchStrategy> strategies) {
        return canonical(strategies).equals(ALL) ? "all strategies" : String.join(", ", names(strategies));
    }

    /** The names of {@code strategies}, in their order. */
    public static List<String> names(List<BenchStrategy> strategies) {
        return strategies.stream().map(BenchStrategy::name).toList();
    }

    /**
     * The placements {@code strategies} read, each once, in the order of {@link #ALL} (identity,
     * frequency, ripple, ripple+): the files a run places and writes, and no others.
     */
    public static List<String> placements(List<BenchStrategy> strategies) {
        return canonical(strategies).stream()
                .map(BenchStrategy::placement)
                .distinct()
                .toList();
    }
}
