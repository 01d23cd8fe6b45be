package dev.ripple.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.model.ModelCall;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A close waits for the calls in progress, refuses new ones at once, lets nested ones through, can be
 * interrupted, and frees once; a call ends once, on its own thread.
 */
class CallGuardTest {
    private final CallGuard guard = new CallGuard("model m.ripple");
    private final AtomicInteger frees = new AtomicInteger();

    /** Closes {@code guard} on a thread of its own; the future ends when the close returns. */
    private CompletableFuture<Throwable> closeElsewhere() {
        return onItsOwnThread(() -> guard.close(frees::incrementAndGet));
    }

    @FunctionalInterface
    private interface Action {
        void run() throws Exception;
    }

    /**
     * Runs {@code action} on a new platform thread (not the common pool, which has one worker on a
     * 2-core machine and would queue one blocked task behind another); what it threw, or null.
     */
    private static CompletableFuture<Throwable> onItsOwnThread(Action action) {
        CompletableFuture<Throwable> done = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                action.run();
                done.complete(null);
            } catch (Throwable t) {
                done.complete(t);
            }
        });
        return done;
    }

    /** Waits until a close has begun, as a thread outside every call sees it. */
    private void awaitClosing() throws Exception {
        for (int i = 0; i < 5_000; i++) {
            if (onItsOwnThread(guard::requireOpen).get(10, TimeUnit.SECONDS) instanceof IllegalStateException) {
                return;
            }
            Thread.sleep(1);
        }
        throw new AssertionError("the close never began");
    }

    @Test
    void aWaitingCloseRefusesNewCallsAtOnceAndLetsNestedOnesThrough() throws Exception {
        ModelCall outer = guard.begin();
        CompletableFuture<Throwable> closing = closeElsewhere();
        awaitClosing();
        Throwable refused = onItsOwnThread(() -> guard.begin().close())
                .get(10, TimeUnit.SECONDS); // refused, not queued behind the close
        assertTrue(refused instanceof IllegalStateException, String.valueOf(refused));
        assertEquals("model m.ripple closed", refused.getMessage());
        try (ModelCall nested = guard.begin()) { // this thread's pass goes on to its end
            guard.requireOpen(); // as the model's ffn(layer) asks inside a step
            assertFalse(closing.isDone(), "the close waits for the call in progress");
        }
        assertTrue(onItsOwnThread(guard::requireOpen).get(10, TimeUnit.SECONDS) instanceof IllegalStateException);
        outer.close();
        assertEquals(null, closing.get(10, TimeUnit.SECONDS));
        assertEquals(1, frees.get());
        guard.close(frees::incrementAndGet);
        assertEquals(1, frees.get(), "closing twice frees once");
        assertEquals(
                "model m.ripple closed",
                assertThrows(IllegalStateException.class, guard::begin).getMessage());
    }

    @Test
    void anInterruptedCloseLeavesTheModelOpen() throws Exception {
        ModelCall held = guard.begin();
        CompletableFuture<Throwable> result = new CompletableFuture<>();
        Thread closer = Thread.ofPlatform().daemon().start(() -> {
            try {
                guard.close(frees::incrementAndGet);
                result.complete(null);
            } catch (Throwable t) {
                result.complete(Thread.currentThread().isInterrupted() ? t : new AssertionError("status lost", t));
            }
        });
        awaitClosing();
        closer.interrupt();
        Throwable t = result.get(10, TimeUnit.SECONDS);
        assertTrue(t instanceof InterruptedIOException, String.valueOf(t));
        assertTrue(t.getMessage().contains("the model stays open"), t.getMessage());
        held.close();
        assertEquals(0, frees.get());
        guard.begin().close(); // open again
        guard.close(frees::incrementAndGet);
        assertEquals(1, frees.get());
    }

    /** Of two closes waiting, one interrupted: the other still waits, and new calls are still refused. */
    @Test
    void anInterruptedCloseLeavesAnotherWaitingCloseInCharge() throws Exception {
        ModelCall held = guard.begin();
        CompletableFuture<Throwable> first = new CompletableFuture<>();
        Thread interrupted = Thread.ofPlatform().daemon().start(() -> {
            try {
                guard.close(frees::incrementAndGet);
                first.complete(null);
            } catch (Throwable t) {
                first.complete(t);
            }
        });
        awaitClosing();
        CompletableFuture<Throwable> second = closeElsewhere();
        Thread.sleep(100); // both wait now
        interrupted.interrupt();
        assertTrue(first.get(10, TimeUnit.SECONDS) instanceof InterruptedIOException);
        Throwable newcomer = onItsOwnThread(() -> guard.begin().close()).get(10, TimeUnit.SECONDS);
        assertTrue(newcomer instanceof IllegalStateException, "still refused while a close waits: " + newcomer);
        held.close();
        assertEquals(null, second.get(10, TimeUnit.SECONDS));
        assertEquals(1, frees.get());
    }

    @Test
    void aCallEndsOnceOnItsOwnThread() throws Exception {
        ModelCall outer = guard.begin();
        ModelCall inner = guard.begin();
        inner.close();
        inner.close(); // must not release the outer call's hold
        CompletableFuture<Throwable> closing = closeElsewhere();
        awaitClosing();
        Thread.sleep(100);
        assertFalse(closing.isDone(), "the outer call still holds the model");
        Throwable elsewhere = onItsOwnThread(outer::close).get(10, TimeUnit.SECONDS);
        assertTrue(elsewhere instanceof IllegalStateException, String.valueOf(elsewhere));
        assertTrue(elsewhere.getMessage().contains("ends on the thread that began it"), elsewhere.getMessage());
        outer.close();
        assertEquals(null, closing.get(10, TimeUnit.SECONDS));
        assertEquals(1, frees.get());
    }

    @Test
    void aCloseFromInsideACallIsRefusedAndTheModelStaysOpen() throws Exception {
        try (ModelCall call = guard.begin()) {
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> guard.close(frees::incrementAndGet));
            assertTrue(e.getMessage().contains("cannot be closed from inside one of its own calls"), e.getMessage());
        }
        guard.begin().close();
        assertEquals(0, frees.get());
    }
}
