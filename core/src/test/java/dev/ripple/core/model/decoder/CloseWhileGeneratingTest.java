package dev.ripple.core.model.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.activity.PredictorKind;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.model.TokenStats;
import dev.ripple.core.runtime.RippleModel;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.RandomDecoders;
import dev.ripple.core.testing.RandomDecoders.Shape;
import dev.ripple.core.testing.StoredPredictors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An app that closes a model on shutdown while request threads still generate: the close waits for
 * the steps in progress and returns normally, and each generating thread then fails with "model FILE
 * closed". Before, the close unmapped the weights and freed the buffers under the steps: a step
 * failed with FFM's bare "Already closed", or the close itself failed while a read wrote into a
 * buffer it freed, leaving the model half closed.
 */
class CloseWhileGeneratingTest {
    private static final int THREADS = 2;

    @TempDir
    static Path dir;

    private static Path file;
    private static final int[] PROMPT =
            new Random(3).ints(6, 0, Shape.llama().vocab()).toArray();

    @BeforeAll
    static void write() throws Exception {
        file = dir.resolve("closing.ripple");
        RippleFileWriter.write(
                file,
                StoredPredictors.withLowRank(
                        RandomDecoders.generate(Shape.llama(), 29, DType.F32).contents(), 12, 4));
    }

    @ParameterizedTest
    @EnumSource(
            value = PredictorKind.class,
            names = {"DENSE", "LOWRANK"})
    void aCloseWaitsForTheStepsInProgressAndLaterStepsAreRefusedByName(PredictorKind predictor) throws Exception {
        RuntimeOptions options = RuntimeOptions.defaults().withPredictor(predictor);
        for (int round = 0; round < 4; round++) {
            RippleModel m = RippleModel.open(file, options);
            DecoderModel model = m.decoder().orElseThrow();
            CountDownLatch generating = new CountDownLatch(THREADS);
            List<AtomicReference<Throwable>> failures = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                AtomicReference<Throwable> failure = new AtomicReference<>();
                failures.add(failure);
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        while (true) { // generates until the model is closed under it
                            try (Session s = model.newSession(40)) {
                                Generator.generate(
                                        model,
                                        s,
                                        PROMPT,
                                        Generator.Options.greedy(12),
                                        null,
                                        t -> generating.countDown());
                            }
                        }
                    } catch (Throwable t) {
                        failure.set(t);
                    }
                }));
            }
            assertTrue(generating.await(60, TimeUnit.SECONDS), "every thread generates");
            Thread.sleep(round); // close at different points of a step
            m.close(); // returns normally: nothing it frees is in use
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(60));
                assertFalse(t.isAlive(), "a generating thread stopped once the model closed");
            }
            for (AtomicReference<Throwable> f : failures) {
                Throwable t = f.get();
                assertTrue(
                        t instanceof IllegalStateException && t.getMessage().equals("model " + file + " closed"),
                        "round " + round + ": a step after the close is refused naming the model, not FFM's"
                                + " \"Already closed\": " + t);
            }
        }
    }

    @Test
    void aListenerCannotCloseTheModelItListensToAndTheModelStaysUsable() throws Exception {
        AtomicReference<RippleModel> self = new AtomicReference<>();
        AtomicReference<Throwable> fromListener = new AtomicReference<>();
        Consumer<TokenStats> closer = stats -> {
            if (fromListener.get() == null) {
                try {
                    self.get().close(); // would wait for the call it is in, forever
                } catch (Throwable t) {
                    fromListener.set(t);
                }
            }
        };
        try (RippleModel m = RippleModel.open(file, RuntimeOptions.defaults(), null, closer)) {
            self.set(m);
            DecoderModel model = m.decoder().orElseThrow();
            int[] first = greedy(model);
            Throwable t = fromListener.get();
            assertTrue(t instanceof IllegalStateException, String.valueOf(t));
            assertTrue(t.getMessage().contains("cannot be closed from inside one of its own calls"), t.getMessage());
            assertArrayEquals(first, greedy(model), "the model still generates");
        }
        RippleModel closed = self.get();
        IllegalStateException after = assertThrows(
                IllegalStateException.class, () -> greedy(closed.decoder().orElseThrow()));
        assertEquals("model " + file + " closed", after.getMessage());
    }

    private static int[] greedy(DecoderModel model) {
        try (Session s = model.newSession(40)) {
            return Generator.generate(model, s, PROMPT, Generator.Options.greedy(8), null, null)
                    .generatedIds();
        }
    }
}
