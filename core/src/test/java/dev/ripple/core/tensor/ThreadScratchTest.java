package dev.ripple.core.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A thread keeps its scratch array from call to call, the common pool's workers included, although
 * the JDK clears their thread-locals whenever they go idle.
 */
class ThreadScratchTest {
    @Test
    void aCallingThreadKeepsItsArrayAndGetsALargerOneWhenItAsks() {
        ThreadScratch scratch = new ThreadScratch();
        float[] a = scratch.floats(16);
        assertSame(a, scratch.floats(8), "a smaller request reuses the array");
        float[] b = scratch.floats(64);
        assertTrue(b.length >= 64);
        assertSame(b, scratch.floats(64));
    }

    @Test
    void aCommonPoolWorkerKeepsItsArrayAcrossIdleGaps() throws Exception {
        ThreadScratch scratch = new ThreadScratch();
        ThreadLocal<Object> plain = new ThreadLocal<>();
        int sameWorker = 0;
        int plainLost = 0;
        Ran previous = null;
        for (int i = 0; i < 20; i++) {
            Ran now = onPoolWorker(() -> {
                boolean hadPlain = plain.get() != null;
                plain.set(Boolean.TRUE);
                return new Ran(Thread.currentThread(), scratch.floats(32), hadPlain);
            });
            assertInstanceOf(ForkJoinWorkerThread.class, now.thread);
            if (previous != null && previous.thread == now.thread) {
                sameWorker++;
                assertSame(previous.array, now.array, "the same worker's array, call " + i);
                plainLost += now.hadPlain ? 0 : 1;
            }
            previous = now;
            Thread.sleep(5); // the worker goes idle between calls, as between two steps' row splits
        }
        assertTrue(sameWorker > 0, "no two calls ran on the same worker");
        // Why the pool's workers need their own slots: a plain thread-local did not survive the gaps.
        assertTrue(plainLost > 0, "the pool kept its workers' thread-locals: " + plainLost + " of " + sameWorker);
    }

    /**
     * {@code task}'s result, run on a common-pool worker: executed and awaited by a latch, since a
     * thread outside the pool that joins a task may run it itself.
     */
    private static <T> T onPoolWorker(Callable<T> task) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<T> result = new AtomicReference<>();
        ForkJoinPool.commonPool().execute(() -> {
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

    @Test
    void twoHoldersNeverShareAnArray() throws Exception {
        ThreadScratch one = new ThreadScratch();
        ThreadScratch two = new ThreadScratch();
        float[][] arrays = onPoolWorker(() -> new float[][] {one.floats(8), two.floats(8)});
        assertNotSame(arrays[0], arrays[1]);
        assertEquals(8, arrays[0].length);
    }

    private record Ran(Thread thread, float[] array, boolean hadPlain) {}
}
