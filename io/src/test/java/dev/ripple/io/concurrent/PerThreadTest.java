package dev.ripple.io.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * A thread gets back the value it owns, the common pool's workers included although the JDK clears
 * their thread-locals whenever they go idle; an ended thread's value is freed by a later new
 * thread's sweep (the next one's, for a thread per request), and every value at close.
 */
class PerThreadTest {
    /** Values that record whether they were freed, and how often. */
    private static final class Value {
        final Thread maker = Thread.currentThread();
        final AtomicInteger frees = new AtomicInteger();
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final List<Value> freed = new CopyOnWriteArrayList<>();

    private PerThread<Value> holder() {
        return PerThread.of(Value::new, v -> {
            v.frees.incrementAndGet();
            freed.add(v);
        });
    }

    @Test
    void aThreadGetsItsOwnValueAgainAndAnotherThreadItsOwn() throws Exception {
        try (PerThread<Value> values = holder()) {
            Value mine = values.get();
            assertSame(mine, values.get());
            assertSame(Thread.currentThread(), mine.maker);
            Value theirs = onNewThread(values::get);
            assertNotSame(mine, theirs);
            assertSame(mine, values.get(), "another thread's call left this one's value alone");
        }
    }

    @Test
    void aCommonPoolWorkerGetsItsOwnValueBackAfterAnIdleGap() throws Exception {
        try (PerThread<Value> values = holder()) {
            ThreadLocal<Object> plain = new ThreadLocal<>();
            int sameWorker = 0;
            int plainLost = 0;
            Ran previous = null;
            for (int i = 0; i < 20; i++) {
                Ran now = onPoolWorker(() -> {
                    boolean hadPlain = plain.get() != null;
                    plain.set(Boolean.TRUE);
                    long measuring = THREADS.getCurrentThreadAllocatedBytes();
                    long base = THREADS.getCurrentThreadAllocatedBytes() - measuring;
                    long before = THREADS.getCurrentThreadAllocatedBytes();
                    Value value = values.get();
                    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before - base;
                    return new Ran(Thread.currentThread(), value, hadPlain, allocated);
                });
                assertInstanceOf(ForkJoinWorkerThread.class, now.thread);
                if (previous != null && previous.thread == now.thread) {
                    sameWorker++;
                    assertSame(previous.value, now.value, "the same worker's value, call " + i);
                    assertEquals(0, now.allocated, "bytes allocated to find the worker's value, call " + i);
                    plainLost += now.hadPlain ? 0 : 1;
                }
                assertSame(now.thread, now.value.maker, "a worker gets the value it made");
                previous = now;
                Thread.sleep(5); // the worker goes idle between calls, and the pool clears its thread-locals
            }
            assertTrue(sameWorker > 0, "no two calls ran on the same worker");
            // Why the holder does not keep a worker's value in a thread-local: a plain one did not survive.
            assertTrue(plainLost > 0, "the pool kept its workers' thread-locals: " + plainLost + " of " + sameWorker);
            int bound = ForkJoinPool.getCommonPoolParallelism();
            assertTrue(values.size() <= bound, values.size() + " values for at most " + bound + " workers");
            assertTrue(freed.isEmpty(), "no live worker's value freed");
        }
    }

    @Test
    void aThreadsLaterCallsAllocateNothing() {
        try (PerThread<Value> values = holder()) {
            Value mine = values.get();
            long measuring = THREADS.getCurrentThreadAllocatedBytes();
            long base = THREADS.getCurrentThreadAllocatedBytes() - measuring; // what the measuring itself costs
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int call = 0; call < 1_000; call++) {
                assertSame(mine, values.get());
            }
            assertEquals(0, THREADS.getCurrentThreadAllocatedBytes() - before - base, "bytes allocated by 1,000 calls");
        }
    }

    @Test
    void anEndedThreadsValueIsFreedWhenTheNextThreadComes() throws Exception {
        try (PerThread<Value> values = holder()) {
            Value first = onNewThread(values::get);
            assertEquals(1, values.size(), "kept until a new thread comes");
            assertTrue(freed.isEmpty());
            Value second = onNewThread(values::get);
            assertEquals(List.of(first), freed, "the ended thread's value freed, once");
            assertEquals(1, values.size(), "only the last thread's");
            values.get(); // this thread, alive: its first call frees the second thread's
            assertEquals(List.of(first, second), freed);
            assertEquals(1, values.size());
        }
    }

    @Test
    void aLiveThreadsValueIsKeptWhenOthersCome() throws Exception {
        try (PerThread<Value> values = holder()) {
            Value mine = values.get();
            onNewThread(values::get);
            onNewThread(values::get);
            assertFalse(freed.contains(mine));
            assertSame(mine, values.get());
        }
    }

    @Test
    void closeFreesEveryValueOnceAndRefusesMore() throws Exception {
        PerThread<Value> values = holder();
        Value mine = values.get();
        CountDownLatch made = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Value> theirs = new AtomicReference<>();
        Thread live = Thread.ofPlatform().start(() -> {
            theirs.set(values.get());
            made.countDown();
            awaitQuietly(release);
        });
        made.await();
        values.close();
        values.close();
        assertEquals(2, freed.size());
        assertTrue(freed.containsAll(List.of(mine, theirs.get())));
        assertEquals(1, mine.frees.get());
        assertEquals(1, theirs.get().frees.get());
        assertEquals(0, values.size());
        assertThrows(IllegalStateException.class, values::get);
        assertTrue(values.peek().isEmpty());
        release.countDown();
        live.join();
    }

    @Test
    void aDiscardedValueIsFreedAndTheNextCallMakesANewOne() {
        try (PerThread<Value> values = holder()) {
            assertTrue(values.peek().isEmpty(), "peek makes nothing");
            Value first = values.get();
            assertFalse(values.discard(new Value()), "not this thread's value");
            assertTrue(freed.isEmpty());
            assertTrue(values.discard(first));
            assertEquals(List.of(first), freed);
            assertTrue(values.peek().isEmpty());
            Value second = values.get();
            assertNotSame(first, second);
            assertSame(second, values.peek().orElseThrow());
        }
    }

    @Test
    void aFailedMakeLeavesNothingAndTheNextCallTriesAgain() {
        int[] calls = {0};
        try (PerThread<Value> values = PerThread.of(() -> {
            if (calls[0]++ == 0) {
                throw new IllegalStateException("no ring today");
            }
            return new Value();
        })) {
            assertThrows(IllegalStateException.class, values::get);
            assertEquals(0, values.size());
            assertSame(values.get(), values.get());
            assertEquals(2, calls[0]);
        }
    }

    /**
     * Many threads alive together, each making its value: every one gets its own, and the sweeps
     * for ended threads look at fewer values than two per thread. Before, each new thread looked at
     * every value held (to find its own, and for ended threads): {@code n²/2} in all.
     */
    @Test
    void manyLiveThreadsEachMakeTheirOwnValueWithoutSweepingAtEachArrival() throws Exception {
        int n = 20_000;
        try (PerThread<Value> values = PerThread.of(Value::new, v -> v.frees.incrementAndGet())) {
            Value[] got = new Value[n];
            Thread[] threads = new Thread[n];
            CountDownLatch made = new CountDownLatch(n);
            CountDownLatch release = new CountDownLatch(1);
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            for (int i = 0; i < n; i++) {
                int at = i;
                threads[i] = Thread.ofVirtual().start(() -> {
                    got[at] = values.get();
                    made.countDown();
                    awaitQuietly(release);
                    if (values.get() != got[at]) {
                        failures.add(new AssertionError("thread " + at + " got another value back"));
                    }
                });
            }
            assertTrue(made.await(5, TimeUnit.MINUTES), "every thread made its value");
            assertEquals(n, values.size(), "one value per live thread");
            long swept = values.swept();
            assertTrue(swept < 2L * n, swept + " values looked at by sweeps for " + n + " new threads");
            release.countDown();
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(List.of(), failures);
            Set<Value> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
            for (int i = 0; i < n; i++) {
                assertSame(threads[i], got[i].maker, "thread " + i + " got the value it made");
                distinct.add(got[i]);
            }
            assertEquals(n, distinct.size());
            values.close();
            for (Value v : got) {
                assertEquals(1, v.frees.get(), "every value freed once at close");
            }
        }
    }

    /**
     * A worker of a pool of one's own is not the common pool's: its value lives in the holder's
     * thread-local, and the common pool's worker with the same pool index keeps its own.
     */
    @Test
    void aWorkerOfAnotherPoolGetsItsOwnValueBack() throws Exception {
        ForkJoinPool pool = new ForkJoinPool(1);
        try (PerThread<Value> values = holder()) {
            Ran first = onWorker(pool, () -> new Ran(Thread.currentThread(), values.get(), false, 0));
            Ran common = onPoolWorker(() -> new Ran(Thread.currentThread(), values.get(), false, 0));
            Thread.sleep(5); // both workers go idle between calls
            Ran again = onWorker(pool, () -> new Ran(Thread.currentThread(), values.get(), false, 0));
            assertSame(first.thread, again.thread, "a pool of one has one worker");
            assertSame(first.value, again.value);
            assertSame(first.thread, first.value.maker);
            assertNotSame(first.value, common.value);
            assertSame(common.thread, common.value.maker);
            assertTrue(freed.isEmpty(), "no live worker's value freed");
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        }
    }

    /**
     * A thread discarding its value while the holder closes: one of them frees it, once. The
     * io_uring reader closes a ring itself when {@code discard} says the holder no longer had it.
     */
    @Test
    void aValueDiscardedAsTheHolderClosesIsFreedOnce() throws Exception {
        for (int round = 0; round < 300; round++) {
            PerThread<Value> values = holder();
            CountDownLatch made = new CountDownLatch(1);
            CountDownLatch go = new CountDownLatch(1);
            AtomicReference<Value> value = new AtomicReference<>();
            AtomicReference<Boolean> discarded = new AtomicReference<>();
            Thread owner = Thread.ofPlatform().start(() -> {
                value.set(values.get());
                made.countDown();
                awaitQuietly(go);
                discarded.set(values.discard(value.get()));
            });
            made.await();
            go.countDown();
            values.close();
            owner.join();
            assertEquals(1, value.get().frees.get(), "round " + round + ": freed once");
            assertEquals(0, values.size(), "round " + round);
            assertTrue(discarded.get() != null, "round " + round + ": discard returned");
        }
        assertEquals(300, freed.size());
    }

    /**
     * An ended thread's value whose free fails does not fail a new thread's call, which already
     * has its value: the failure is logged, and the value dropped. Before, the new thread's
     * {@code get} threw the other thread's failure.
     */
    @Test
    void aFailedFreeOfAnEndedThreadsValueIsLoggedAndTheCallGoesOn() throws Exception {
        IllegalStateException freeFailure = new IllegalStateException("munmap failed");
        PerThread<Value> values = PerThread.of(Value::new, v -> {
            v.frees.incrementAndGet();
            throw freeFailure;
        });
        List<LogRecord> logged = new CopyOnWriteArrayList<>();
        Logger log = Logger.getLogger(PerThread.class.getName());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        boolean parents = log.getUseParentHandlers();
        log.addHandler(capture);
        log.setUseParentHandlers(false);
        try {
            Value theirs = onNewThread(values::get);
            Value mine = values.get();
            assertNotSame(theirs, mine);
            assertSame(mine, values.get());
            assertEquals(1, theirs.frees.get(), "the ended thread's value: its free tried, once");
            assertEquals(1, values.size(), "and dropped");
            assertEquals(1, logged.size(), "one warning");
            assertEquals(Level.WARNING, logged.get(0).getLevel());
            assertSame(freeFailure, logged.get(0).getThrown());
            assertSame(freeFailure, assertThrows(IllegalStateException.class, values::close), "close's own free fails");
            assertEquals(1, mine.frees.get());
        } finally {
            log.removeHandler(capture);
            log.setUseParentHandlers(parents);
        }
    }

    /**
     * {@code make} fails on a call that also swept an ended thread's value whose free failed: the
     * caller gets {@code make}'s exception, with the free's suppressed. Before, the free's
     * exception, thrown from a {@code finally}, replaced it.
     */
    @Test
    void makesFailureReachesTheCallerWhenAnEndedThreadsFreeFailsToo() throws Exception {
        IllegalStateException makeFailure = new IllegalStateException("io_uring_setup failed");
        IllegalStateException freeFailure = new IllegalStateException("munmap failed");
        AtomicInteger made = new AtomicInteger();
        PerThread<Value> values = PerThread.of(
                () -> {
                    if (made.getAndIncrement() > 0) {
                        throw makeFailure;
                    }
                    return new Value();
                },
                v -> {
                    throw freeFailure;
                });
        onNewThread(values::get);
        IllegalStateException thrown = assertThrows(IllegalStateException.class, values::get);
        assertSame(makeFailure, thrown);
        assertEquals(List.of(freeFailure), List.of(thrown.getSuppressed()));
        assertEquals(0, values.size(), "the ended thread's value dropped, none made");
        values.close(); // nothing left to free
    }

    private static <T> T onNewThread(Callable<T> task) throws Exception {
        FutureTask<T> f = new FutureTask<>(task);
        Thread t = Thread.ofPlatform().start(f);
        T result = f.get();
        t.join();
        return result;
    }

    /**
     * {@code task}'s result, run on a common-pool worker: executed and awaited by a latch, since a
     * thread outside the pool that joins a task may run it itself.
     */
    private static <T> T onPoolWorker(Callable<T> task) throws Exception {
        return onWorker(ForkJoinPool.commonPool(), task);
    }

    /** {@code task}'s result, run on a worker of {@code pool}, as {@link #onPoolWorker}. */
    private static <T> T onWorker(ForkJoinPool pool, Callable<T> task) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<T> result = new AtomicReference<>();
        pool.execute(() -> {
            try {
                result.set(task.call());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                done.countDown();
            }
        });
        assertTrue(done.await(30, TimeUnit.SECONDS), "the pool ran the task");
        return result.get();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Ran(Thread thread, Value value, boolean hadPlain, long allocated) {}
}
