package dev.ripple.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A value that is not written as its option's kind of value at all is refused as the command line
 * is read, exit 2 (the README's promise, and what picocli does for {@code --max-tokens abc}), and
 * before any work; a well-formed value out of range stays exit 1 ({@link OptionRangeErrorTest}).
 * {@code --dram abc} and {@code --device missing.json} were refused with exit 1 (a new user's
 * walk through the README found both).
 */
class MalformedValueTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(
            delimiterString = " | ",
            quoteCharacter = '"',
            value = {
                "generate --model m.ripple --prompt-ids 1 --dram abc | --dram | 'abc' is not a size (e.g. 512MiB, 2GiB,"
                        + " 1TiB, or whole MiB as a number)",
                "bench --dram 1e9 | --dram | '1e9' is not a size: a number without a unit is whole MiB; give a unit"
                        + " (512MiB, 1.5GiB, 1TiB)",
                "generate --model m.ripple --prompt-ids 1 --device missing.json | --device | missing.json: is neither a"
                        + " device preset (ufs-3.1, ufs-4.0, nvme) nor an existing profile file (create one with 'ripple"
                        + " calibrate')",
                "bench --device ufs-5.0 | --device | ufs-5.0: is neither a device preset (ufs-3.1, ufs-4.0, nvme) nor an"
                        + " existing profile file (create one with 'ripple calibrate')",
                // a directory was read as a profile: exit 1, "cannot be read (java.io.IOException: Is a directory)"
                "policies --device . | --device | .: is a directory, not a profile file (a device preset: ufs-3.1,"
                        + " ufs-4.0, nvme)",
            })
    void aMalformedValueExitsTwoNamingItsOption(String command, String option, String message) throws IOException {
        Path work = dir.resolve("work");
        Files.createFile(dir.resolve("m.ripple")); // exists, so that the malformed value is what is refused
        StringWriter err = new StringWriter();
        int exit = RippleCommand.run(
                new PrintWriter(new StringWriter()),
                new PrintWriter(err),
                CommandRuns.commandLine(command, dir, Set.of("m.ripple"), work));
        assertEquals(2, exit, err.toString());
        assertEquals(
                "ripple: Invalid value for option '" + option + "': " + message + " (see 'ripple "
                        + command.split(" ")[0] + " --help')",
                err.toString().strip());
        assertFalse(Files.exists(work), "refused before any work");
    }

    /**
     * {@code --device ""} names no file: it was taken as the working directory, which exists, and
     * read as a profile later (exit 1, "cannot be read").
     */
    @Test
    void anEmptyDeviceIsNeitherAPresetNorAFile() {
        Path work = dir.resolve("work");
        StringWriter err = new StringWriter();
        int exit = RippleCommand.run(
                new PrintWriter(new StringWriter()),
                new PrintWriter(err),
                "policies",
                "--device",
                "",
                "--work",
                work.toString(),
                "--quiet");
        assertEquals(2, exit, err.toString());
        String line = err.toString().strip();
        assertTrue(
                line.startsWith("ripple: Invalid value for option '--device': '': is neither a device preset (ufs-3.1,"
                        + " ufs-4.0, nvme)"),
                line);
        assertFalse(Files.exists(work), "refused before any work");
    }
}
