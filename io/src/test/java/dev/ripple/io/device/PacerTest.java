package dev.ripple.io.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The waits that pace an emulated device: never early, they say how late they returned, and they
 * are on time whenever the host runs the thread at its deadline. How late a loaded host wakes a
 * thread is not the pacer's, so the check is on the share of waits that are on time, best of a few
 * attempts: 141 and 187 of 200 within 2 µs at load 9 on two cores, against 1 of 200 for a pacer
 * that sleeps up to the deadline instead of spinning the last 60 µs (20 µs late at the median).
 */
class PacerTest {

    static final int WAITS = 200;
    static final long ON_TIME_NANOS = 2_000;

    @Test
    void aWaitReturnsAtItsDeadlineAndSaysHowLateItWas() {
        int best = 0;
        for (int attempt = 0; attempt < 5 && best < WAITS / 5; attempt++) {
            if (attempt > 0) {
                LockSupport.parkNanos(200_000_000L);
            }
            int onTime = 0;
            for (int i = 0; i < WAITS; i++) {
                long deadline = System.nanoTime() + 200_000;
                long late = Pacer.waitUntil(deadline);
                long now = System.nanoTime();
                assertTrue(late >= 0 && deadline + late <= now, "wait " + i + " returned " + late + " ns late");
                if (late <= ON_TIME_NANOS) {
                    onTime++;
                }
            }
            best = Math.max(best, onTime);
        }
        assertTrue(
                best >= WAITS / 5,
                "at best " + best + " of " + WAITS + " waits returned within " + ON_TIME_NANOS
                        + " ns of their deadline");
        assertEquals(0, Pacer.waitUntil(System.nanoTime() - 1), "a deadline that has passed is not waited for");
    }
}
