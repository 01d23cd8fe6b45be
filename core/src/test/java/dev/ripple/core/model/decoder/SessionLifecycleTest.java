package dev.ripple.core.model.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.activity.PredictorKind;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.model.FeedForward;
import dev.ripple.core.model.TokenStats;
import dev.ripple.core.model.bert.EncoderModel;
import dev.ripple.core.runtime.FlashFfn;
import dev.ripple.core.runtime.MappedFfn;
import dev.ripple.core.runtime.RippleModel;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.RandomDecoders;
import dev.ripple.core.testing.RandomDecoders.Shape;
import dev.ripple.core.testing.RandomEncoders;
import dev.ripple.io.reader.ReaderKind;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session's and a model's life as an app sees it: close is idempotent and use after it says what
 * is closed, a second thread's step on a busy session is refused, and a session or model dropped
 * unclosed has its off-heap memory (a KV cache; a mapping, reader and buffers) freed once the
 * collector finds it unreachable.
 */
class SessionLifecycleTest {
    private static final String IN_USE = "session is in use by another thread: a session serves one thread at a time";

    @TempDir
    static Path dir;

    private static Path file;

    @BeforeAll
    static void writeModel() throws Exception {
        file = dir.resolve("llama.ripple");
        RippleFileWriter.write(
                file, RandomDecoders.generate(Shape.llama(), 23, DType.F32).contents());
    }

    @Test
    void sessionsDroppedUnclosedHaveTheirCachesFreedByTheCollector() throws Exception {
        try (RippleFile f = RippleFile.open(file)) {
            DecoderModel model = DecoderModel.load(f, MappedFfn.of(f));
            List<MemorySegment> caches = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                caches.add(dropUnclosed(model));
            }
            assertEquals(0, collectUntilFreed(caches), "caches of unreachable sessions still allocated");
        }
    }

    @Test
    void modelsDroppedUnclosedHaveTheirMappingReaderAndMemoryFreedByTheCollector() throws Exception {
        List<MemorySegment> mappings = new ArrayList<>();
        for (ReaderKind reader : ReaderKind.values()) { // each reader closed on the cleaner's thread
            mappings.add(
                    dropUnclosed(RuntimeOptions.defaults().withReader(reader).withPredictor(PredictorKind.DENSE)));
        }
        // The mapping is the last thing the model's clean-up closes, after the reader and cache.
        assertEquals(0, collectUntilFreed(mappings), "mappings of unreachable models still open");
    }

    @Test
    void aLayerHeldAloneKeepsItsModelOpenUntilItIsDroppedToo() throws Exception {
        RuntimeOptions options =
                RuntimeOptions.defaults().withReader(ReaderKind.POSITIONAL).withPredictor(PredictorKind.DENSE);
        RippleModel m = RippleModel.open(file, options);
        FlashFfn layer = m.ffn(0);
        List<MemorySegment> mapping = List.of(m.file().mapped());
        int width = layer.section().spec().dModel();
        m = null; // the app keeps only the layer
        for (int i = 0; i < 10; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertTrue(mapping.getFirst().scope().isAlive(), "the model of a layer in use was freed");
        layer.forward(new float[width], new float[width]);
        layer = null;
        assertEquals(0, collectUntilFreed(mapping), "the model was not freed once its layer was dropped too");
    }

    /** A model that ran a step and was dropped unclosed, with its session; its file's mapping. */
    private static MemorySegment dropUnclosed(RuntimeOptions options) throws Exception {
        RippleModel m = RippleModel.open(file, options);
        DecoderModel d = m.decoder().orElseThrow();
        d.prefill(d.newSession(8), new int[] {1, 2, 3});
        return m.file().mapped();
    }

    /**
     * Collects until every segment's arena is closed, for at most 30 s: bounded by the collector,
     * not by a guess of its timing. Returns how many are still open.
     */
    private static long collectUntilFreed(List<MemorySegment> segments) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (segments.stream().anyMatch(c -> c.scope().isAlive()) && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        return segments.stream().filter(c -> c.scope().isAlive()).count();
    }

    /** A session that ran a step and was dropped unclosed; its cache's memory, which does not hold it. */
    private static MemorySegment dropUnclosed(DecoderModel model) {
        Session s = model.newSession(8);
        model.prefill(s, new int[] {1, 2, 3});
        return s.cache().keys();
    }

    @Test
    void aSecondThreadsStepOnABusySessionIsRefusedAndChangesNothing() throws Exception {
        int[] prompt = {1, 2};
        try (RippleFile f = RippleFile.open(file);
                ExecutorService other = Executors.newSingleThreadExecutor()) {
            HeldFfn ffn = new HeldFfn(MappedFfn.of(f));
            DecoderModel model = DecoderModel.load(f, ffn);
            float[] expected;
            try (Session alone = model.newSession(16)) {
                model.prefill(alone, prompt);
                model.decode(alone, 3);
                expected = model.decode(alone, 4).logits();
            }
            try (Session s = model.newSession(16)) {
                model.prefill(s, prompt);
                ffn.holdNextCall();
                Future<?> first = other.submit(() -> model.decode(s, 3));
                try {
                    assertTrue(ffn.held.await(30, TimeUnit.SECONDS), "the other thread's step reached the FFN");
                    float[] logits = new float[model.config().vocabSize()];
                    for (Runnable second : List.<Runnable>of(
                            () -> model.decode(s, 9),
                            () -> model.decodeInto(s, 9, logits),
                            () -> model.prefill(s, new int[] {9, 9}),
                            s::reset,
                            s::close)) {
                        IllegalStateException e = assertThrows(IllegalStateException.class, second::run);
                        assertEquals(IN_USE, e.getMessage());
                    }
                } finally {
                    ffn.release.countDown(); // a failed assertion must not leave the other thread held
                }
                first.get(30, TimeUnit.SECONDS);
                assertEquals(3, s.position(), "only the first thread's step ran");
                assertArrayEquals(expected, model.decode(s, 4).logits(), "the refused calls changed nothing");
            }
        }
    }

    @Test
    void closeIsIdempotentAndASessionUsedAfterItSaysSo() throws Exception {
        try (RippleFile f = RippleFile.open(file)) {
            DecoderModel model = DecoderModel.load(f, MappedFfn.of(f));
            Session s = model.newSession(8);
            try (s) {
                model.prefill(s, new int[] {1, 2});
                s.close();
            } // try-with-resources closes it a second time
            s.close();
            assertFalse(s.cache().keys().scope().isAlive(), "close frees the cache at once");
            float[] logits = new float[model.config().vocabSize()];
            for (Runnable after : List.<Runnable>of(
                    () -> model.prefill(s, new int[] {1}),
                    () -> model.decode(s, 1),
                    () -> model.decodeInto(s, 1, logits),
                    s::reset)) {
                IllegalStateException e = assertThrows(IllegalStateException.class, after::run);
                assertEquals("session closed", e.getMessage());
            }
        }
    }

    @Test
    void aStepAfterTheModelClosedNamesTheModelsFile() throws Exception {
        RuntimeOptions options =
                RuntimeOptions.defaults().withReader(ReaderKind.POSITIONAL).withPredictor(PredictorKind.DENSE);
        RippleModel m = RippleModel.open(file, options);
        DecoderModel model = m.decoder().orElseThrow();
        Session s = model.newSession(8);
        model.prefill(s, new int[] {1, 2});
        m.close();
        m.close();
        String closed = "model " + file + " closed";
        assertEquals(
                closed,
                assertThrows(IllegalStateException.class, () -> model.decode(s, 3))
                        .getMessage());
        assertEquals(
                closed,
                assertThrows(IllegalStateException.class, () -> model.newSession(8))
                        .getMessage());
        assertEquals(
                closed, assertThrows(IllegalStateException.class, m::tokenizer).getMessage());
        assertEquals(2, s.position(), "the refused step changed nothing");
        s.close(); // the session's cache is its own: closing it after the model is fine
    }

    @Test
    void anEncoderForwardAfterTheModelClosedNamesTheModelsFile() throws Exception {
        Path bert = dir.resolve("bert.ripple");
        RippleFileWriter.write(
                bert,
                RandomEncoders.generate(new RandomEncoders.Shape(8, 12, 2, 2, 6, 4), 2, DType.F32)
                        .contents());
        RuntimeOptions options =
                RuntimeOptions.defaults().withReader(ReaderKind.POSITIONAL).withPredictor(PredictorKind.DENSE);
        EncoderModel encoder;
        try (RippleModel m = RippleModel.open(bert, options)) {
            encoder = m.encoder().orElseThrow();
            assertEquals(8, encoder.embed(new int[] {1, 5, 2}).length);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> encoder.embed(new int[] {1, 5, 2}));
        assertEquals("model " + bert + " closed", e.getMessage());
    }

    /** The mapped FFN, holding its next call once asked until released: a step caught midway. */
    private static final class HeldFfn implements FeedForward {
        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final FeedForward ffn;
        private volatile boolean hold;

        HeldFfn(FeedForward ffn) {
            this.ffn = ffn;
        }

        void holdNextCall() {
            hold = true;
        }

        @Override
        public TokenStats forward(int layer, float[] x, float[] out) {
            return forwardAll(layer, new float[][] {x}, 1, new float[][] {out});
        }

        @Override
        public TokenStats forwardAll(int layer, float[][] xs, int n, float[][] outs) {
            if (hold) {
                hold = false;
                held.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            return ffn.forwardAll(layer, xs, n, outs);
        }
    }
}
