package dev.ripple.io.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.io.TestFiles;
import dev.ripple.io.reader.ReaderKind;
import dev.ripple.io.reader.UringReader;
import java.io.IOException;
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
                assertEquals(kind.cliName(), c.requested());
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
                assertEquals(kind.usesPageCache() ? "evicted before each point" : "bypassed (O_DIRECT)", c.pageCache());
            }
        } finally {
            TestFiles.deleteRecursively(dir);
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> ReaderCalibrator.Options.defaults().withGrid(List.of(1000), List.of(1)));
    }
}
