package dev.ripple.io.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReaderKindTest {

    @Test
    void namesUsersTypeParseToKinds() {
        assertEquals(ReaderKind.DIRECT, ReaderKind.parse("direct"));
        assertEquals(ReaderKind.MMAP, ReaderKind.parse(" MMAP "));
        assertEquals(ReaderKind.POSITIONAL, ReaderKind.parse("pread"));
        assertEquals(ReaderKind.POSITIONAL, ReaderKind.parse("Positional"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReaderKind.parse("aio"));
        assertTrue(e.getMessage().contains("'aio'") && e.getMessage().contains("pread"), e.getMessage());
    }
}
