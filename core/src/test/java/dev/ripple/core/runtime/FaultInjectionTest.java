package dev.ripple.core.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.activity.ActivationPredictor;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.eclipse.collections.api.list.primitive.MutableIntList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A reader that fails on a chosen request (I/O error, short read that leaves the target half
 * written, interruption), or a caller interrupted while its read runs: the token gets a typed
 * error, nothing of it is cached, and the next token is computed correctly.
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

    /** A reader that reads through {@code real} and says so; subclasses change what a request does. */
    abstract static class DelegatingReader implements ExtentReader {
        final ExtentReader real;

        DelegatingReader(ExtentReader real) {
            this.real = real;
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
        public void close() throws IOException {
            real.close();
        }
    }

    /** Delegates to a real reader; request number {@code failAt} scribbles over half its targets, then throws. */
    static final class FaultyReader extends DelegatingReader {
        final AtomicInteger requests = new AtomicInteger();
        final int failAt;
        final Fault fault;

        FaultyReader(ExtentReader real, int failAt, Fault fault) {
            super(real);
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
        public String describe() {
            return "faulty " + real.describe();
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

    /**
     * Delegates to a real reader; once {@link #armed}, its next request (on whatever thread) holds
     * until {@link #release} before reading, and records when it has ended.
     */
    static final class GatedReader extends DelegatingReader {
        final AtomicBoolean armed = new AtomicBoolean();
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicBoolean ended = new AtomicBoolean();

        GatedReader(ExtentReader real) {
            super(real);
        }

        @Override
        public ReadStats read(List<Extent> extents, List<MemorySegment> targets) throws IOException {
            if (!armed.compareAndSet(true, false)) {
                return real.read(extents, targets);
            }
            started.countDown();
            try {
                if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new IOException("test: never released");
                }
                return real.read(extents, targets);
            } catch (InterruptedException e) {
                throw new InterruptedIOException("test: read-ahead thread interrupted");
            } finally {
                ended.set(true);
            }
        }

        @Override
        public String describe() {
            return "gated " + real.describe();
        }
    }

    /**
     * A caller interrupted while its token waits for the layer's read-ahead, or before its call
     * begins (which refuses an interrupted thread), gets the typed error only once that read has
     * ended: the read-ahead writes into the thread's prefetch buffer, which the thread's next
     * read-ahead reuses. The next token, read the usual way, is exact. The second case once
     * returned at once, the read-ahead still running, whenever the interrupt came first.
     */
    @ParameterizedTest(name = "interrupted before the call: {0}")
    @ValueSource(booleans = {false, true})
    void interruptedReadAheadEndsBeforeTheCallThrowsAndTheNextTokenIsExact(boolean beforeTheCall) throws Exception {
        RuntimeOptions options = RuntimeOptions.defaults()
                .withReader(ReaderKind.POSITIONAL)
                .withCache("none", 0)
                .withFillIn(false);
        float[] x = new float[16];
        Random rnd = new Random(4);
        for (int i = 0; i < 16; i++) {
            x[i] = rnd.nextFloat() - 0.5f;
        }
        GatedReader[] gated = new GatedReader[1];
        try (RippleModel m = RippleModel.open(MODEL.path(), options, new EvenPredictor(120, true), null, (p, qd) -> {
                    gated[0] = new GatedReader(ReaderKind.POSITIONAL.open(p, qd));
                    return gated[0];
                });
                RippleModel plain = RippleModel.open(MODEL.path(), options, new EvenPredictor(120, true), null)) {
            float[] expected = new float[16];
            plain.ffn(0).forward(x, expected);
            float[] next = new float[16];
            assertInterruptedCallWaitsForItsRead(
                    gated[0],
                    () -> {
                        m.ffn(0).prefetch(x);
                        while (beforeTheCall && !Thread.currentThread().isInterrupted()) {
                            Thread.onSpinWait(); // the interrupt comes once the read-ahead's read has started
                        }
                        m.ffn(0).forward(x, new float[16]);
                    },
                    () -> m.ffn(0).forward(x, next),
                    "reading ahead");
            assertArrayEquals(expected, next, "the same thread's next token equals an undisturbed model's");
        }
    }

    /**
     * A call refused because its thread is interrupted drops a read-ahead of its layer that had
     * already ended: the retry reads its bundles itself, as a call without a read-ahead does. It
     * was kept, and the retry served from it and charged its reads, against "used once, even by a
     * call that failed".
     */
    @Test
    void aRefusedCallDropsAnEndedReadAheadSoTheRetryReadsAsUsual() throws Exception {
        RuntimeOptions options = RuntimeOptions.defaults()
                .withReader(ReaderKind.POSITIONAL)
                .withCache("none", 0)
                .withFillIn(false);
        float[] x = new float[16];
        x[0] = 1f;
        AtomicInteger requests = new AtomicInteger();
        try (RippleModel m = RippleModel.open(
                MODEL.path(),
                options,
                new EvenPredictor(120, true),
                null,
                (p, qd) -> new DelegatingReader(ReaderKind.POSITIONAL.open(p, qd)) {
                    @Override
                    public ReadStats read(List<Extent> extents, List<MemorySegment> targets) throws IOException {
                        requests.incrementAndGet();
                        return real.read(extents, targets);
                    }

                    @Override
                    public String describe() {
                        return "counting " + real.describe();
                    }
                })) {
            m.ffn(0).prefetch(x);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!m.ffn(0).readAheadEnded()) {
                assertTrue(System.nanoTime() < deadline, "the read-ahead ended");
                Thread.onSpinWait();
            }
            Thread.currentThread().interrupt();
            FlashReadException refused =
                    assertThrows(FlashReadException.class, () -> m.ffn(0).forward(x, new float[16]));
            assertTrue(refused.interrupted() && Thread.interrupted(), refused.toString());
            assertTrue(refused.getMessage().contains("call refused"), "refused with its read-ahead ended: " + refused);
            int before = requests.get();
            m.ffn(0).forward(x, new float[16]);
            assertEquals(before + 1, requests.get(), "the retry read its bundles, not the dropped read-ahead's");
        }
    }

    /**
     * Multiples of 4 for an input whose first value is positive, else multiples of 2: hits and misses
     * apart. With {@code predictsAhead}, {@code prefetch} reads what it proposes.
     */
    record EvenPredictor(int neurons, boolean predictsAhead) implements ActivationPredictor {
        @Override
        public String name() {
            return "even";
        }

        @Override
        public void predict(int layer, float[] x, MutableIntList out) {
            for (int i = 0; i < neurons; i += x[0] > 0 ? 4 : 2) {
                out.add(i);
            }
        }
    }

    /**
     * A caller that interrupts a token while its misses are read on a read-ahead thread (the reads
     * overlapped with the hits' compute) gets the typed error only once that read has ended, since
     * it writes into the thread's scratch buffer; the thread's next token is then exact.
     */
    @Test
    void interruptedOverlappedReadEndsBeforeTheCallThrowsAndTheNextTokenIsExact() throws Exception {
        RuntimeOptions options = RuntimeOptions.defaults()
                .withReader(ReaderKind.POSITIONAL)
                .withCache("lru", 1.0)
                .withFillIn(false)
                .withMaxGapBytes(0);
        float[] first = new float[16];
        float[] second = new float[16];
        first[0] = 1; // multiples of 4: admitted, then hits of the second token
        second[0] = -1; // multiples of 2: half hits, half misses in reads of their own
        Random rnd = new Random(3);
        for (int i = 1; i < 16; i++) {
            first[i] = rnd.nextFloat() - 0.5f;
            second[i] = rnd.nextFloat() - 0.5f;
        }
        GatedReader[] gated = new GatedReader[1];
        try (RippleModel m = OverlapOn.open(() ->
                        RippleModel.open(MODEL.path(), options, new EvenPredictor(120, false), null, (p, qd) -> {
                            gated[0] = new GatedReader(ReaderKind.POSITIONAL.open(p, qd));
                            return gated[0];
                        }));
                RippleModel plain = RippleModel.open(MODEL.path(), options, new EvenPredictor(120, false), null)) {
            float[] expected = new float[16];
            plain.ffn(0).forward(first, new float[16]);
            TokenStats reference = plain.ffn(0).forward(second, expected);
            assertTrue(reference.cacheHits() > 0 && reference.readOps() > 0, "hits and reads: overlapped " + reference);
            m.ffn(0).forward(first, new float[16]);

            float[] next = new float[16];
            assertInterruptedCallWaitsForItsRead(
                    gated[0],
                    () -> m.ffn(0).forward(second, new float[16]),
                    () -> m.ffn(0).forward(second, next),
                    "interrupted");
            assertArrayEquals(expected, next, "the same thread's next token equals an undisturbed model's");
        }
    }

    /** A call that throws whatever it throws. */
    interface Call {
        void run() throws Exception;
    }

    /**
     * Runs {@code call} on a new thread with {@code reader}'s next read held, interrupts that thread
     * once the read has started, and checks that the call still waits for the read 300 ms later,
     * then, once the read is released, that it threw a {@link FlashReadException} that says it was
     * {@linkplain FlashReadException#interrupted() interrupted} and whose message
     * holds {@code message}, with the interrupt flag set, only after the read had ended; then runs
     * {@code next} on the same thread, which must not throw.
     */
    private static void assertInterruptedCallWaitsForItsRead(GatedReader reader, Call call, Call next, String message)
            throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean interruptFlag = new AtomicBoolean();
        AtomicBoolean readEndedAtThrow = new AtomicBoolean();
        AtomicReference<Throwable> nextFailure = new AtomicReference<>();
        reader.armed.set(true);
        Thread caller = new Thread(() -> {
            try {
                call.run();
            } catch (Throwable t) {
                readEndedAtThrow.set(reader.ended.get());
                thrown.set(t);
                interruptFlag.set(Thread.interrupted()); // cleared, as a caller would before going on
            }
            try {
                next.run();
            } catch (Throwable t) {
                nextFailure.set(t);
            }
        });
        caller.start();
        assertTrue(reader.started.await(30, TimeUnit.SECONDS), "the read started");
        caller.interrupt();
        caller.join(300);
        assertTrue(caller.isAlive(), "the interrupted call still waits for its read");
        reader.release.countDown();
        caller.join(30_000);
        assertFalse(caller.isAlive());

        FlashReadException f = assertInstanceOf(FlashReadException.class, thrown.get());
        assertTrue(f.interrupted(), "one type for every interrupted call: " + f);
        assertTrue(thrown.get().getMessage().contains(message), thrown.get().getMessage());
        assertTrue(interruptFlag.get(), "the interrupt is kept for the caller");
        assertTrue(readEndedAtThrow.get(), "the read had ended when the call threw");
        assertNull(nextFailure.get());
    }
}
