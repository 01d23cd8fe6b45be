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
 * {@code --cache-fraction} out of range is refused in the same words by every command that has it,
 * before any work; comparing cache policies refuses 0 as well, as there is no cache to manage.
 */
class CacheFractionOptionTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "bench                   | 2 | --cache-fraction must be a share in [0, 1], got 2.0",
                "demo                    | 2 | --cache-fraction must be a share in [0, 1], got 2.0",
                "generate --prompt-ids 1 | 2 | --cache-fraction must be a share in [0, 1], got 2.0",
                "policies                | 2 | --cache-fraction must be a share in (0, 1], got 2.0",
                "policies                | 0 | --cache-fraction must be a share in (0, 1], got 0.0",
            })
    void aFractionOutOfRangeIsOneLineNamingTheOption(String command, String value, String line) {
        Path work = dir.resolve("work");
        StringWriter err = new StringWriter();
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.addAll(List.of(
                "--model",
                dir.resolve("model.ripple").toString(),
                "--work",
                work.toString(),
                "--cache-fraction",
                value,
                "--quiet"));
        int exit = RippleCommand.run(
                new PrintWriter(new StringWriter()), new PrintWriter(err), args.toArray(String[]::new));
        assertEquals(1, exit, err.toString());
        assertEquals("ripple: " + line, err.toString().strip());
        assertFalse(Files.exists(work), "the option is checked before any work");
    }
}
