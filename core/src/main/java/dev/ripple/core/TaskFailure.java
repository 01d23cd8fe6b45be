package dev.ripple.core;

import java.util.concurrent.ExecutionException;

/**
 * What a task run on a pool threw, passed on to the thread that waited for it. A caller that fans
 * work out over a pool ({@code future.get()}) should fail as if it had done the work itself: the
 * task's own unchecked exception, with its type and message (an {@code IllegalArgumentException}
 * from bad input stays one, and a command line says it in one line), rather than an {@link
 * ExecutionException} around it.
 */
public final class TaskFailure {
    private TaskFailure() {}

    /**
     * The exception to throw for {@code e}: its cause if unchecked; a checked cause wrapped in an
     * {@link IllegalStateException} whose message names the cause's type and gives its message
     * ({@code "NoSuchFileException: /models/opt.ripple"}: some checked exceptions' messages say
     * nothing without their type, and a command line prints only the message). An {@link Error} (out of memory,
     * say) is thrown from here as it is, so that its kind is not hidden behind a wrapper.
     *
     * <pre>{@code
     * } catch (ExecutionException e) {
     *     throw TaskFailure.unwrap(e);
     * }
     * }</pre>
     */
    public static RuntimeException unwrap(ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException re) {
            return re;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        if (cause == null) {
            return new IllegalStateException(e);
        }
        String simple = cause.getClass().getSimpleName();
        String type = simple.isEmpty() ? cause.getClass().getName() : simple; // anonymous classes have none
        return new IllegalStateException(cause.getMessage() != null ? type + ": " + cause.getMessage() : type, cause);
    }
}
