package dev.ripple.io.device;

import dev.ripple.io.nativeio.NativeAccess;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits until a {@link System#nanoTime()} deadline with a few microseconds' precision: sleeps
 * while the deadline is far, then spins. A timed sleep on Linux wakes 50-80 µs late by default
 * (the thread's timer slack), which is the size of a whole emulated flash read; the first wait of
 * each thread therefore lowers its timer slack to 1 µs where native access allows, and the last
 * {@link #SPIN_NANOS} before a deadline are spun (costing that much CPU per wait).
 */
final class Pacer {
    /** Spun, not slept, before a deadline. */
    static final long SPIN_NANOS = 60_000;

    private static final ThreadLocal<Boolean> SLACK_SET = new ThreadLocal<>();

    private Pacer() {}

    /**
     * Returns at {@code deadline} or later; at once if it has passed.
     *
     * @return how late it returned, ns, if it had to wait (the host's wake-up and scheduling delay);
     *         0 if the deadline had passed already
     */
    static long waitUntil(long deadline) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            return 0;
        }
        if (remaining > SPIN_NANOS) {
            if (SLACK_SET.get() == null) {
                SLACK_SET.set(
                        NativeAccess.get().map(na -> na.setTimerSlack(1000)).orElse(false));
            }
            while ((remaining = deadline - System.nanoTime()) > SPIN_NANOS) {
                if (Thread.currentThread().isInterrupted()) {
                    return 0; // cancelled: parkNanos returns at once now, so waiting on would spin a core
                }
                LockSupport.parkNanos(remaining - SPIN_NANOS);
            }
        }
        long now;
        while ((now = System.nanoTime()) - deadline < 0) {
            Thread.onSpinWait();
        }
        return now - deadline;
    }
}
