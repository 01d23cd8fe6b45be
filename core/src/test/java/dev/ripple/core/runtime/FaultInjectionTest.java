package dev.ripple.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.activity.PredictorKind;
import dev.ripple.core.model.TokenStats;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.RandomModelFile;
import dev.ripple.core.testing.RandomModels;
import dev.ripple.io.Extent;
import dev.ripple.io.ReadStats;
import dev.ripple.io.reader.ExtentReader;
import dev.ripple.io.reader.ReaderKind;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A reader that fails on a chosen request (I/O error, short read that leaves the target half
 * written, interruption): the token gets a typed error, nothing of it is cached, and the next
 * token is computed correctly.
 */
class FaultInjectionTest {
    @RegisterExtension
    static final RandomModelFile MODEL = new RandomModelFile(99, 1, 16, 120, Activation.SILU, true, DType.F32);

    enum Fault {
        IO_ERROR(() -> new IOException("injected: device error")),
        SHORT_READ(() -> new IOException("injected: short read, premature end of file")),
        INTERRUPTED(() -> new InterruptedIOException("injected: interrupted"));

        final Supplier<IOException> error;

        Fault(Supplier<IOException> error) {
            this.error = error;
        }
    }

    /** Delegates to a real reader; request number {@code failAt} scribbles over half its targets, then throws. */
    static final class FaultyReader implements ExtentReader {
        final ExtentReader real;
        final AtomicInteger requests = new AtomicInteger();
        final int failAt;
        final Fault fault;

        FaultyReader(ExtentReader real, int failAt, Fault fault) {
            this.real = real;
            this.failAt = failAt;
            this.fault = fault;
        }

        @Override
        public ReadStats read(List<Extent> extents, List<MemorySegment> targets) throws IOException {
            if (requests.getAndIncrement() == failAt) {
                for (MemorySegment t : targets) {
                    t.asSlice(0, t.byteSize() / 2).fill((byte) 0x7f); // a partial, wrong read
                }
                throw fault.error.get();
            }
            return real.read(extents, targets);
        }

        @Override
        public Path path() {
            return real.path();
        }

        @Override
        public long fileSize() {
            return real.fileSize();
        }

        @Override
        public int queueDepth() {
            return real.queueDepth();
        }

        @Override
        public String describe() {
            return "faulty " + real.describe();
        }

        @Override
        public void close() throws IOException {
            real.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void failedTokenIsTypedCachesNothingAndTheNextTokenIsExact(Fault fault) throws Exception {
        RuntimeOptions options = RuntimeOptions.defaults()
                .withReader(ReaderKind.POSITIONAL)
                .withQueueDepth(4)
                .withCache("lru", 1.0)
                .withPredictor(PredictorKind.DENSE);
        Random rnd = new Random(5);
        float[] x = RandomModels.randomFloats(rnd, 16, 1f);
        float[] expected = new float[16];
        RandomModels.weights(MODEL.contents(), 0).denseForward(x, expected);
        try (RippleModel m = RippleModel.open(
                MODEL.path(),
                options,
                null,
                null,
                (p, qd) -> new FaultyReader(ReaderKind.POSITIONAL.open(p, qd), 0, fault))) {
            FlashReadException e =
                    assertThrows(FlashReadException.class, () -> m.ffn(0).forward(x, new float[16]));
            assertEquals(0, e.layer());
            assertTrue(e.getMessage().contains("injected"), e.getMessage());
            assertEquals(0, m.cache().orElseThrow().residentBytes(), "nothing of the failed token was cached");
            assertEquals(1, m.stats().failures());

            float[] out = new float[16];
            m.ffn(0).forward(x, out);
            assertTrue(RandomModels.relativeError(out, expected) < 1e-5, "the next token reads and computes correctly");
            float[] again = new float[16];
            TokenStats warm = m.ffn(0).forward(x, again);
            assertEquals(120, warm.cacheHits(), "later tokens hit what the successful read admitted");
            assertEquals(0, warm.readOps(), "a fully cached layer is not read");
            assertTrue(RandomModels.relativeError(again, expected) < 1e-5, "cached bundles are the real ones");
        }
    }
}
