package dev.ripple.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class TaskFailureTest {

    /** What {@code task} threw on a pool thread, as {@code get()} reports it. */
    private static ExecutionException failureOf(Callable<?> task) {
        try (ExecutorService pool = Executors.newSingleThreadExecutor()) {
            return assertThrows(
                    ExecutionException.class, () -> pool.submit(task).get());
        }
    }

    @Test
    void anUncheckedCauseIsPassedOnItself() {
        IllegalArgumentException thrown = new IllegalArgumentException("rank must be positive");
        ExecutionException e = failureOf(() -> {
            throw thrown;
        });
        assertSame(thrown, TaskFailure.unwrap(e));
    }

    @Test
    void anErrorIsThrownAsItIs() {
        OutOfMemoryError thrown = new OutOfMemoryError("Java heap space");
        ExecutionException e = failureOf(() -> {
            throw thrown;
        });
        assertSame(thrown, assertThrows(OutOfMemoryError.class, () -> TaskFailure.unwrap(e)));
    }

    @Test
    void aCheckedCauseIsWrappedWithItsTypeAndMessage() {
        IOException thrown = new IOException("layer 3: read failed");
        ExecutionException e = failureOf(() -> {
            throw thrown;
        });
        RuntimeException r = TaskFailure.unwrap(e);
        assertEquals(IllegalStateException.class, r.getClass());
        assertEquals("IOException: layer 3: read failed", r.getMessage());
        assertSame(thrown, r.getCause());
        ExecutionException missing = failureOf(() -> {
            throw new NoSuchFileException("/models/opt.ripple");
        });
        assertEquals(
                "NoSuchFileException: /models/opt.ripple",
                TaskFailure.unwrap(missing).getMessage(),
                "a message that is only a path says what happened through its type");
    }

    @Test
    void aCheckedCauseWithoutAMessageIsNamedByItsType() {
        ExecutionException e = failureOf(() -> {
            throw new IOException();
        });
        assertEquals("IOException", TaskFailure.unwrap(e).getMessage());
    }

    @Test
    void anAnonymousCheckedCauseIsNamedByItsBinaryName() {
        IOException anonymous = new IOException("disk gone") {};
        ExecutionException e = failureOf(() -> {
            throw anonymous;
        });
        assertEquals(
                anonymous.getClass().getName() + ": disk gone",
                TaskFailure.unwrap(e).getMessage());
    }
}
