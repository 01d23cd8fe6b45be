package dev.ripple.bench.harness;

import dev.ripple.core.activity.TracePredictor;
import dev.ripple.core.model.TokenStats;
import dev.ripple.core.runtime.RippleModel;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.io.device.DeviceProfile;
import dev.ripple.io.device.EmulatedReader;
import dev.ripple.placement.trace.ActivationTrace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.roaringbitmap.ImmutableBitmapDataProvider;

/**
 * Replays recorded held-out active sets through the flash runtime, token by token (decode-like):
 * every layer's FFN of a token reads exactly the neurons that were active, through the configured
 * placement, cache and reader, and the reader's time is measured. The trace predictor keeps
 * prediction error out, so strategies differ only in placement, collapse and caching.
 *
 * @param name                strategy name
 * @param ioMsPerToken        reader time per token, summed over layers
 * @param opsPerToken         read operations per token (all layers)
 * @param bytesPerToken       bytes read per token (all layers), gaps and alignment included
 * @param neededPerToken      bytes of the needed bundles per token that missed the cache
 * @param cacheHitRate        bundles served from DRAM over bundles needed
 * @param effectiveMiBps      useful bytes (needed, cache misses) per second of I/O time
 * @param dramBytes           cache budget in bytes
 * @param peakCacheBytes      most bytes the cache held at once
 * @param neuronsReadFraction neurons needed per token and layer, as a share of the layer's neurons
 * @param projectedMsPerToken per device profile name: the same operation stream priced by that
 *                            profile's cost model (ms per token)
 * @param ffnMsPerToken       wall time per token of all layers' FFN: planning, cache, reads and the
 *                            sparse FFN computed on the bundles read (everything but attention)
 * @param realReads           under an emulated device, where its real reads came from ({@link
 *                            EmulatedReader#realReads()}: "from DRAM (...)" or "from the disk (...)");
 *                            null without one
 */
public record IoReplay(
        String name,
        Percentiles ioMsPerToken,
        double opsPerToken,
        double bytesPerToken,
        double neededPerToken,
        double cacheHitRate,
        double effectiveMiBps,
        long dramBytes,
        long peakCacheBytes,
        double neuronsReadFraction,
        Map<String, Double> projectedMsPerToken,
        Percentiles ffnMsPerToken,
        String realReads) {

    /** Converts a trace into the runtime's trace predictor (ids per layer and token). */
    public static TracePredictor predictor(ActivationTrace t) {
        List<List<int[]>> sets = new ArrayList<>();
        for (int l = 0; l < t.layers(); l++) {
            List<int[]> layer = new ArrayList<>();
            for (ImmutableBitmapDataProvider b : t.layer(l)) {
                layer.add(b.toArray());
            }
            sets.add(layer);
        }
        return new TracePredictor(sets);
    }

    /**
     * One setup alone; {@code listener} (nullable) sees every token-layer's costs.
     *
     * @param projections device profiles to price the measured operation stream with, each
     *                    token-layer's request as {@link ModelledIo} prices it
     */
    public static IoReplay run(
            String name,
            Path file,
            RuntimeOptions options,
            TracePredictor sets,
            int tokens,
            List<DeviceProfile> projections,
            IntConsumer progress,
            Consumer<TokenStats> listener)
            throws IOException {
        return interleaved(List.of(new Setup(name, file, options)), sets, tokens, projections, progress, listener)
                .getFirst();
    }

    /** One replay among several run together: a name, a file and how to read it. */
    public record Setup(String name, Path file, RuntimeOptions options) {}

    /**
     * Replays several setups on the same tokens, interleaved: token t goes through every setup
     * (in an order rotated per token) before token t + 1. Each setup keeps its own model and cache,
     * so results do not depend on each other, but all of them meet the same device conditions;
     * run one after the other, they were minutes apart, and this VM's storage speed drifts by 2x
     * or more over minutes (docs/PERFORMANCE.md).
     */
    public static List<IoReplay> interleaved(
            List<Setup> setups,
            TracePredictor sets,
            int tokens,
            List<DeviceProfile> projections,
            IntConsumer progress,
            Consumer<TokenStats> listener)
            throws IOException {
        List<RippleModel> models = new ArrayList<>();
        try {
            List<Tally> tallies = new ArrayList<>();
            for (Setup s : setups) {
                RippleModel m = RippleModel.open(s.file(), s.options(), sets, listener);
                models.add(m);
                tallies.add(new Tally(m, tokens, projections, s.options().queueDepth()));
            }
            int k = setups.size();
            for (int t = 0; t < tokens; t++) {
                for (int i = 0; i < k; i++) {
                    sets.seek(t); // every setup replays token t from the one shared trace
                    tallies.get((i + t) % k).token(t);
                }
                progress.accept(t + 1);
            }
            List<IoReplay> out = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                out.add(tallies.get(i).result(setups.get(i).name(), projections));
            }
            return out;
        } finally {
            OpenModels.closeAll(models);
        }
    }

    /** What one setup has cost so far. */
    private static final class Tally {
        private final RippleModel model;
        private final double[] perToken;
        private final double[] wallPerToken;
        private final List<ModelledIo> projected;
        private final float[][] x;
        private final float[][] out;
        private long neurons;
        private long ops;
        private long bytes;
        private long needed;
        private long hits;
        private long predicted;
        private long ioNanos;

        Tally(RippleModel model, int tokens, List<DeviceProfile> projections, int queueDepth) {
            this.model = model;
            this.perToken = new double[tokens];
            this.wallPerToken = new double[tokens];
            this.projected =
                    projections.stream().map(p -> new ModelledIo(p, queueDepth)).toList();
            int layers = model.layerCount();
            x = new float[layers][];
            out = new float[layers][];
            for (int l = 0; l < layers; l++) {
                x[l] = new float[model.ffn(l).section().spec().dModel()];
                out[l] = new float[x[l].length];
                neurons += model.ffn(l).section().spec().dFfn();
            }
        }

        void token(int t) {
            long tokenNanos = 0;
            long wallStart = System.nanoTime();
            for (int l = 0; l < x.length; l++) {
                TokenStats s = model.ffn(l).forward(x[l], out[l]);
                tokenNanos += s.ioNanos();
                ops += s.readOps();
                bytes += s.bytesRead();
                needed += s.bytesNeeded();
                hits += s.cacheHits();
                predicted += s.predicted();
                projected.forEach(m -> m.accept(s));
            }
            wallPerToken[t] = (System.nanoTime() - wallStart) / 1e6;
            perToken[t] = tokenNanos / 1e6;
            ioNanos += tokenNanos;
        }

        IoReplay result(String name, List<DeviceProfile> projections) {
            int tokens = perToken.length;
            long budget = model.cache().map(c -> c.budgetBytes()).orElse(0L);
            long peak = model.cache().map(c -> c.stats().peakResidentBytes()).orElse(0L);
            Map<String, Double> projectedMs = new LinkedHashMap<>();
            for (int p = 0; p < projected.size(); p++) {
                projectedMs.put(projections.get(p).name(), projected.get(p).msPerToken(tokens));
            }
            return new IoReplay(
                    name,
                    Percentiles.of(perToken),
                    ops / (double) tokens,
                    bytes / (double) tokens,
                    needed / (double) tokens,
                    predicted == 0 ? 0 : hits / (double) predicted,
                    ioNanos == 0 ? 0 : needed / (ioNanos / 1e9) / (1 << 20),
                    budget,
                    peak,
                    predicted / (double) tokens / neurons,
                    projectedMs,
                    Percentiles.of(wallPerToken),
                    model.reader() instanceof EmulatedReader e ? e.realReads() : null);
        }
    }
}
