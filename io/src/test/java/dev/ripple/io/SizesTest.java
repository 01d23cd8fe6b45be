package dev.ripple.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Sizes are printed to the nearest tenth in a unit that fits, never shifted down nor shown as 0. */
class SizesTest {
    @Test
    void eachSizeInAUnitThatFitsRoundedToTheNearest() {
        assertEquals("0 B", Sizes.bytes(0));
        assertEquals("1023 B", Sizes.bytes(1023));
        assertEquals("1.0 KiB", Sizes.bytes(1024));
        assertEquals("1.5 KiB", Sizes.bytes(1536));
        assertEquals("7.8 MiB", Sizes.bytes(8_203_823));
        assertEquals("8.0 MiB", Sizes.bytes((8L << 20) - 1024));
        assertEquals("1.25 GiB", Sizes.bytes(5L << 28));
    }
}
