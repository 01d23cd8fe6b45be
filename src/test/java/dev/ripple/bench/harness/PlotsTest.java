package dev.ripple.bench.harness;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The range bars draw the tail above the median (and nothing when there is none), and write a PNG atomically. */
class PlotsTest {
    private static final int TAIL_RGB = 0xb7cde3;
    private static final int MEDIAN_RGB = 0x3c6e9f;

    @TempDir
    Path dir;

    @Test
    void rangeBarsShowTheMedianAndTheTailAboveIt() throws Exception {
        Path png = dir.resolve("ranges.png");
        Plots.ranges(
                png,
                "I/O time",
                "device · reader · 2026-12-06",
                "ms",
                List.of("a", "b"),
                List.of(new Percentiles(1.2, 1.0, 1.5, 3.0), new Percentiles(0.6, 0.5, 0.7, 0.9)),
                2);
        BufferedImage image = ImageIO.read(png.toFile());
        long tail = count(image, TAIL_RGB);
        assertTrue(
                count(image, MEDIAN_RGB) > 1000 && tail > 1000,
                "both the median bars and their tails are drawn: " + tail);

        Path flat = dir.resolve("flat.png");
        Plots.ranges(flat, "I/O time", "context", "ms", List.of("a"), List.of(new Percentiles(1, 1, 1, 1)), 2);
        BufferedImage noTail = ImageIO.read(flat.toFile());
        assertTrue(count(noTail, MEDIAN_RGB) > 1000);
        assertTrue(
                count(noTail, TAIL_RGB) < tail / 10,
                "only the legend's swatch where p99 equals p50: " + count(noTail, TAIL_RGB));
    }

    private static long count(BufferedImage image, int rgb) {
        long n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xffffff) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }
}
