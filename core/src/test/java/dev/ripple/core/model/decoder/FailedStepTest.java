package dev.ripple.core.model.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.model.FeedForward;
import dev.ripple.core.model.TokenStats;
import dev.ripple.core.runtime.MappedFfn;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.RandomDecoders;
import dev.ripple.core.testing.RandomDecoders.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step that throws leaves its session where it was, so that an app can retry the call (after a
 * transient read error, or an interrupt it has cleared) and get what an undisturbed session gets.
 * Before (2026-12-07, found by a new user's walkthrough), a prompt longer than one prefill chunk
 * that failed in a later chunk left the session advanced by the chunks that had run, and the retry
 * silently ran the prompt a second time after them.
 */
class FailedStepTest {
    private static final int CHUNK = 4;

    @TempDir
    Path dir;

    @Test
    void aPrefillThatFailsInALaterChunkLeavesTheSessionWhereItWasAndARetryIsExact() throws Exception {
        try (RippleFile f = open()) {
            FailingFfn ffn = new FailingFfn(MappedFfn.of(f));
            DecoderModel model = DecoderModel.load(f, ffn).withPrefillChunk(CHUNK);
            int[] prompt = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
            float[] expected;
            try (Session alone = model.newSession(32)) {
                expected = model.prefill(alone, prompt).logits();
            }
            try (Session s = model.newSession(32)) {
                ffn.failCall(model.config().numLayers() + 1); // the first layer of the second chunk
                assertThrows(UncheckedIOException.class, () -> model.prefill(s, prompt));
                assertEquals(0, s.position(), "the failed prefill's first chunk was undone");
                assertArrayEquals(expected, model.prefill(s, prompt).logits(), "the retry equals a prefill alone");
                assertEquals(prompt.length, s.position());
            }
        }
    }

    @Test
    void aDecodeThatFailsLeavesTheSessionWhereItWasAndARetryIsExact() throws Exception {
        try (RippleFile f = open()) {
            FailingFfn ffn = new FailingFfn(MappedFfn.of(f));
            DecoderModel model = DecoderModel.load(f, ffn);
            float[] expected;
            try (Session alone = model.newSession(32)) {
                model.prefill(alone, new int[] {1, 2});
                expected = model.decode(alone, 3).logits();
            }
            try (Session s = model.newSession(32)) {
                model.prefill(s, new int[] {1, 2});
                ffn.failCall(model.config().numLayers()); // the step's last layer
                assertThrows(UncheckedIOException.class, () -> model.decode(s, 3));
                assertEquals(2, s.position());
                assertArrayEquals(expected, model.decode(s, 3).logits(), "the retry equals a decode alone");
            }
        }
    }

    @Test
    void aTokenStreamWhoseStepFailedGoesOnExactlyWhenAskedAgain() throws Exception {
        try (RippleFile f = open()) {
            FailingFfn ffn = new FailingFfn(MappedFfn.of(f));
            DecoderModel model = DecoderModel.load(f, ffn).withPrefillChunk(CHUNK);
            int[] prompt = {1, 2, 3, 4, 5, 6, 7};
            Generator.Options options = Generator.Options.greedy(6);
            int[] expected;
            try (Session alone = model.newSession(32)) {
                expected = Generator.generate(model, alone, prompt, options, null, null)
                        .generatedIds();
            }
            for (int failing : new int[] {
                model.config().numLayers() + 1, 3 * model.config().numLayers()
            }) {
                try (Session s = model.newSession(32)) {
                    ffn.failCall(failing); // the prompt's second chunk; the first decode step's last layer
                    Generator.TokenStream stream = Generator.stream(model, s, prompt, options, null);
                    List<Integer> ids = new ArrayList<>();
                    int failures = 0;
                    while (true) {
                        try {
                            if (!stream.hasNext()) {
                                break;
                            }
                            ids.add(stream.next().id());
                        } catch (UncheckedIOException e) {
                            failures++;
                        }
                    }
                    assertEquals(1, failures);
                    assertArrayEquals(
                            expected, ids.stream().mapToInt(Integer::intValue).toArray());
                    assertArrayEquals(expected, stream.result().generatedIds());
                }
            }
        }
    }

    private RippleFile open() throws Exception {
        Path file = dir.resolve("llama.ripple");
        RippleFileWriter.write(
                file, RandomDecoders.generate(Shape.llama(), 29, DType.F32).contents());
        return RippleFile.open(file);
    }

    /** The mapped FFN, failing its n-th call from the moment it is asked to, once. */
    private static final class FailingFfn implements FeedForward {
        private final FeedForward ffn;
        private final AtomicInteger countdown = new AtomicInteger();

        FailingFfn(FeedForward ffn) {
            this.ffn = ffn;
        }

        void failCall(int n) {
            countdown.set(n);
        }

        @Override
        public TokenStats forward(int layer, float[] x, float[] out) {
            return forwardAll(layer, new float[][] {x}, 1, new float[][] {out});
        }

        @Override
        public TokenStats forwardAll(int layer, float[][] xs, int n, float[][] outs) {
            if (countdown.get() > 0 && countdown.decrementAndGet() == 0) {
                throw new UncheckedIOException(new IOException("injected read failure, layer " + layer));
            }
            return ffn.forwardAll(layer, xs, n, outs);
        }
    }
}
