package dev.ripple.core.model;

/**
 * A call in progress on a model that another thread may close: while it is open, the model's
 * {@code close()} waits instead of unmapping the weights, buffers and reader the call is using.
 * A decoder step or an encoder pass {@link FeedForward#begin() begins} one around its whole
 * forward, since attention reads mapped weights between the FFN calls.
 *
 * <pre>{@code
 * try (ModelCall call = ffn.begin()) {   // throws IllegalStateException once the model is closed
 *     ... read weights, call ffn.forward ...
 * }
 * }</pre>
 */
@FunctionalInterface
public interface ModelCall extends AutoCloseable {

    /** For an FFN nothing can close under its callers (the caller owns what it reads). */
    ModelCall NONE = () -> {};

    /**
     * Ends the call: a close waiting for it may go on. End it on the thread that began it; a second
     * close does nothing.
     */
    @Override
    void close();
}
