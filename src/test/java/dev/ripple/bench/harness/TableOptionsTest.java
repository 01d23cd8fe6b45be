package dev.ripple.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ripple.cache.CachePolicies;
import dev.ripple.core.runtime.MemoryPlan;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.io.device.UfsPresets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The budget each of a bench's tables replays at, as {@code ripple bench} sets it: under {@code
 * --dram} the strategies' table and the policies' table ({@code --compare-policies}) both cache
 * what the DRAM plan leaves for bundles (the policies' table once replayed at {@code
 * --cache-fraction} instead: 2.8 MB against the strategies' 124 MB on MiniLM at 200 MiB); without
 * it, both the cache fraction; the budget sweep keeps its shares either way.
 */
class TableOptionsTest {
    private static final Path RIPPLE_PLUS = Path.of("bench-rippleplus.ripple");
    private static final Map<String, Path> FILES = Map.of(
            "identity", Path.of("bench-identity.ripple"),
            "frequency", Path.of("bench-frequency.ripple"),
            "ripple", Path.of("bench-ripple.ripple"),
            "ripple+", RIPPLE_PLUS);
    private static final StrategyBench.Settings SETTINGS =
            StrategyBench.Settings.defaults(Path.of("work")).withComparePolicies(true);
    /** A 64 MiB budget of which 23 MiB are left for bundles. */
    private static final MemoryPlan PLAN = new MemoryPlan(64L << 20, 40L << 20, 0, 1L << 20, 23L << 20);

    @Test
    void underADramBudgetThePoliciesReplayAtWhatItLeavesForBundlesAsTheStrategiesDo() {
        TableOptions tables = new TableOptions(SETTINGS.withDramBytes(PLAN.budgetBytes()), PLAN, UfsPresets.ufs40());
        List<IoReplay.Setup> policies = tables.policies(RIPPLE_PLUS);
        assertEquals(
                CachePolicies.names(),
                policies.stream().map(IoReplay.Setup::name).toList());
        for (IoReplay.Setup p : policies) {
            assertEquals(RIPPLE_PLUS, p.file());
            assertBudget(PLAN.cacheBytes(), 0, p);
            assertEquals(p.name(), p.options().cache().name(), "each policy under its own name");
        }
        for (IoReplay.Setup st : tables.strategies(FILES)) {
            assertBudget(PLAN.cacheBytes(), 0, st);
        }
        RuntimeOptions sweep = tables.atShare(BenchStrategy.RIPPLE_PLUS, 0.3);
        assertEquals(0.3, sweep.cacheFraction(), "the sweep keeps its shares");
        assertEquals(0, sweep.cacheBytes());
    }

    @Test
    void withoutOneBothReplayAtTheCacheFraction() {
        TableOptions tables = new TableOptions(SETTINGS.withCacheFraction(0.2), null, UfsPresets.ufs40());
        for (IoReplay.Setup p : tables.policies(RIPPLE_PLUS)) {
            assertBudget(0, 0.2, p);
        }
        for (IoReplay.Setup st : tables.strategies(FILES)) {
            assertBudget(0, 0.2, st);
        }
    }

    @Test
    void aDramPlanGoesWithADramBudgetAndOnlyWithOne() {
        assertThrows(IllegalArgumentException.class, () -> new TableOptions(SETTINGS, PLAN, UfsPresets.ufs40()));
        assertThrows(
                IllegalArgumentException.class,
                () -> new TableOptions(SETTINGS.withDramBytes(PLAN.budgetBytes()), null, UfsPresets.ufs40()));
    }

    private static void assertBudget(long bytes, double fraction, IoReplay.Setup setup) {
        assertEquals(bytes, setup.options().cacheBytes(), setup.name() + ": cache bytes");
        assertEquals(fraction, setup.options().cacheFraction(), setup.name() + ": cache fraction");
    }
}
