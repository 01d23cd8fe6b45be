package dev.ripple.bench.harness;

import dev.ripple.cache.CachePolicies;
import dev.ripple.core.runtime.MemoryPlan;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.core.tensor.DType;
import dev.ripple.io.device.DeviceProfile;
import dev.ripple.placement.importer.ImportedModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How each table of one {@link StrategyBench} run reads a strategy's file: the run's reader, queue
 * depth and device, the strategy's collapse, and its cache policy on the table's budget. The main
 * tables (the strategies decode-like and prefill-like, their forward passes, ripple+ under every
 * cache policy) share one budget: what the DRAM plan leaves for bundles when the run has a DRAM
 * budget, else the cache fraction of the FFN bytes. The budget sweep keeps its own shares. One place
 * decides it, so that no main table replays at another budget than the header states: the policies'
 * table once replayed at the cache fraction under a DRAM budget.
 */
final class TableOptions {
    private final StrategyBench.Settings s;
    private final MemoryPlan dramPlan;
    private final DeviceProfile profile;

    /**
     * @param dramPlan the split of the settings' DRAM budget; null when they have none
     * @param profile  the device the reads are planned by (and, when the settings emulate one, timed by)
     */
    TableOptions(StrategyBench.Settings s, MemoryPlan dramPlan, DeviceProfile profile) {
        if ((dramPlan != null) != (s.dramBytes() > 0)) {
            throw new IllegalArgumentException(
                    "a DRAM plan is given when the settings have a DRAM budget, and only then");
        }
        this.s = s;
        this.dramPlan = dramPlan;
        this.profile = profile;
    }

    /** {@code st} at the main tables' budget: what the DRAM budget leaves for bundles, else the cache fraction. */
    RuntimeOptions main(BenchStrategy st) {
        RuntimeOptions o = atShare(st, s.cacheFraction());
        return dramPlan == null
                ? o
                : o.withCacheBytes(dramPlan.cacheBytes() > 0 ? st.cache() : "none", dramPlan.cacheBytes());
    }

    /** {@code st} with its cache on {@code share} of the FFN bytes (the budget sweep; 0: no cache unless bytes are set). */
    RuntimeOptions atShare(BenchStrategy st, double share) {
        RuntimeOptions options = RuntimeOptions.defaults()
                .withReader(s.reader())
                .withQueueDepth(s.queueDepth())
                .withFillIn(false)
                .withCache(st.cache(), share)
                .withEmulatedDevice(s.emulatedDevice() != null ? profile : null); // every read takes the device's time
        return st.collapse()
                ? options.withDevice(profile)
                : options.withDevice(null).withMaxGapBytes(0);
    }

    /** {@code st} with its cache on {@code bytes} (the compared bundle types' one budget in bytes). */
    RuntimeOptions inBytes(BenchStrategy st, long bytes) {
        return atShare(st, 0).withCacheBytes(st.cache(), bytes);
    }

    /** The chosen strategies' I/O replays, each on its placement's file of {@code files}, at the main budget. */
    List<IoReplay.Setup> strategies(Map<String, Path> files) {
        return s.strategies().stream()
                .map(st -> new IoReplay.Setup(st.name(), files.get(st.placement()), main(st)))
                .toList();
    }

    /** The ripple+ file under every cache policy, collapse on, at the main budget ({@code --compare-policies}). */
    List<IoReplay.Setup> policies(Path ripplePlus) {
        return CachePolicies.names().stream()
                .map(policy -> new IoReplay.Setup(
                        policy, ripplePlus, main(new BenchStrategy(policy, "ripple+", policy, true))))
                .toList();
    }

    /** The main tables' cache as a share of {@code model}'s FFN bytes (what the DRAM budget left, when given). */
    double mainFraction(ImportedModel model) {
        if (dramPlan == null) {
            return s.cacheFraction();
        }
        DType type = model.layers().getFirst().spec().dtype();
        return Math.min(1, dramPlan.cacheBytes() / (double) ffnBytes(model, type));
    }

    /** The cache of every compared type: the bytes the DRAM budget leaves, else the cache fraction of the f16 FFN bytes. */
    long typesCacheBytes(ImportedModel model) {
        return dramPlan != null ? dramPlan.cacheBytes() : (long) (s.cacheFraction() * ffnBytes(model, DType.F16));
    }

    /** Bytes of all FFN bundles of {@code model} stored as {@code type}. */
    static long ffnBytes(ImportedModel model, DType type) {
        return model.layers().stream()
                .mapToLong(
                        l -> (long) l.spec().dFfn() * l.spec().withDtype(type).bundleBytes())
                .sum();
    }
}
