package dev.ripple.core.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.activity.PredictorKind;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.RandomModels;
import dev.ripple.io.reader.ReaderKind;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.FutureTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model keeps one scratch (megabytes of off-heap buffers) per thread that calls it; these tests
 * hold it to freeing an ended thread's, so that a thread per request does not grow the model's
 * memory with every request. Before, every thread's scratch stayed until the model closed
 * ({@link OpenModelMemoryTest} measured about 2 MB per thread with NMT).
 */
class EndedThreadScratchTest {
    private static final int LAYERS = 2;
    private static final int D_MODEL = 32;

    @TempDir
    Path dir;

    @Test
    void anEndedThreadsScratchIsFreedWhenTheNextThreadComes() throws Exception {
        try (RippleModel m = open()) {
            float[] x = RandomModels.randomFloats(new Random(3), D_MODEL, 1f);
            float[][] first = runOnNewThread(m, x);
            assertEquals(1, m.threadScratches(), "the first thread's scratch, its thread ended");
            for (int i = 0; i < 5; i++) {
                float[][] again = runOnNewThread(m, x);
                assertEquals(1, m.threadScratches(), "thread " + (i + 2) + ": only the last thread's scratch is held");
                for (int l = 0; l < LAYERS; l++) {
                    assertArrayEquals(first[l], again[l], "layer " + l + " on thread " + (i + 2));
                }
            }
        }
    }

    @Test
    void aLiveThreadsScratchIsKept() throws Exception {
        try (RippleModel m = open()) {
            float[] x = RandomModels.randomFloats(new Random(4), D_MODEL, 1f);
            CountDownLatch called = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread live = Thread.ofPlatform().start(() -> {
                forward(m, x);
                called.countDown();
                awaitQuietly(release);
                forward(m, x); // its scratch still there: using it again must work
            });
            called.await();
            runOnNewThread(m, x);
            assertEquals(2, m.threadScratches(), "the live thread's scratch and the ended one's");
            runOnNewThread(m, x);
            assertEquals(2, m.threadScratches(), "the live thread's scratch and the last ended one's");
            release.countDown();
            live.join();
        }
    }

    /**
     * The common pool clears its workers' thread-locals whenever they go idle: a worker that comes
     * back must get the scratch it already has, not a new one kept (its thread alive) until close.
     */
    @Test
    void aPoolWorkerThatLostItsThreadLocalsGetsItsOwnScratchBack() throws Exception {
        try (RippleModel m = open()) {
            float[] x = RandomModels.randomFloats(new Random(5), D_MODEL, 1f);
            float[][] first = forward(m, x);
            for (int i = 0; i < 20; i++) {
                float[][] onPool =
                        ForkJoinPool.commonPool().submit(() -> forward(m, x)).get();
                Thread.sleep(5); // the worker idles, and the pool clears its thread-locals
                for (int l = 0; l < LAYERS; l++) {
                    assertArrayEquals(first[l], onPool[l], "layer " + l + ", call " + i + " on the pool");
                }
            }
            int bound = 1 + ForkJoinPool.getCommonPoolParallelism(); // this thread and each worker
            assertTrue(
                    m.threadScratches() <= bound,
                    m.threadScratches() + " scratches after 20 pool calls, more than " + bound);
        }
    }

    private RippleModel open() throws Exception {
        Path file = dir.resolve("m.ripple");
        RippleFileWriter.write(file, RandomModels.model(5, LAYERS, D_MODEL, 256, Activation.RELU, false, DType.F16));
        // The dense predictor reads ahead, so a scratch's read-ahead buffer is made and freed too.
        return RippleModel.open(
                file,
                RuntimeOptions.defaults()
                        .withReader(ReaderKind.POSITIONAL)
                        .withPredictor(PredictorKind.DENSE)
                        .withCache("lru", 0.25));
    }

    /** Every layer's read-ahead and forward of {@code x} on a thread of its own, which then ends. */
    private static float[][] runOnNewThread(RippleModel m, float[] x) throws Exception {
        FutureTask<float[][]> task = new FutureTask<>(() -> forward(m, x));
        Thread t = Thread.ofPlatform().start(task);
        float[][] out = task.get();
        t.join();
        return out;
    }

    private static float[][] forward(RippleModel m, float[] x) {
        float[][] out = new float[LAYERS][D_MODEL];
        for (int l = 0; l < LAYERS; l++) {
            m.prefetch(l, x);
            m.ffn(l).forward(x, out[l]);
        }
        return out;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
