package dev.ripple.core;

import java.lang.ref.Cleaner;

/**
 * Frees what an off-heap owner an app may drop unclosed holds (a session's KV cache, a model's
 * mapping, reader and buffers) once the collector finds the owner unreachable: the standard
 * {@link Cleaner} pattern, behind one daemon thread for all of core. The owner's {@code close()}
 * runs the same action through {@link Cleaner.Cleanable#clean()}, which runs it at most once, so
 * close stays deterministic and idempotent.
 */
public final class Freeing {
    /** Named, so that a thread dump says whose it is (the Cleaner makes it a daemon). */
    private static final Cleaner CLEANER = Cleaner.create(free -> new Thread(free, "ripple-cleaner"));

    private Freeing() {}

    /**
     * Runs {@code free} once {@code owner} is unreachable, or at the returned cleanable's
     * {@code clean()}, whichever comes first.
     *
     * @param free must not refer to {@code owner} (a lambda or record holding only what to free), or
     *     the owner stays reachable and is never freed
     */
    public static Cleaner.Cleanable whenUnreachable(Object owner, Runnable free) {
        return CLEANER.register(owner, free);
    }
}
