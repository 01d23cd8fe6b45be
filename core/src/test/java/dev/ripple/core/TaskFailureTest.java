package dev.ripple.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
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
    void aCheckedCauseIsWrappedWithItsMessage() {
        IOException thrown = new IOException("layer 3: read failed");
        ExecutionException e = failureOf(() -> {
            throw thrown;
        });
        RuntimeException r = TaskFailure.unwrap(e);
        assertEquals(IllegalStateException.class, r.getClass());
        assertEquals("layer 3: read failed", r.getMessage());
        assertSame(thrown, r.getCause());
    }

    @Test
    void aCheckedCauseWithoutAMessageIsNamedByItsType() {
        ExecutionException e = failureOf(() -> {
            throw new IOException();
        });
        assertEquals("java.io.IOException", TaskFailure.unwrap(e).getMessage());
    }
}
