package dev.ripple.core.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Every row is run exactly once, from the caller or from a pool thread, and failures reach the caller. */
class RowSplitTest {

    @Test
    void everyRowRunsExactlyOnce() {
        for (int rows : new int[] {1, 3, 7, 64, 1001, 50272}) {
            AtomicIntegerArray seen = new AtomicIntegerArray(rows);
            RowSplit.run(rows, 1L << 30, (from, to) -> {
                for (int j = from; j < to; j++) {
                    seen.incrementAndGet(j);
                }
            });
            for (int j = 0; j < rows; j++) {
                assertEquals(1, seen.get(j), rows + " rows: row " + j);
            }
        }
    }

    @Test
    void aCallerOnABusyPoolThreadStillFinishes() {
        // Every pool thread runs a split at once: helpers may never start, and the callers do all the chunks.
        int tasks = 4 * Math.max(1, ForkJoinPool.getCommonPoolParallelism());
        AtomicIntegerArray seen = new AtomicIntegerArray(tasks * 512);
        IntStream.range(0, tasks)
                .parallel()
                .forEach(t -> RowSplit.run(512, 1L << 30, (from, to) -> {
                    for (int j = from; j < to; j++) {
                        seen.incrementAndGet(t * 512 + j);
                    }
                }));
        for (int j = 0; j < seen.length(); j++) {
            assertEquals(1, seen.get(j), "row " + j);
        }
    }

    @Test
    void aFailingChunkIsThrownToTheCaller() {
        IllegalStateException boom = new IllegalStateException("chunk failed");
        IllegalStateException thrown = assertThrows(
                IllegalStateException.class,
                () -> RowSplit.run(1000, 1L << 30, (from, to) -> {
                    if (from <= 500 && 500 < to) {
                        throw boom;
                    }
                }));
        assertSame(boom, thrown);
    }
}
