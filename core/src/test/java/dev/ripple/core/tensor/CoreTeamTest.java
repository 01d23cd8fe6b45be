package dev.ripple.core.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Every chunk runs exactly once whoever runs it: many sections in a row, callers at once, sections inside chunks. */
class CoreTeamTest {

    @Test
    void everyChunkOfManySectionsRunsExactlyOnce() {
        // Back to back, as decode calls them: helpers still watching from the previous section
        // must take chunks of the current one only.
        for (int section = 0; section < 2000; section++) {
            int chunks = 1 + section % 17;
            AtomicIntegerArray seen = new AtomicIntegerArray(chunks);
            CoreTeam.run(chunks, seen::incrementAndGet);
            for (int c = 0; c < chunks; c++) {
                assertEquals(1, seen.get(c), "section " + section + ", chunk " + c);
            }
        }
    }

    @Test
    void callersAtOnceEachFinishTheirOwnSection() {
        int callers = 8;
        AtomicIntegerArray seen = new AtomicIntegerArray(callers * 200 * 8);
        IntStream.range(0, callers).parallel().forEach(t -> {
            for (int s = 0; s < 200; s++) {
                int base = (t * 200 + s) * 8;
                CoreTeam.run(8, c -> seen.incrementAndGet(base + c));
            }
        });
        for (int i = 0; i < seen.length(); i++) {
            assertEquals(1, seen.get(i), "chunk " + i);
        }
    }

    @Test
    void aSectionStartedInsideAChunkRunsOnItsCaller() {
        AtomicIntegerArray seen = new AtomicIntegerArray(4 * 4);
        CoreTeam.run(4, outer -> CoreTeam.run(4, inner -> seen.incrementAndGet(outer * 4 + inner)));
        for (int i = 0; i < seen.length(); i++) {
            assertEquals(1, seen.get(i), "chunk " + i);
        }
    }

    @Test
    void aFailingChunkIsThrownToTheCallerAndTheTeamStaysUsable() {
        IllegalStateException boom = new IllegalStateException("chunk failed");
        IllegalStateException thrown = assertThrows(
                IllegalStateException.class,
                () -> CoreTeam.run(8, c -> {
                    if (c == 5) {
                        throw boom;
                    }
                }));
        assertSame(boom, thrown);
        AtomicIntegerArray seen = new AtomicIntegerArray(8);
        CoreTeam.run(8, seen::incrementAndGet);
        for (int c = 0; c < 8; c++) {
            assertEquals(1, seen.get(c));
        }
    }

    @Test
    void aSectionAfterTheHelpersParkedStillRuns() throws InterruptedException {
        CoreTeam.run(4, c -> {});
        Thread.sleep(2 + CoreTeam.SPIN_NANOS / 1_000_000);
        AtomicIntegerArray seen = new AtomicIntegerArray(64);
        CoreTeam.run(64, seen::incrementAndGet);
        for (int c = 0; c < 64; c++) {
            assertEquals(1, seen.get(c));
        }
    }
}
