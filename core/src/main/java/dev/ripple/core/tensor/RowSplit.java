package dev.ripple.core.tensor;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits the rows of a one-token matrix-vector product across the cores. Decode is memory-bound:
 * one core alone does not draw the machine's bandwidth, so even a 768 × 768 projection (2.4 MB)
 * is worth splitting, if the split costs microseconds, not the tens of microseconds of a parallel
 * stream over many small tasks. The rows are cut into a few chunks per core; the calling thread
 * and {@code cores − 1} helpers on the common pool claim chunks from one counter, so a helper
 * that starts late (or never, when the pool is busy) only means the caller does more chunks: no
 * deadlock when the caller is itself a pool thread, and no core waits on a slow one for long.
 * The caller waits for claimed chunks by spinning briefly, then parking.
 *
 * <pre>{@code
 * RowSplit.run(out, bytes, (from, to) -> { for (int j = from; j < to; j++) y[j] = dot(row j, x); });
 * }</pre>
 */
public final class RowSplit {
    /** Below this many bytes of weights a product stays on the calling thread (it fits in the L2 cache). */
    static final long PARALLEL_BYTES = 192L << 10;
    /** Chunks per core: small enough to balance a late helper, large enough to stream whole pages. */
    private static final int CHUNKS_PER_CORE = 4;

    private static final int SPINS = 2000;

    private RowSplit() {}

    /** A range of rows [from, to). */
    @FunctionalInterface
    public interface Rows {
        void run(int from, int to);
    }

    /** Runs {@code task} over rows [0, rows), across the cores when {@code bytes} read are worth it. */
    public static void run(int rows, long bytes, Rows task) {
        int cores = Runtime.getRuntime().availableProcessors();
        if (cores < 2 || bytes < PARALLEL_BYTES || rows < 2 * cores) {
            task.run(0, rows);
            return;
        }
        new Split(rows, Math.min(rows, cores * CHUNKS_PER_CORE), task).run(cores - 1);
    }

    /** One split call's shared state. */
    private static final class Split {
        private final int rows;
        private final int chunks;
        private final Rows task;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger running = new AtomicInteger();
        private final Thread caller = Thread.currentThread();
        private volatile Throwable failure;

        Split(int rows, int chunks, Rows task) {
            this.rows = rows;
            this.chunks = chunks;
            this.task = task;
        }

        void run(int helpers) {
            ForkJoinPool pool = ForkJoinPool.commonPool();
            for (int h = 0; h < helpers; h++) {
                pool.execute(this::help);
            }
            work();
            int spins = 0;
            while (running.get() != 0) {
                if (spins++ < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            Throwable f = failure;
            if (f instanceof RuntimeException e) {
                throw e;
            } else if (f instanceof Error e) {
                throw e;
            }
        }

        private void help() {
            work();
        }

        /** Claims and runs chunks until none is left. */
        private void work() {
            while (true) {
                running.incrementAndGet();
                int c = next.getAndIncrement();
                try {
                    if (c >= chunks) {
                        return;
                    }
                    task.run((int) ((long) rows * c / chunks), (int) ((long) rows * (c + 1) / chunks));
                } catch (Throwable t) {
                    failure = t;
                    next.set(chunks);
                    return;
                } finally {
                    if (running.decrementAndGet() == 0 && Thread.currentThread() != caller) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }
    }
}
