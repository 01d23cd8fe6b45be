package dev.ripple.io.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bounce buffers beyond the pool's budget are freed when dropped, not left for a collection. */
class AlignedBufferPoolTest {

    @Test
    void buffersOverTheBudgetAreFreedAtOnceAndTheRestOnClear() {
        AlignedBufferPool pool = new AlignedBufferPool(4096, 256 << 10); // room for four 64 KiB buffers
        List<MemorySegment> taken = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            MemorySegment b = pool.take(60_000);
            assertEquals(0, b.address() % 4096, "aligned");
            assertEquals(64 << 10, b.byteSize(), "rounded up to its size class");
            taken.add(b);
        }
        assertEquals(10L * (64 << 10), pool.liveBytes());
        taken.forEach(pool::give);
        assertEquals(4L * (64 << 10), pool.liveBytes(), "six dropped buffers freed as they came back");
        assertFalse(taken.get(9).scope().isAlive()
                && taken.get(8).scope().isAlive()
                && taken.get(7).scope().isAlive()
                && taken.get(6).scope().isAlive()
                && taken.get(5).scope().isAlive()
                && taken.get(4).scope().isAlive());
        assertTrue(taken.get(0).scope().isAlive(), "the first four are pooled");
        assertSame(taken.get(3), pool.take(64 << 10), "a pooled buffer is reused, last given first");
        pool.give(taken.get(3));
        pool.clear();
        assertEquals(0, pool.liveBytes());
        assertTrue(taken.stream().noneMatch(b -> b.scope().isAlive()), "clear frees the pooled ones");
    }
}
