package dev.ripple.bench.harness;

import dev.ripple.core.activity.TracePredictor;
import dev.ripple.core.model.TokenStats;
import dev.ripple.core.runtime.RippleModel;
import dev.ripple.core.runtime.RuntimeOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.IntConsumer;

/**
 * Replays recorded held-out active sets a passage at a time (prefill-like): per layer the union of
 * the passage's active neurons is read once ({@code FlashFfn.forwardAll}), as an encoder reads a
 * sentence or an LLM its prompt. Like {@link IoReplay}, the true sets keep predictor error out.
 *
 * @param name              strategy name
 * @param ioMsPerSentence   reader time per passage, summed over layers
 * @param ioMsPerToken      the same divided by the passage's tokens, over all passages
 * @param opsPerSentence    read operations per passage (all layers)
 * @param bytesPerSentence  bytes read per passage (all layers)
 * @param tokensPerSentence mean passage length in tokens
 * @param unionFraction     neurons read per passage and layer (the union), as a share of the layer
 * @param cacheHitRate      union bundles served from DRAM over union bundles needed
 */
public record PrefillReplay(
        String name,
        Percentiles ioMsPerSentence,
        double ioMsPerToken,
        double opsPerSentence,
        double bytesPerSentence,
        double tokensPerSentence,
        double unionFraction,
        double cacheHitRate) {

    /**
     * @param starts first token of each passage in the trace, increasing
     * @param tokens tokens in the trace (the end of the last passage)
     */
    public static PrefillReplay run(
            String name,
            Path file,
            RuntimeOptions options,
            TracePredictor sets,
            int[] starts,
            int tokens,
            IntConsumer progress)
            throws IOException {
        int passages = starts.length;
        double[] perSentence = new double[passages];
        long ops = 0;
        long bytes = 0;
        long hits = 0;
        long union = 0;
        long ioNanos = 0;
        long neurons = 0;
        try (RippleModel m = RippleModel.open(file, options, sets, null)) {
            int layers = m.layerCount();
            int dModel = 0;
            for (int l = 0; l < layers; l++) {
                neurons += m.ffn(l).section().spec().dFfn();
                dModel = Math.max(dModel, m.ffn(l).section().spec().dModel());
            }
            for (int p = 0; p < passages; p++) {
                int first = starts[p];
                int end = p + 1 < passages ? starts[p + 1] : tokens;
                long nanos = 0;
                float[][] xs = new float[end - first][dModel];
                float[][] outs = new float[end - first][dModel];
                sets.seek(first);
                for (int l = 0; l < layers; l++) {
                    TokenStats s = m.ffn(l).forwardAll(xs, end - first, outs);
                    nanos += s.ioNanos();
                    ops += s.readOps();
                    bytes += s.bytesRead();
                    hits += s.cacheHits();
                    union += s.predicted();
                }
                perSentence[p] = nanos / 1e6;
                ioNanos += nanos;
                progress.accept(p + 1);
            }
        }
        return new PrefillReplay(
                name,
                Percentiles.of(perSentence),
                ioNanos / 1e6 / tokens,
                ops / (double) passages,
                bytes / (double) passages,
                tokens / (double) passages,
                union / (double) passages / neurons,
                union == 0 ? 0 : hits / (double) union);
    }
}
