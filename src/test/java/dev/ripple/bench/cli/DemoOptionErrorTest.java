package dev.ripple.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code ripple demo} with a count out of range: one line naming the option and its value, as bench says it. */
class DemoOptionErrorTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--sentences          | 0  | --sentences must be positive, got 0",
                "--calibration-tokens | -1 | --calibration-tokens must be positive, got -1",
            })
    void aCountOutOfRangeIsOneLineNamingItsOption(String option, String value, String line) {
        Path work = dir.resolve("work");
        StringWriter err = new StringWriter();
        int exit = RippleCommand.run(
                new PrintWriter(new StringWriter()),
                new PrintWriter(err),
                "demo",
                "--work",
                work.toString(),
                option,
                value,
                "--quiet");
        assertEquals(1, exit, err.toString());
        assertEquals("ripple: " + line, err.toString().strip());
        assertFalse(Files.exists(work), "the counts are checked before any work");
    }
}
