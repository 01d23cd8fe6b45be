package dev.ripple.bench.harness;

import dev.ripple.core.format.RippleFile;
import dev.ripple.core.model.bert.EncoderModel;
import dev.ripple.core.runtime.MappedFfn;
import dev.ripple.placement.profile.EncodedPassage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The Java encoder computing every FFN neuron with all weights in DRAM (the file mapped and paged
 * in, no predictor, no reads, no fill-in): the same work ONNX Runtime's dense forward does, so the
 * ratio of the two times is the ratio of the two engines' compute. Timed as {@link OrtReference}
 * times ONNX Runtime: the first passages once as a warm-up (pages the file in), then every
 * passage.
 *
 * <pre>{@code
 * DenseForward d = DenseForward.run(file, passages, ort.embeddings());
 * double ratio = d.msPerSentence() / ort.msPerSentence();
 * }</pre>
 *
 * @param cosine        cosine against ONNX Runtime's embeddings, over passages
 * @param msPerSentence mean wall time of the forward per passage, after the warm-up
 */
public record DenseForward(Cosines cosine, double msPerSentence) {
    public static DenseForward run(Path file, List<EncodedPassage> passages, List<float[]> reference)
            throws IOException {
        try (RippleFile f = RippleFile.open(file)) {
            EncoderModel encoder = EncoderModel.load(f, MappedFfn.of(f));
            List<int[]> ids = passages.stream().map(EncodedPassage::intIds).toList();
            for (int[] p : ids.subList(0, Math.min(FidelityRun.WARM_UP_PASSAGES, ids.size()))) {
                encoder.embed(p);
            }
            double[] cos = new double[ids.size()];
            long start = System.nanoTime();
            for (int p = 0; p < ids.size(); p++) {
                cos[p] = Cosines.cosine(encoder.embed(ids.get(p)), reference.get(p));
            }
            double ms = (System.nanoTime() - start) / 1e6 / Math.max(1, ids.size());
            return new DenseForward(Cosines.of(cos), ms);
        }
    }
}
