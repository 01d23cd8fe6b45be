package dev.ripple.core.runtime;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that issue a token's reads while its thread computes on the bundles it already has
 * (the cache's hits): a waiting read costs no CPU, so the core that would have waited computes
 * instead. A small fixed set of daemon threads, shared by every model: readers keep state per
 * calling thread (an io_uring ring each), so a fixed set bounds it, where a growing pool would
 * create rings without end. A read task never waits on anything but its device, so a caller
 * queued behind others is only delayed, never deadlocked.
 */
final class ReadAhead {
    /** Reads in flight at once across all sessions; more callers queue. */
    static final int THREADS = 4;

    private static final ExecutorService POOL = Executors.newFixedThreadPool(THREADS, new Factory());

    private ReadAhead() {}

    static ExecutorService pool() {
        return POOL;
    }

    private static final class Factory implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "ripple-read-ahead-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
