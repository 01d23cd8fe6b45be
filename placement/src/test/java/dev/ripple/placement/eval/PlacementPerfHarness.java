package dev.ripple.placement.eval;

import dev.ripple.placement.algorithm.PlacementAlgorithm;
import dev.ripple.placement.algorithm.PlacementAlgorithms;
import dev.ripple.placement.algorithm.RefinedPathPlacement;
import dev.ripple.placement.stats.CoActivationCounter;
import dev.ripple.placement.stats.CountingOptions;
import dev.ripple.placement.stats.LayerStats;
import dev.ripple.placement.trace.ActivationTrace;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.function.Function;

/**
 * Placement time and heap for one large layer: counts co-activations of a synthetic trace and
 * runs {@code ripple} and {@code ripple+} on them, printing wall time per phase, peak heap in use
 * (sum of the heap pools' peaks since the phase started) and held-out reads per token. Prints
 * figures; asserts nothing about time.
 *
 * <p>Run (after {@code ./mvnw -q -pl placement -am test-compile}):
 * <pre>
 * java -Xmx2g -cp placement/target/classes:placement/target/test-classes:$HOME/.m2/repository/org/roaringbitmap/RoaringBitmap/1.3.0/RoaringBitmap-1.3.0.jar \
 *     dev.ripple.placement.eval.PlacementPerfHarness 16384 100000 2
 * </pre>
 * Arguments: neurons, calibration tokens, threads. A held-out set of a tenth of the tokens is
 * generated with the same structure to report reads per token.
 */
public final class PlacementPerfHarness {
    private PlacementPerfHarness() {}

    public static void main(String[] args) {
        int neurons = args.length > 0 ? Integer.parseInt(args[0]) : 16_384;
        int tokens = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        run(neurons, tokens, threads);
    }

    static void run(int neurons, int tokens, int threads) {
        Runtime rt = Runtime.getRuntime();
        System.out.printf(
                "machine: %d cores available, max heap %d MiB, java %s%n",
                rt.availableProcessors(), rt.maxMemory() >> 20, System.getProperty("java.version"));
        long t0 = System.nanoTime();
        int heldTokens = Math.max(1, tokens / 10);
        ActivationTrace all =
                SyntheticTraces.generate(SyntheticTraces.Spec.realistic(neurons, tokens + heldTokens, 2026));
        TraceSplit split = TraceSplit.of(all, tokens / (double) (tokens + heldTokens));
        long active = 0;
        for (int t = 0; t < split.calibration().tokens(0); t++) {
            active += split.calibration().active(0, t).getCardinality();
        }
        System.out.printf(
                "trace: %d neurons, %d calibration + %d held-out tokens, %.1f active per token (%.2f%%),"
                        + " generated in %.1f s%n",
                neurons,
                split.calibration().tokens(0),
                split.heldOut().tokens(0),
                active / (double) tokens,
                100.0 * active / tokens / neurons,
                seconds(t0));

        System.gc();
        long baseline = heapUsed();
        resetPeaks();
        long t1 = System.nanoTime();
        CountingOptions opts = CountingOptions.defaults().withThreads(threads);
        LayerStats stats = new CoActivationCounter(opts).count(split.calibration(), 0);
        double countSeconds = seconds(t1);
        System.out.printf(
                "count (%s, %d threads): %.1f s, peak heap %d MiB (trace and JVM before: %d MiB)%n",
                stats.exact() ? "exact triangle" : "top-K lists",
                threads,
                countSeconds,
                peakHeap() >> 20,
                baseline >> 20);

        PlacementEvaluator ev = new PlacementEvaluator();
        for (String name : List.of("identity", "frequency", "ripple", "ripple+")) {
            PlacementAlgorithm a = PlacementAlgorithms.byName(name);
            resetPeaks();
            long t2 = System.nanoTime();
            RefinedPathPlacement.Search search = a instanceof RefinedPathPlacement r ? r.search(stats) : null;
            int[] order = search != null ? search.order() : a.order(stats);
            double s = seconds(t2);
            LayerEvaluation e = ev.evaluateLayer(0, split.heldOut().layer(0), neurons, order);
            System.out.printf(
                    "%-9s order %.1f s (count + order %.1f s), peak heap %d MiB; held-out reads/token %.2f,"
                            + " gap 2: %.2f (+%.0f%% bytes), gap 8: %.2f (+%.0f%% bytes)%s%n",
                    name,
                    s,
                    countSeconds + s,
                    peakHeap() >> 20,
                    e.readsPerToken(),
                    e.collapsed().get(2).readsPerToken(),
                    100 * e.collapsed().get(2).extraBytesFraction(),
                    e.collapsed().get(4).readsPerToken(),
                    100 * e.collapsed().get(4).extraBytesFraction(),
                    search != null ? " [" + search.summary() + "]" : "");
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static long heapUsed() {
        return heapSum(MemoryPoolMXBean::getUsage);
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            p.resetPeakUsage();
        }
    }

    private static long peakHeap() {
        return heapSum(MemoryPoolMXBean::getPeakUsage);
    }

    /** Bytes used over the heap's memory pools, by {@code usage} (current or peak). */
    private static long heapSum(Function<MemoryPoolMXBean, MemoryUsage> usage) {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                sum += usage.apply(p).getUsed();
            }
        }
        return sum;
    }
}
