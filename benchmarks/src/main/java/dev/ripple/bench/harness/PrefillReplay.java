package dev.ripple.bench.harness;

import dev.ripple.core.activity.TracePredictor;
import dev.ripple.core.model.TokenStats;
import dev.ripple.core.runtime.RippleModel;
import dev.ripple.core.runtime.RuntimeOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
     * One setup alone.
     *
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
        return interleaved(List.of(new IoReplay.Setup(name, file, options)), sets, starts, tokens, progress)
                .getFirst();
    }

    /**
     * The setups replay the passages interleaved, passage by passage, the first to go turning with
     * each passage, as {@link IoReplay#interleaved} does token by token: one setup after another
     * met different device conditions (this VM's disk drifts 2x between runs), and the first to run
     * paid the reader's compilation. Each setup's figures are its own, as if alone.
     *
     * @param starts first token of each passage in the trace, increasing
     * @param tokens tokens in the trace (the end of the last passage)
     * @param progress told the passages done (by every setup)
     */
    public static List<PrefillReplay> interleaved(
            List<IoReplay.Setup> setups, TracePredictor sets, int[] starts, int tokens, IntConsumer progress)
            throws IOException {
        List<RippleModel> models = new ArrayList<>();
        try {
            List<Tally> tallies = new ArrayList<>();
            for (IoReplay.Setup s : setups) {
                RippleModel m = RippleModel.open(s.file(), s.options(), sets, null);
                models.add(m);
                tallies.add(new Tally(m, starts.length));
            }
            int k = setups.size();
            for (int p = 0; p < starts.length; p++) {
                int first = starts[p];
                int end = p + 1 < starts.length ? starts[p + 1] : tokens;
                for (int i = 0; i < k; i++) {
                    sets.seek(first); // every setup replays passage p from the one shared trace
                    tallies.get((i + p) % k).passage(p, end - first);
                }
                progress.accept(p + 1);
            }
            List<PrefillReplay> out = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                out.add(tallies.get(i).result(setups.get(i).name(), tokens));
            }
            return out;
        } finally {
            OpenModels.closeAll(models);
        }
    }

    /** What one setup's passages have cost so far. */
    private static final class Tally {
        private final RippleModel model;
        private final double[] perSentence;
        private final int dModel;
        private long neurons;
        private long ops;
        private long bytes;
        private long hits;
        private long union;
        private long ioNanos;

        Tally(RippleModel model, int passages) {
            this.model = model;
            this.perSentence = new double[passages];
            int width = 0;
            for (int l = 0; l < model.layerCount(); l++) {
                neurons += model.ffn(l).section().spec().dFfn();
                width = Math.max(width, model.ffn(l).section().spec().dModel());
            }
            this.dModel = width;
        }

        /** Passage {@code p} of {@code length} tokens, the trace already at its first token. */
        void passage(int p, int length) throws IOException {
            float[][] xs = new float[length][dModel];
            float[][] outs = new float[length][dModel];
            long nanos = 0;
            for (int l = 0; l < model.layerCount(); l++) {
                TokenStats s = model.ffn(l).forwardAll(xs, length, outs);
                nanos += s.ioNanos();
                ops += s.readOps();
                bytes += s.bytesRead();
                hits += s.cacheHits();
                union += s.predicted();
            }
            perSentence[p] = nanos / 1e6;
            ioNanos += nanos;
        }

        PrefillReplay result(String name, int tokens) {
            int passages = perSentence.length;
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
}
