package dev.ripple.io.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.io.TestFiles;
import dev.ripple.io.nativeio.PageCache;
import dev.ripple.io.reader.ReaderKind;
import dev.ripple.io.reader.UringReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReaderCalibratorTest {

    @Test
    void everyReaderGivesOneEntryPerSizeAndDepthWithIopsAndCpu() throws IOException {
        Path dir = TestFiles.newDirectory("reader-calibration");
        try {
            Path file = dir.resolve("test.bin");
            DeviceCalibrator.writeTestFile(file, 8L << 20, 7);
            ReaderCalibrator.Options options = ReaderCalibrator.Options.defaults()
                    .withGrid(List.of(4096, 16384), List.of(1, 4))
                    .withTimes(Duration.ofMillis(10), Duration.ofMillis(60));
            for (ReaderKind kind : ReaderKind.values()) {
                List<CalibrationProgress> steps = new ArrayList<>();
                ReaderCalibration c = ReaderCalibrator.measure(kind, file, options, steps::add);
                boolean fellBack = kind.effective() != kind;
                assertEquals(fellBack ? kind.cliName() : null, c.readerAsked());
                assertEquals(kind.fallbackReason().orElse(null), c.readerFallback());
                assertEquals(!fellBack, !c.toJson().contains("readerAsked"), "asked only when another ran");
                assertEquals(kind.effective().cliName(), c.reader(), "the reader that ran, by the CLI's name");
                String expectedKind = kind == ReaderKind.IO_URING && !UringReader.available() ? "direct" : null;
                if (expectedKind != null) {
                    assertEquals(expectedKind, c.reader(), "io_uring falls back and says so");
                }
                assertEquals(4, c.entries().size());
                assertEquals(4, steps.size());
                for (ReaderPoint p : c.entries()) {
                    assertTrue(p.iops() > 0 && p.reads() >= 64 && p.cpuMicrosPerRead() > 0, p.toString());
                    assertEquals(p.iops() * p.sizeBytes() / (1 << 20), p.mibPerSecond(), 1e-6);
                }
                assertEquals(16384, c.point(16384, 4).sizeBytes());
                JsonNode json = new ObjectMapper().readTree(c.toJson());
                JsonNode first = json.path("entries").get(0);
                for (String key : new String[] {"sizeBytes", "queueDepth", "iops", "cpuMicrosPerRead"}) {
                    assertTrue(first.has(key), key + " in " + first);
                }
                assertEquals(
                        !kind.usesPageCache()
                                ? "bypassed (O_DIRECT)"
                                : PageCache.attempt(file).evicted()
                                        ? "evicted before each point"
                                        : "NOT evicted ("
                                                + PageCache.attempt(file).reason() + ")",
                        c.pageCache());
            }
        } finally {
            TestFiles.deleteRecursively(dir);
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> ReaderCalibrator.Options.defaults().withGrid(List.of(1000), List.of(1)));
    }

    @Test
    void aFileShorterThanOneReadIsRefusedAsSuch() throws IOException {
        Path dir = TestFiles.newDirectory("reader-calibration-short");
        try {
            Path file = dir.resolve("f4095.bin");
            Files.write(file, new byte[4095]);
            ReaderCalibrator.Options options = ReaderCalibrator.Options.defaults()
                    .withGrid(List.of(4096), List.of(1))
                    .withTimes(Duration.ZERO, Duration.ofMillis(10));
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> ReaderCalibrator.measurePoint(ReaderKind.POSITIONAL, file, 4096, 1, options, 1));
            assertTrue(e.getMessage().contains("(4095 bytes) is smaller than one 4096-byte read"), e.getMessage());
        } finally {
            TestFiles.deleteRecursively(dir);
        }
    }

    @Test
    void aPageCacheReaderIsWarnedWhenAPointReadsMoreThanTheFileHolds() {
        ReaderPoint small = new ReaderPoint(4096, 1, 1000, 1000 * 4096.0 / (1 << 20), 1, 1000, 1); // 4 MB read
        assertTrue(ReaderCalibrator.selfWarming(ReaderKind.POSITIONAL, 64L << 20, List.of(small))
                .isEmpty());
        String w = ReaderCalibrator.selfWarming(ReaderKind.MMAP, 1L << 20, List.of(small))
                .orElseThrow();
        assertTrue(w.contains("smaller than the data read per point") && w.contains("(1.0 MiB)"), w);
        assertTrue(
                ReaderCalibrator.selfWarming(ReaderKind.DIRECT, 1L << 20, List.of(small))
                        .isEmpty(),
                "O_DIRECT reads do not fill the page cache");
    }
}
