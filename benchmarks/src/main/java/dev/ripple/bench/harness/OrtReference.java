package dev.ripple.bench.harness;

import dev.ripple.core.model.bert.EncoderModel;
import dev.ripple.placement.profile.EncodedPassage;
import dev.ripple.placement.profile.OnnxEncoder;
import dev.ripple.placement.profile.PassageTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * ONNX Runtime running the original model densely on the held-out passages: the embeddings every
 * flash run is compared with, and the compute peer its speed is compared with.
 *
 * @param embeddings    one pooled embedding per passage
 * @param msPerSentence mean wall time of ONNX Runtime's forward per passage (after a warm-up)
 * @param threads       intra-op threads ONNX Runtime used
 */
public record OrtReference(List<float[]> embeddings, double msPerSentence, int threads) {
    /**
     * @param pooler pools ONNX Runtime's last hidden state exactly as the Java encoder pools its own
     */
    public static OrtReference embed(Path onnx, List<EncodedPassage> passages, EncoderModel pooler) throws IOException {
        List<float[]> out = new ArrayList<>();
        try (OnnxEncoder ort = OnnxEncoder.open(onnx, 0)) {
            for (EncodedPassage p : passages.subList(0, Math.min(FidelityRun.WARM_UP_PASSAGES, passages.size()))) {
                ort.hiddenStates(p);
            }
            long start = System.nanoTime();
            for (EncodedPassage p : passages) {
                out.add(pooler.pool(ort.hiddenStates(p)));
            }
            double ms = (System.nanoTime() - start) / 1e6 / Math.max(1, passages.size());
            return new OrtReference(out, ms, Runtime.getRuntime().availableProcessors());
        }
    }

    /** Tokenizes passages as the profiler does (at most 128 tokens), dropping empty ones. */
    public static List<EncodedPassage> encode(Path tokenizer, List<String> texts) throws IOException {
        return encode(tokenizer, texts, Integer.MAX_VALUE, Long.MAX_VALUE);
    }

    /**
     * The first non-empty passages of {@code texts}, at most {@code maxPassages} of them, stopping
     * once {@code maxTokens} tokens are reached (the passage that crosses the line is kept).
     */
    public static List<EncodedPassage> encode(Path tokenizer, List<String> texts, int maxPassages, long maxTokens)
            throws IOException {
        List<EncodedPassage> passages = new ArrayList<>();
        long tokens = 0;
        try (PassageTokenizer t = PassageTokenizer.open(tokenizer, 128)) {
            for (String s : texts) {
                if (passages.size() >= maxPassages || tokens >= maxTokens) {
                    break;
                }
                EncodedPassage p = t.encode(s);
                if (p.length() > 0) {
                    passages.add(p);
                    tokens += p.length();
                }
            }
        }
        return passages;
    }
}
