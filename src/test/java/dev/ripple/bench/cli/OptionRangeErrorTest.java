package dev.ripple.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A value out of range: one line naming the option and the value, in the same words whichever
 * command has the option, and nothing written before it. Bench's settings hold its rules; an option
 * several commands share ({@code --cache-fraction}, {@code --calibration-tokens}) is checked by its
 * mixin.
 */
class OptionRangeErrorTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "bench --tokens 0                | --tokens must be positive, got 0",
                "bench --sentences 0             | --sentences must be positive, got 0",
                "bench --sweep-tokens -3         | --sweep-tokens must be positive, got -3",
                "bench --prompt-tokens 0         | --prompt-tokens must be positive, got 0",
                "bench --decode-tokens 0         | --decode-tokens must be positive, got 0",
                "bench --calibration-tokens 0    | --calibration-tokens must be positive, got 0",
                "bench --cache-fraction 1.5      | --cache-fraction must be a share in [0, 1], got 1.5",
                "bench --budgets 0.1,2           | --budgets must be a share in [0, 1], got 2.0",
                "demo --sentences 0              | --sentences must be positive, got 0",
                "demo --calibration-tokens -1    | --calibration-tokens must be positive, got -1",
                "demo --cache-fraction 2         | --cache-fraction must be a share in [0, 1], got 2.0",
                "generate --model m.ripple --prompt-ids 1 --cache-fraction 2"
                        + " | --cache-fraction must be a share in [0, 1], got 2.0",
                "policies --cache-fraction 2     | --cache-fraction must be a share in (0, 1], got 2.0",
                "policies --cache-fraction 0     | --cache-fraction must be a share in (0, 1], got 0.0",
            })
    void aValueOutOfRangeIsOneLineNamingItsOption(String command, String line) {
        Path work = dir.resolve("work");
        StringWriter err = new StringWriter();
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.addAll(List.of("--work", work.toString(), "--quiet"));
        int exit = RippleCommand.run(
                new PrintWriter(new StringWriter()), new PrintWriter(err), args.toArray(String[]::new));
        assertEquals(1, exit, err.toString());
        assertEquals("ripple: " + line, err.toString().strip());
        assertFalse(Files.exists(work), "the value is checked before any work");
    }
}
