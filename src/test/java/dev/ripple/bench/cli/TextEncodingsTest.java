package dev.ripple.bench.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.placement.trace.ActivationTrace;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ripple profile --text} on a user's own files: UTF-16 with a byte-order mark profiles as
 * its UTF-8 twin does (it was refused as Latin-1), and a gzip file cut short is refused with one
 * line naming the file (it said "Unexpected end of ZLIB input stream"), writing no trace.
 */
class TextEncodingsTest {
    private static final String TEXT =
            "The committee approved the budget.\r\nIl a dit que la réunion était terminée.\r\n";

    @TempDir
    Path dir;

    @Test
    void utf16WithAMarkProfilesAsItsUtf8Twin() throws Exception {
        Path utf8 = Files.writeString(dir.resolve("utf8.txt"), TEXT);
        byte[] utf16 = TEXT.getBytes(StandardCharsets.UTF_16); // big-endian, with its mark
        Path marked = Files.write(dir.resolve("utf16.txt"), utf16);
        ActivationTrace a = CommandRuns.profile(utf8, dir, "--split", "all");
        ActivationTrace b = CommandRuns.profile(marked, dir, "--split", "all");
        assertArrayEquals(a.passageStarts(), b.passageStarts());
        assertEquals(a.layer(0), b.layer(0), "the same active sets");
    }

    @Test
    void aTruncatedGzipIsRefusedOnOneLineNamingIt() throws Exception {
        Path whole = dir.resolve("whole.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(whole))) {
            out.write(TEXT.repeat(2_000).getBytes(StandardCharsets.UTF_8));
        }
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = Files.write(dir.resolve("cut.txt.gz"), Arrays.copyOf(bytes, bytes.length - 20));
        Path out = dir.resolve("cut.rtrace");
        String error = CommandRuns.refusal(
                "profile",
                "--text",
                cut.toString(),
                "--out",
                out.toString(),
                "--work",
                dir.resolve("work").toString(),
                "--quiet");
        // the lines before the cut that the inflater could give (how many depends on the deflate blocks)
        assertTrue(
                error.matches("ripple: \\Q" + cut + "\\E: its gzip data ends early, after line \\d+ \\(a truncated copy"
                        + " or download\\?\\)"),
                error);
        assertFalse(Files.exists(out));
    }
}
