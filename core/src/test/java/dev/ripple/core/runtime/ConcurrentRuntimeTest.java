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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Many threads running tokens through one shared model and cache get the outputs one thread gets,
 * the cache budget holds at every moment a watcher looks, and the run ends in bounded time.
 */
class ConcurrentRuntimeTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"lru", "s3fifo", "linking", "window"})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void threadsShareOneModelAndGetTheSingleThreadedOutputs(String policy) throws Exception {
        Path file = dir.resolve("m.ripple");
        var contents = RandomModels.model(7, 3, 24, 160, Activation.GELU, false, DType.F32);
        RippleFileWriter.write(file, contents);
        Random rnd = new Random(11);
        int tokens = 40;
        List<float[]> inputs = new ArrayList<>();
        for (int t = 0; t < tokens; t++) {
            inputs.add(RandomModels.randomFloats(rnd, 24, 1f));
        }
        RuntimeOptions options = RuntimeOptions.defaults()
                .withReader(ReaderKind.DIRECT)
                .withQueueDepth(4)
                .withCache(policy, 0.2)
                .withPredictor(PredictorKind.DENSE)
                .withMaxGapBytes(300);
        float[][][] single = new float[tokens][3][24];
        try (RippleModel m = RippleModel.open(file, options)) {
            for (int t = 0; t < tokens; t++) {
                for (int l = 0; l < 3; l++) {
                    m.ffn(l).forward(inputs.get(t), single[t][l]);
                }
            }
        }
        try (RippleModel m = RippleModel.open(file, options)) {
            var cache = m.cache().orElseThrow();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong checks = new AtomicLong();
            Thread watcher = Thread.ofPlatform().start(() -> {
                while (running.get()) {
                    long resident = cache.residentBytes();
                    if (resident > cache.budgetBytes()) {
                        throw new AssertionError("resident " + resident + " > budget " + cache.budgetBytes());
                    }
                    checks.incrementAndGet();
                }
            });
            List<Throwable> watcherFailure = new ArrayList<>();
            watcher.setUncaughtExceptionHandler((t, e) -> watcherFailure.add(e));
            ExecutorService pool = Executors.newFixedThreadPool(6);
            List<Future<?>> futures = new ArrayList<>();
            for (int worker = 0; worker < 6; worker++) {
                int offset = worker;
                futures.add(pool.submit(() -> {
                    for (int round = 0; round < 3; round++) {
                        for (int i = 0; i < tokens; i++) {
                            int t = (i + offset * 7) % tokens;
                            for (int l = 0; l < 3; l++) {
                                float[] out = new float[24];
                                m.ffn(l).forward(inputs.get(t), out);
                                assertArrayEquals(single[t][l], out, 1e-5f, "token " + t + " layer " + l);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(100, TimeUnit.SECONDS);
            }
            pool.shutdown();
            running.set(false);
            watcher.join();
            assertTrue(watcherFailure.isEmpty(), watcherFailure.toString());
            assertTrue(checks.get() > 0);
            assertEquals(6L * 3 * tokens * 3, m.stats().calls());
            assertTrue(cache.stats().peakResidentBytes() <= cache.budgetBytes());
        }
    }
}
