package dev.ripple.placement.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** A bad option is refused naming the option and its value (it listed the values without names). */
class ProfileOptionsTest {
    @Test
    void aBadOptionIsNamed() {
        ProfileOptions o = ProfileOptions.defaults();
        assertEquals(
                "maxTokens must be positive, got 0",
                assertThrows(IllegalArgumentException.class, () -> o.withMaxTokens(0))
                        .getMessage());
        assertEquals(
                "maxSequenceLength must be at least 2, got 1",
                assertThrows(IllegalArgumentException.class, () -> o.withMaxSequenceLength(1))
                        .getMessage());
        assertEquals(
                "threads must not be negative (0: all processors), got -1",
                assertThrows(IllegalArgumentException.class, () -> o.withThreads(-1))
                        .getMessage());
    }
}
