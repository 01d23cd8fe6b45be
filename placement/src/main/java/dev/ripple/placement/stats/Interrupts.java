package dev.ripple.placement.stats;

import java.util.concurrent.CancellationException;

/**
 * Where counting and placement give up when their thread is interrupted (a caller placing several
 * layers at once stopped them after one failed): checked at a coarse grain, by every row block,
 * sweep or few hundred neurons, so that a layer no one waits for stops using the cores and heap.
 */
public final class Interrupts {
    private Interrupts() {}

    /** Throws, leaving the interrupt set, if this thread was interrupted: {@code what} is incomplete. */
    public static void stopIfInterrupted(String what) {
        if (Thread.currentThread().isInterrupted()) {
            throw new CancellationException(what + " interrupted");
        }
    }
}
