package dev.ripple.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ripple.io.device.EmulatedReader;
import dev.ripple.io.reader.ReaderKind;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whether {@code ripple bench} evicts a file before each pass: always for a page-cache reader of its
 * own real reads, never under an emulated device whose real reads come from DRAM, and never for
 * O_DIRECT; and the words the header says for each.
 */
class PassStartTest {
    @TempDir
    Path dir;

    @Test
    void aPageCacheReaderEvictsUnlessAnEmulatedDeviceReadsTheFileFromDram() {
        for (ReaderKind reader : new ReaderKind[] {ReaderKind.MMAP, ReaderKind.POSITIONAL}) {
            assertEquals(PassStart.EVICTED, PassStart.of(reader, false, false), reader + ", no device");
            assertEquals(
                    PassStart.EVICTED, PassStart.of(reader, false, true), reader + ": without a device DRAM is moot");
            assertEquals(
                    PassStart.EVICTED,
                    PassStart.of(reader, true, false),
                    reader
                            + ": the file does not fit, the device keeps this reader, whose reads a warm cache would serve");
            assertEquals(PassStart.KEPT, PassStart.of(reader, true, true), reader + ": the file fits in DRAM");
        }
    }

    @Test
    void anODirectReaderNeverEvictsAndIsReplacedByDramReadsWhenTheFileFits() {
        for (ReaderKind reader : new ReaderKind[] {ReaderKind.DIRECT, ReaderKind.IO_URING}) {
            assertEquals(PassStart.BYPASSED, PassStart.of(reader, false, false), reader.cliName());
            assertEquals(PassStart.BYPASSED, PassStart.of(reader, true, false), reader.cliName());
            assertEquals(PassStart.KEPT, PassStart.of(reader, true, true), reader.cliName());
        }
    }

    @Test
    void aSmallFileUnderAnEmulatedDeviceIsKeptAndWithoutOneEvicted() throws Exception {
        Path file = Files.write(dir.resolve("small.ripple"), new byte[64 * 1024]);
        assertEquals(PassStart.EVICTED, PassStart.of(ReaderKind.POSITIONAL, false, file));
        assumeTrue(EmulatedReader.readsFromDram(file), "this machine reports its available memory");
        assertEquals(PassStart.KEPT, PassStart.of(ReaderKind.POSITIONAL, true, file));
    }

    @Test
    void theHeaderSaysWhichInWordsAndTheJsonByLabel() {
        assertEquals("O_DIRECT, page cache bypassed", PassStart.BYPASSED.describe());
        assertEquals("file evicted from the page cache before every pass", PassStart.EVICTED.describe());
        assertEquals(
                "file kept in the page cache: the emulated device's real reads come from DRAM",
                PassStart.KEPT.describe());
        assertEquals("kept", PassStart.KEPT.label());
    }
}
