package dev.ripple.core.model.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.activity.PredictorKind;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.runtime.FlashReadException;
import dev.ripple.core.runtime.RippleModel;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.RandomDecoders;
import dev.ripple.core.testing.RandomDecoders.Shape;
import dev.ripple.io.reader.ReaderKind;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Cancelling a generation by interrupting its thread fails that generation only: with the direct
 * reader (the default), whose {@code FileChannel} an interrupt used to close, after which every
 * later read of the model, from any thread, failed.
 */
class InterruptedGenerationTest {

    @TempDir
    static Path dir;

    /**
     * With no cache every token reads every bundle from the file, so the interrupt meets a read; with
     * a cache that holds every bundle, the tokens after the first read nothing, and the FFN call
     * itself refuses the interrupted thread (before 2026-12-07 such a generation ran to its end).
     */
    @ParameterizedTest(name = "cache {0} of {1} of the FFN")
    @CsvSource({"none, 0", "lru, 1.0"})
    void interruptingOneGeneratingThreadFailsItAloneAndAnotherSessionGeneratesExactly(String policy, double fraction)
            throws Exception {
        Path file = dir.resolve("interrupted-" + policy + ".ripple");
        RippleFileWriter.write(
                file, RandomDecoders.generate(Shape.llama(), 23, DType.F32).contents());
        // nothing predicted away: every token needs every bundle, from the file or the cache
        RuntimeOptions options = RuntimeOptions.defaults()
                .withReader(ReaderKind.DIRECT)
                .withQueueDepth(2)
                .withPredictor(PredictorKind.DENSE)
                .withCache(policy, fraction);
        int[] prompt = new Random(3).ints(6, 0, Shape.llama().vocab()).toArray();
        try (RippleModel m = RippleModel.open(file, options)) {
            DecoderModel model = m.decoder().orElseThrow();
            int[] expected = greedy(model, prompt);

            CountDownLatch generating = new CountDownLatch(1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicBoolean statusKept = new AtomicBoolean();
            Thread victim = Thread.ofPlatform().start(() -> {
                try (Session s = model.newSession(40)) {
                    while (true) { // generates until interrupted
                        s.reset();
                        Generator.generate(
                                model, s, prompt, Generator.Options.greedy(12), null, t -> generating.countDown());
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
                statusKept.set(Thread.interrupted());
            });
            assertTrue(generating.await(60, TimeUnit.SECONDS), "the victim started generating");
            victim.interrupt();
            victim.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(victim.isAlive(), "the interrupted generation stopped");

            Throwable t = failure.get();
            assertTrue(
                    t instanceof FlashReadException f && f.interrupted(),
                    "the interrupted call failed with FlashReadException.interrupted(), wherever it waited: " + t);
            assertTrue(String.valueOf(t.getMessage()).contains("interrupted"), t.getMessage());
            assertTrue(statusKept.get(), "the victim's interrupt status is kept");

            assertArrayEquals(expected, greedy(model, prompt), "another session on this thread, after the interrupt");
            AtomicReference<int[]> fresh = new AtomicReference<>();
            Thread other = Thread.ofPlatform().start(() -> fresh.set(greedy(model, prompt)));
            other.join();
            assertArrayEquals(expected, fresh.get(), "a session on a new thread, after the interrupt");
        }
    }

    private static int[] greedy(DecoderModel model, int[] prompt) {
        try (Session s = model.newSession(40)) {
            return Generator.generate(model, s, prompt, Generator.Options.greedy(12), null, null)
                    .generatedIds();
        }
    }
}
