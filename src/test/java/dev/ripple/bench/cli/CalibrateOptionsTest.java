package dev.ripple.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ripple calibrate --seconds-per-point} is held to one rule whether the device or the readers
 * are measured: a time that is not positive, below 10 ms or above an hour is a one-line error
 * naming the option, given before anything is measured or written.
 */
class CalibrateOptionsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"", "--reader direct"})
    void aTimePerPointThatIsNotPositiveIsRefusedBeforeAnyMeasuring(String mode) throws IOException {
        for (String[] refused : new String[][] {
            {"0", "must be positive"},
            {"-1", "must be positive"},
            {"NaN", "must be positive"},
            {"Infinity", "must be at most 3600 (an hour per point), got Infinity"},
            // 1e30 overflowed the deadline: every point ended after one read, and the profile was saved
            {"1e30", "must be at most 3600 (an hour per point), got 1.0E30"},
            {"3600.5", "must be at most 3600 (an hour per point), got 3600.5"},
            {"1e-12", "must be at least 0.01 (a shorter point measures the clock, not the storage), got 1.0E-12"},
            {"1e-9", "must be at least 0.01 (a shorter point measures the clock, not the storage), got 1.0E-9"}
        }) {
            assertEquals("ripple: --seconds-per-point " + refused[1], refusal(mode, "--seconds-per-point", refused[0]));
        }
    }

    /** {@code --file-mib} out of range is named before a test file is made, whether the device or the readers are measured. */
    @ParameterizedTest
    @ValueSource(strings = {"", "--reader direct"})
    void aTestFileSizeOutOfRangeIsRefusedNamingTheOption(String mode) throws IOException {
        for (String mib : new String[] {"0", "-3", "9223372036854775807"}) {
            assertEquals("ripple: --file-mib must be in 1..1048576, got " + mib, refusal(mode, "--file-mib", mib));
        }
    }

    /** A test file too small for the grid is refused naming the option and the smallest it takes (it said "fileBytes must be ..."). */
    @Test
    void aTestFileTooSmallForTheGridIsRefusedNamingTheOption() throws IOException {
        String line = refusal("--quick", "--file-mib", "1");
        assertTrue(
                line.startsWith("ripple: --file-mib must be at least 2 for this grid (twice its largest read, "), line);
        assertTrue(line.endsWith("got 1"), line);
    }

    /**
     * The readers measured on a given {@code --file} need no {@code --dir} (nothing is written);
     * until 2026-12-07 it was required and unused. The device, and readers on a test file written,
     * still need it, refused as the command line is read.
     */
    @Test
    void aGivenFileNeedsNoDirectory() throws IOException {
        Path file = Files.write(dir.resolve("given.bin"), new byte[64 << 10]);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = RippleCommand.run(
                new PrintWriter(out),
                new PrintWriter(err),
                "calibrate",
                "--reader",
                "pread",
                "--file",
                file.toString(),
                "--queue-depths",
                "1",
                "--seconds-per-point",
                "0.01",
                "--quiet");
        assertEquals(0, exit, err.toString());
        assertTrue(out.toString().startsWith("reader pread on " + file), out.toString());
        for (String[] args : new String[][] {{"calibrate", "--quick", "--quiet"}, {"calibrate", "--reader", "pread"}}) {
            StringWriter refused = new StringWriter();
            assertEquals(2, RippleCommand.run(new PrintWriter(new StringWriter()), new PrintWriter(refused), args));
            assertTrue(
                    refused.toString().startsWith("ripple: Missing required option: '--dir=DIR'"), refused.toString());
        }
    }

    /**
     * The readers' test file must hold one read of the largest size: refused naming the option
     * before the file is written (it was refused after, naming the deleted temporary file).
     */
    @Test
    void aReadersTestFileSmallerThanTheLargestReadIsRefusedNamingTheOption() throws IOException {
        assertEquals(
                "ripple: --file-mib must be at least 2 for the largest of --sizes (2.0 MiB), got 1",
                refusal("--reader pread --sizes 4096,2097152 --queue-depths 1", "--file-mib", "1"));
    }

    /** A {@code --dir} that is missing or a file is refused as the command line is read, naming the option. */
    @ParameterizedTest
    @ValueSource(strings = {"missing", "plain-file"})
    void aDirectoryToMeasureThatIsNoDirectoryIsAUsageError(String name) throws IOException {
        Path given = dir.resolve(name);
        if (name.equals("plain-file")) {
            Files.writeString(given, "x");
        }
        StringWriter err = new StringWriter();
        int exit = RippleCommand.run(
                new PrintWriter(new StringWriter()),
                new PrintWriter(err),
                "calibrate",
                "--dir",
                given.toString(),
                "--quiet");
        assertEquals(2, exit, err.toString());
        String first = err.toString().lines().findFirst().orElse("");
        assertTrue(first.contains("'--dir'") && first.contains(given.toString()), err.toString());
    }

    /** A fio that cannot be run is said before the test file is written (a GiB by default), not after. */
    @Test
    void aMissingFioIsSaidBeforeTheTestFileIsWritten() throws IOException {
        String before = System.getProperty("ripple.fio");
        System.setProperty("ripple.fio", dir.resolve("no-such-fio").toString());
        try {
            String line = refusal("--reader direct --queue-depths 1", "--fio", "psync");
            assertTrue(line.startsWith("ripple: fio could not be started") && line.contains("install"), line);
        } finally {
            if (before == null) {
                System.clearProperty("ripple.fio");
            } else {
                System.setProperty("ripple.fio", before);
            }
        }
    }

    /**
     * The options of the readers' comparison are refused without {@code --reader}: calibrate then
     * measured the device on its own grid, ignoring them, and overwrote the device profile. (An option
     * typed with its default value, {@code --sizes 4096}, asks for nothing the run ignores: let through.)
     */
    @ParameterizedTest
    @ValueSource(strings = {"--queue-depths 8", "--sizes 8192", "--rounds 3"})
    void aReaderOptionWithoutReaderIsRefusedBeforeMeasuring(String option) throws IOException {
        String[] parts = option.split(" ");
        assertEquals(
                "ripple: " + parts[0] + ": only with --reader; without it calibrate measures the device on its own grid"
                        + " (--quick for a coarse one)",
                refusal("", parts[0], parts[1]));
    }

    /** A read size or queue depth the readers' grid refuses is named by its option (the message did not say which). */
    @Test
    void aGridValueOutOfRangeIsRefusedNamingItsOption() throws IOException {
        assertEquals(
                "ripple: --queue-depths: queue depths must be in 1..1024, got 0",
                refusal("--reader direct --sizes 4096", "--queue-depths", "1,0"));
        assertEquals(
                "ripple: --queue-depths: queue depths must be in 1..1024, got 2000",
                refusal("--reader direct --sizes 4096", "--queue-depths", "2000"));
        assertEquals(
                "ripple: --sizes: read sizes must be positive multiples of 4096, got 100",
                refusal("--reader direct --queue-depths 0", "--sizes", "100"));
    }

    /**
     * A given {@code --file} is read whole: {@code --file-mib}, the size of the test file written
     * without it, is refused beside it rather than ignored.
     */
    @Test
    void aTestFileSizeBesideAGivenFileIsRefused(@TempDir Path elsewhere) throws IOException {
        Path file = Files.write(elsewhere.resolve("f.bin"), new byte[8192]);
        assertEquals(
                "ripple: --file-mib: not with --file, which is read whole; it sizes the test file written without"
                        + " --file",
                refusal("--reader pread --file " + file, "--file-mib", "4"));
    }

    /**
     * {@code ripple calibrate --dir DIR --quiet} with {@code option value} and the {@code mode}'s
     * arguments: its one-line error, failing the test unless it exits 1 having written nothing.
     */
    private String refusal(String mode, String option, String value) throws IOException {
        String line = CommandRuns.refusal(Stream.concat(
                        Stream.of("calibrate", "--dir", dir.toString(), "--quiet", option, value),
                        Stream.of(mode.split(" ")).filter(a -> !a.isEmpty()))
                .toArray(String[]::new));
        try (Stream<Path> written = Files.list(dir)) {
            assertEquals(0, written.count(), "nothing is written before the option is checked");
        }
        return line;
    }
}
