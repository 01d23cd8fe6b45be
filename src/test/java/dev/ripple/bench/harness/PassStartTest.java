package dev.ripple.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.io.device.EmulatedReader;
import dev.ripple.io.reader.ReaderKind;
import dev.ripple.io.reader.ReaderRan;
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
    void keptPassesNameTheDramReaderThatRanInTheHeaderAndTheJsonAlike() {
        ReaderRan kept = PassStart.KEPT.readerRan(ReaderKind.DIRECT);
        assertEquals("pread", kept.name());
        assertEquals("direct", kept.asked().cliName());
        ObjectNode doc = kept.putJson(JsonNodeFactory.instance.objectNode());
        assertEquals("pread", doc.path("reader").asText(), doc.toString());
        assertEquals("direct", doc.path("readerAsked").asText(), doc.toString());
        assertEquals(kept.fallback(), doc.path("readerFallback").asText());
        assertEquals(
                "pread (direct asked for; " + kept.fallback() + ") reads",
                ReportText.reads(kept, PassStart.KEPT),
                "the DRAM reads said once, not again as the page cache's");
        assertEquals(
                "pread reads (" + PassStart.KEPT.describe() + ")",
                ReportText.reads(PassStart.KEPT.readerRan(ReaderKind.POSITIONAL), PassStart.KEPT));
        // pread asked for and pread ran: nothing to explain
        assertEquals("pread", PassStart.KEPT.readerRan(ReaderKind.POSITIONAL).describe());
        assertEquals(ReaderRan.of(ReaderKind.DIRECT), PassStart.BYPASSED.readerRan(ReaderKind.DIRECT));
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

    @Test
    void aWarmStartSaysWhyTheEvictionDroppedNothingInTheHeaderAndTheJson() {
        PassStart warm = PassStart.warm("native I/O disabled by -Dripple.nativeio.disabled=true");
        assertEquals(
                "file NOT evicted from the page cache (native I/O disabled by -Dripple.nativeio.disabled=true): "
                        + "passes may start warm",
                warm.describe());
        ObjectNode doc = warm.putJson(JsonNodeFactory.instance.objectNode());
        assertEquals("warm", doc.path("passStart").asText());
        assertEquals(warm.reason(), doc.path("passStartReason").asText());
        assertTrue(PassStart.EVICTED
                .putJson(JsonNodeFactory.instance.objectNode())
                .path("passStartReason")
                .isMissingNode());
    }

    @Test
    void aPageCacheReaderWhoseEvictionDropsNothingRunsWarmFromThenOn() throws Exception {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm), "/dev/shm is there");
        Path file = Files.createTempFile(shm, "ripple-passstart-", ".ripple");
        try {
            Files.write(file, new byte[64 * 1024]);
            PassStarts starts = new PassStarts(ReaderKind.POSITIONAL, false);
            assertEquals(PassStart.EVICTED, starts.of(file), "decided before any eviction");
            PassStart warm = starts.before(file);
            assertEquals(PassStart.Kind.WARM, warm.kind(), "a tmpfs file cannot be evicted");
            assertEquals(warm, starts.of(file), "and the decision is kept");
            assertEquals(warm, starts.overall(dir.resolve("other")), "one warm file speaks for the run");
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
