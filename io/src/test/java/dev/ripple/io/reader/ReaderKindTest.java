package dev.ripple.io.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
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

    @Test
    void ioUringWithoutTheCallsRunsTheDirectReaderAndSaysSo() {
        assertEquals(ReaderKind.DIRECT, ReaderKind.IO_URING.effective(Optional.empty()));
        for (ReaderKind k : ReaderKind.values()) {
            if (k != ReaderKind.IO_URING) {
                assertEquals(k, k.effective(Optional.empty()), k.cliName());
                assertTrue(k.fallbackReason().isEmpty(), k.cliName());
            }
        }
        // on this machine: the fallback reason is there exactly when the kind that runs differs
        assertEquals(
                ReaderKind.IO_URING.effective() != ReaderKind.IO_URING,
                ReaderKind.IO_URING.fallbackReason().isPresent());
        ReaderKind.IO_URING.fallbackReason().ifPresent(r -> assertTrue(r.startsWith("io_uring unavailable: "), r));
    }
}
