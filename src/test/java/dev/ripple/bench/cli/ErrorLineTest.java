package dev.ripple.bench.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The one-line error of an out-of-memory names the limit that was hit and how to raise it. */
class ErrorLineTest {

    @Test
    void offHeapExhaustionPointsAtTheDirectMemoryLimitNotTheHeap() {
        String offHeap = RippleCommand.describe(new OutOfMemoryError(
                "Cannot reserve 144330736 bytes of direct buffer memory (allocated: 459837696, limit: 536870912)"));
        assertTrue(offHeap.contains("-XX:MaxDirectMemorySize") && !offHeap.contains("-Xmx8g"), offHeap);
        String heap = RippleCommand.describe(new OutOfMemoryError("Java heap space"));
        assertTrue(heap.contains("-Xmx8g"), heap);
    }
}
