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

/**
 * {@code ripple bench} with a value out of range: the harness's settings hold the rule, the command
 * names the option in one line, and nothing is written before it.
 */
class BenchOptionErrorTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--tokens            | 0       | --tokens must be positive, got 0",
                "--sentences         | 0       | --sentences must be positive, got 0",
                "--sweep-tokens      | -3      | --sweep-tokens must be positive, got -3",
                "--prompt-tokens     | 0       | --prompt-tokens must be positive, got 0",
                "--decode-tokens     | 0       | --decode-tokens must be positive, got 0",
                "--calibration-tokens| 0       | --calibration-tokens must be positive, got 0",
                "--cache-fraction    | 1.5     | --cache-fraction must be a share in [0, 1], got 1.5",
                "--budgets           | 0.1,2   | --budgets must be a share in [0, 1], got 2.0",
            })
    void aValueOutOfRangeIsOneLineNamingItsOption(String option, String value, String line) {
        Path work = dir.resolve("work");
        StringWriter err = new StringWriter();
        int exit = RippleCommand.run(
                new PrintWriter(new StringWriter()),
                new PrintWriter(err),
                "bench",
                "--work",
                work.toString(),
                option,
                value,
                "--quiet");
        assertEquals(1, exit, err.toString());
        assertEquals("ripple: " + line, err.toString().strip());
        assertFalse(Files.exists(work), "the settings are checked before any work");
    }
}
