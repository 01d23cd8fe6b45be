package dev.ripple.core.runtime;

import dev.ripple.core.model.ModelCall;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Lets a model be closed while other threads use it. Calls in progress ({@link #begin}) hold a read
 * lock and {@link #close} takes the write lock, so the close waits for them: it must not unmap
 * weights or free buffers a step is using (FFM would fail the step with a bare "Already closed", or
 * fail the close while a pread writes into a buffer). Once a close has begun, a new call is refused
 * at once rather than queued behind it, and only calls already in progress (nested ones included)
 * go on; a close waiting for them can be interrupted, and the model then stays open.
 *
 * <pre>{@code
 * try (ModelCall call = guard.begin()) {   // IllegalStateException "model FILE closed" once closing
 *     ... read weights, buffers, the reader ...
 * }
 * }</pre>
 */
final class CallGuard {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final String model;
    /** Set when a close begins: new calls are refused from then on (while closes wait, or once closed). */
    private volatile boolean closing;
    /** Closes waiting for the write lock; guarded by {@code this}, with {@link #closing}'s updates. */
    private int closers;
    /** Set once by the close that frees. */
    private volatile boolean closed;

    /** @param model how refusals name the model, e.g. {@code "model /m/opt.ripple"} */
    CallGuard(String model) {
        this.model = model;
    }

    /**
     * Begins a call; a close from another thread waits until it ends. A call nested in one this
     * thread already holds always begins while the model is open, even when a close is waiting.
     *
     * @throws IllegalStateException "MODEL closed" once a close has begun
     */
    ModelCall begin() {
        if (closing && lock.getReadHoldCount() == 0) {
            throw closedException();
        }
        lock.readLock().lock();
        return opened();
    }

    /**
     * As {@link #begin}, never waiting: for a read-ahead thread, whose starter may be in a call that
     * a waiting close is waiting for, while the starter waits for the read-ahead in turn.
     */
    ModelCall beginWithoutWaiting() {
        if (!lock.readLock().tryLock()) {
            throw closedException();
        }
        return opened();
    }

    private ModelCall opened() {
        if (closed) {
            lock.readLock().unlock();
            throw closedException();
        }
        return new Call(Thread.currentThread());
    }

    /**
     * @throws IllegalStateException "MODEL closed" once a close has begun, unless the calling thread is
     *     inside a call, which goes on to its end as {@link #begin} lets it
     */
    void requireOpen() {
        if (closing && lock.getReadHoldCount() == 0) {
            throw closedException();
        }
    }

    /**
     * Refuses new calls, waits for the calls in progress, then runs {@code free} once, whoever calls.
     * Does nothing when the model is closed already.
     *
     * @throws IllegalStateException when the calling thread is inside a call (a listener, say), which
     *     the close would wait for forever; the model stays open
     * @throws InterruptedIOException when interrupted while waiting (status kept); the model stays open
     */
    void close(IoAction free) throws IOException {
        if (lock.getReadHoldCount() > 0) {
            throw new IllegalStateException(
                    model
                            + " cannot be closed from inside one of its own calls (a listener?): close it after the call returns");
        }
        synchronized (this) {
            closers++;
            closing = true;
        }
        try {
            lock.writeLock().lockInterruptibly();
        } catch (InterruptedException e) {
            synchronized (this) {
                closers--;
                closing = closed || closers > 0; // another close still waiting keeps new calls refused
            }
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(
                    model + ": close interrupted while waiting for the calls in progress; the model stays open");
        }
        synchronized (this) {
            closers--;
        }
        try {
            if (closed) {
                return;
            }
            closed = true;
            free.run();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private IllegalStateException closedException() {
        return new IllegalStateException(model + " closed");
    }

    /** What {@link #close} runs once the calls have ended. */
    @FunctionalInterface
    interface IoAction {
        void run() throws IOException;
    }

    /** One call: ends once, on the thread that began it (a read lock is held by a thread). */
    private final class Call implements ModelCall {
        private final Thread thread;
        private boolean ended;

        Call(Thread thread) {
            this.thread = thread;
        }

        @Override
        public void close() {
            if (ended) {
                return; // a second close must not release an outer call's hold on this thread
            }
            if (Thread.currentThread() != thread) {
                throw new IllegalStateException(model + ": a model call ends on the thread that began it");
            }
            ended = true;
            lock.readLock().unlock();
        }
    }
}
