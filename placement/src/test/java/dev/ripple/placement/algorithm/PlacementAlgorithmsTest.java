package dev.ripple.placement.algorithm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Algorithms are found by name in any case, and an unknown name lists the known ones. */
class PlacementAlgorithmsTest {
    @Test
    void aNameIsFoundInAnyCase() {
        assertEquals("ripple+", PlacementAlgorithms.byName("RIPPLE+").name());
        assertEquals("identity", PlacementAlgorithms.byName("Identity").name());
        assertEquals(
                "unknown placement algorithm 'ripple++'; known: [identity, frequency, ripple, ripple+]",
                assertThrows(IllegalArgumentException.class, () -> PlacementAlgorithms.byName("ripple++"))
                        .getMessage());
    }
}
