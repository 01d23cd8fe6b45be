package dev.ripple.bench.harness;

import dev.ripple.core.activity.ActivationPredictor;
import dev.ripple.core.model.bert.EncoderModel;
import dev.ripple.core.runtime.RippleModel;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.core.runtime.RuntimeStats;
import dev.ripple.placement.profile.EncodedPassage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Embeds held-out passages with the flash runtime and compares each embedding with ONNX Runtime's
 * dense one: the fidelity and cost of one runtime configuration. Each passage is one prefill: per
 * layer the union of its tokens' predicted neurons is read once.
 *
 * @param label              what was run (predictor, rule, fill-in)
 * @param cosine             cosine against ONNX Runtime, over passages
 * @param neuronsReadFraction neurons predicted per token and layer, as a share of all neurons
 * @param unionFraction      neurons read per passage and layer (the union of its tokens'), as a share
 * @param opsPerToken        read operations per token (all layers)
 * @param bytesReadPerToken  bytes read per token (all layers)
 * @param ioMsPerToken       reader time per token (all layers)
 * @param msPerSentence      wall time of the whole Java forward per passage
 * @param computeMsPerSentence that wall time less the time in the reader
 * @param tokensPerSecond    held-out tokens embedded per second of wall time
 * @param hitRate            cache hits over bundles needed
 * @param recall             predictor recall against the true sets (NaN when not audited)
 * @param precision          predictor precision (NaN when not audited)
 */
public record FidelityRun(
        String label,
        Cosines cosine,
        double neuronsReadFraction,
        double unionFraction,
        double opsPerToken,
        double bytesReadPerToken,
        double ioMsPerToken,
        double msPerSentence,
        double computeMsPerSentence,
        double tokensPerSecond,
        double hitRate,
        double recall,
        double precision) {

    /**
     * Passages embedded once, untimed, before a timed forward: the JIT compiles the forward's code and
     * the timed passages measure it compiled, as ONNX Runtime's passages are measured after its own
     * warm-up. Five, as for ONNX Runtime ({@link OrtReference}) and the dense forward ({@link DenseForward}).
     */
    public static final int WARM_UP_PASSAGES = 5;

    /**
     * Passages the first warm-up of a run embeds at the least (the passages again from the first when
     * there are fewer): a bench of 3 passages warmed with those 3 still showed the first strategy's
     * compute at 1.8x the next one's.
     */
    public static final int FIRST_WARM_UP_PASSAGES = 24;

    /**
     * Embeds {@code count} passages from {@code file}, untimed, with a model of its own (closed after:
     * its cache does not carry over to the timed run): the first ones, from the first again when
     * {@code count} is more than there are.
     *
     * @param predictor the predictor the timed run overrides the options' with (the oracle's replay),
     *     a fresh one, or null
     */
    public static void warmUp(
            Path file, RuntimeOptions options, ActivationPredictor predictor, List<EncodedPassage> passages, int count)
            throws IOException {
        try (RippleModel m = RippleModel.open(file, options, predictor, null)) {
            EncoderModel encoder = m.encoder()
                    .orElseThrow(() -> new IllegalArgumentException(
                            file + ": not a BERT-family model; fidelity needs an encoder"));
            for (int i = 0; i < count && !passages.isEmpty(); i++) {
                encoder.embed(passages.get(i % passages.size()).intIds());
            }
        }
    }

    /**
     * @param reference ONNX Runtime's pooled embeddings of the same passages
     * @param audit     the model's predictor when it is audited, else null
     */
    public static FidelityRun run(
            String label,
            RippleModel model,
            List<EncodedPassage> passages,
            List<float[]> reference,
            AuditedPredictor audit,
            Runnable afterEach) {
        EncoderModel encoder = model.encoder()
                .orElseThrow(() -> new IllegalArgumentException(
                        model.file().path() + ": not a BERT-family model; fidelity needs an encoder"));
        RuntimeStats stats = model.stats();
        long calls0 = stats.calls();
        long tokenCalls0 = stats.tokenCalls();
        long tokenPredictions0 = stats.tokenPredictions();
        long predicted0 = stats.predicted();
        long ops0 = stats.readOps();
        long bytes0 = stats.bytesRead();
        long io0 = stats.ioNanos();
        long hits0 = stats.cacheHits();
        double[] cos = new double[passages.size()];
        int token = 0;
        long tokens = 0;
        long start = System.nanoTime();
        for (int p = 0; p < passages.size(); p++) {
            int[] ids = passages.get(p).intIds();
            if (audit != null) {
                audit.seek(token);
            }
            float[] e = encoder.embed(ids);
            cos[p] = Cosines.cosine(e, reference.get(p));
            token += ids.length;
            tokens += ids.length;
            if (afterEach != null) {
                afterEach.run();
            }
        }
        double ms = (System.nanoTime() - start) / 1e6;
        long calls = stats.calls() - calls0;
        int layers = model.layerCount();
        long neurons =
                model.file().layers().stream().mapToLong(l -> l.spec().dFfn()).sum() / layers;
        long predicted = stats.predicted() - predicted0;
        long tokenCalls = stats.tokenCalls() - tokenCalls0;
        double ioMs = (stats.ioNanos() - io0) / 1e6;
        int n = passages.size();
        return new FidelityRun(
                label,
                Cosines.of(cos),
                (stats.tokenPredictions() - tokenPredictions0) / (double) (tokenCalls * neurons),
                predicted / (double) (calls * neurons),
                (stats.readOps() - ops0) / (double) tokens,
                (stats.bytesRead() - bytes0) / (double) tokens,
                ioMs / tokens,
                ms / n,
                (ms - ioMs) / n,
                tokens / (ms / 1e3),
                predicted == 0 ? 0 : (stats.cacheHits() - hits0) / (double) predicted,
                audit == null ? Double.NaN : audit.recall(),
                audit == null ? Double.NaN : audit.precision());
    }
}
