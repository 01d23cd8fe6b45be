package dev.ripple.core.model.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.model.FeedForward;
import dev.ripple.core.model.ModelCall;
import dev.ripple.core.model.TokenStats;
import dev.ripple.core.runtime.MappedFfn;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.RandomDecoders;
import dev.ripple.core.testing.RandomDecoders.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link DecoderModel#withLayerInputs}: the rows a listener sees are the vectors decode's read-ahead
 * hands to {@link FeedForward#prefetch}, bit for bit, on pre-norm and post-norm models; prefill
 * (what the profiler runs) gives the same rows as decoding token by token; and a listener changes
 * no result.
 */
class LayerInputListenerTest {
    private static final int TOKENS = 9;

    @TempDir
    static Path dir;

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of("opt pre-norm", Shape.opt()),
                Arguments.of("opt post-norm", Shape.optPostNorm()),
                Arguments.of("llama", Shape.llama()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void theListenerSeesWhatPrefetchIsGivenAndPrefillSeesTheSame(String name, Shape shape) throws Exception {
        Path file = dir.resolve(name.replace(' ', '-') + ".ripple");
        RippleFileWriter.write(
                file, RandomDecoders.generate(shape, 23, DType.F32).contents());
        int[] ids = new Random(5).ints(TOKENS, 0, shape.vocab()).toArray();
        try (RippleFile f = RippleFile.open(file)) {
            int layers = f.layers().size();
            // decode token by token with the read-ahead on: what prefetch is given
            PrefetchRecorder prefetched = new PrefetchRecorder(MappedFfn.of(f), layers);
            DecoderModel reading = DecoderModel.load(f, prefetched).withReadAhead(true);
            float[] readingLogits = decodeEach(reading, ids);
            // the same with the read-ahead off and a listener
            Rows heard = new Rows(layers);
            DecoderModel listened =
                    DecoderModel.load(f, MappedFfn.of(f)).withReadAhead(false).withLayerInputs(heard::add);
            float[] listenedLogits = decodeEach(listened, ids);
            for (int l = 0; l < layers; l++) {
                assertEquals(TOKENS, heard.rows.get(l).size(), "layer " + l + ": one row per token");
                for (int t = 0; t < TOKENS; t++) {
                    assertArrayEquals(
                            prefetched.rows.rows.get(l).get(t),
                            heard.rows.get(l).get(t),
                            name + " layer " + l + " token " + t + ": the listener's row is prefetch's");
                }
            }
            assertArrayEquals(readingLogits, listenedLogits, "neither hook changes the logits");
            // prefill, as the profiler runs it: the same rows, up to the batched projections' rounding
            Rows prefilled = new Rows(layers);
            DecoderModel whole = DecoderModel.load(f, MappedFfn.of(f)).withLayerInputs(prefilled::add);
            float[] prefillLogits;
            try (Session s = whole.newSession(32)) {
                prefillLogits = whole.prefill(s, ids).logits();
            }
            DecoderModel plain = DecoderModel.load(f, MappedFfn.of(f));
            try (Session s = plain.newSession(32)) {
                assertArrayEquals(plain.prefill(s, ids).logits(), prefillLogits, "a listener changes no result");
            }
            for (int l = 0; l < layers; l++) {
                assertEquals(TOKENS, prefilled.rows.get(l).size());
                for (int t = 0; t < TOKENS; t++) {
                    float[] a = heard.rows.get(l).get(t);
                    float[] b = prefilled.rows.get(l).get(t);
                    for (int k = 0; k < a.length; k++) {
                        assertEquals(a[k], b[k], 1e-4 * (1 + Math.abs(a[k])), name + " layer " + l + " token " + t);
                    }
                }
            }
        }
    }

    /** Decodes {@code ids} one token at a time from an empty session; the last step's logits. */
    private static float[] decodeEach(DecoderModel model, int[] ids) {
        try (Session s = model.newSession(32)) {
            float[] logits = null;
            for (int id : ids) {
                logits = model.decode(s, id).logits();
            }
            return logits;
        }
    }

    /** Per layer, copies of the rows seen, in order. */
    private static final class Rows {
        final List<List<float[]>> rows = new ArrayList<>();

        Rows(int layers) {
            for (int l = 0; l < layers; l++) {
                rows.add(new ArrayList<>());
            }
        }

        void add(int layer, float[] row) {
            rows.get(layer).add(row.clone());
        }
    }

    /** A dense FFN that keeps a copy of every prefetch hint. */
    private static final class PrefetchRecorder implements FeedForward {
        final FeedForward ffn;
        final Rows rows;

        PrefetchRecorder(FeedForward ffn, int layers) {
            this.ffn = ffn;
            this.rows = new Rows(layers);
        }

        @Override
        public TokenStats forward(int layer, float[] x, float[] out) {
            return ffn.forward(layer, x, out);
        }

        @Override
        public TokenStats forwardAll(int layer, float[][] xs, int n, float[][] outs) {
            return ffn.forwardAll(layer, xs, n, outs);
        }

        @Override
        public void prefetch(int layer, float[] layerInput) {
            rows.add(layer, layerInput);
        }

        @Override
        public ModelCall begin() {
            return ffn.begin();
        }
    }
}
