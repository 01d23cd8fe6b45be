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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cancelling a generation by interrupting its thread fails that generation only: with the direct
 * reader (the default), whose {@code FileChannel} an interrupt used to close, after which every
 * later read of the model, from any thread, failed.
 */
class InterruptedGenerationTest {

    @TempDir
    static Path dir;

    @Test
    void interruptingOneGeneratingThreadFailsItAloneAndAnotherSessionGeneratesExactly() throws Exception {
        Path file = dir.resolve("interrupted.ripple");
        RippleFileWriter.write(
                file, RandomDecoders.generate(Shape.llama(), 23, DType.F32).contents());
        // every token reads every bundle from the file: nothing cached, nothing predicted away
        RuntimeOptions options = RuntimeOptions.defaults()
                .withReader(ReaderKind.DIRECT)
                .withQueueDepth(2)
                .withPredictor(PredictorKind.DENSE)
                .withCache("none", 0);
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
