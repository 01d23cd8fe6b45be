package dev.ripple.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the command-line fuzz target ({@link CommandLineFuzzTest}) found, each on the exact
 * argument vector that showed it, held to the promise the target checks
 * ({@link CommandLineFuzzTest#check}) and to what was wrong.
 */
class CommandLineFindingsTest {
    @TempDir
    Path dir;

    /**
     * {@code --workload} naming no workload was refused only after a quick device calibration in
     * the work directory (seconds of disk reads and writes on a disk; on tmpfs a direct-I/O error
     * that named the calibration's temp file instead of the option). It is checked as the command
     * line is read now, before any work.
     */
    @ParameterizedTest
    @ValueSource(strings = {"bench", "policies"})
    void aMissingWorkloadIsRefusedBeforeAnyCalibration(String command) {
        Path work = dir.resolve("work");
        Path missing = dir.resolve("no-workload");
        CapturedRun r = run(command, "--workload", missing.toString(), "--work", work.toString(), "--quiet");
        assertEquals(2, r.exit(), r.err());
        assertEquals(
                "ripple: Invalid value for option '--workload': " + missing
                        + ": no such file or directory (see 'ripple " + command + " --help')",
                r.err().strip());
        assertFalse(Files.exists(work), "nothing is calibrated or written before the refusal");
    }

    /** A workload.json that is JSON but not an object ended in a ClassCastException ("internal error"). */
    @ParameterizedTest
    @ValueSource(strings = {"[]", "1", ""})
    void aWorkloadSpecThatIsNotAnObjectIsRefusedNamingTheFile(String spec) throws IOException {
        Path workload = Files.createDirectories(dir.resolve("w"));
        Path file = Files.writeString(workload.resolve("workload.json"), spec, StandardCharsets.UTF_8);
        CapturedRun r = run(
                "bench",
                "--workload",
                workload.toString(),
                "--work",
                dir.resolve("work").toString());
        assertEquals(1, r.exit(), r.err());
        assertEquals(
                "ripple: " + file + ": not a workload spec (not a JSON object)",
                r.err().strip());
    }

    /**
     * A step that failed was reported done: in a log (stderr not a terminal) {@code generate} on a
     * file that is not a GGUF printed "import x.gguf ...", "import x.gguf done in 0.1 s", then the
     * error. A step's end line now says how long it ran, which holds whether it ended well or not.
     */
    @Test
    void aFailedStepIsNotReportedDone() throws IOException {
        Path gguf = Files.writeString(dir.resolve("garbage.gguf"), "RIPL not a GGUF file", StandardCharsets.UTF_8);
        CapturedRun r = run(
                "generate",
                "--model",
                gguf.toString(),
                "--prompt=--=",
                "--work",
                dir.resolve("work").toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().strip().endsWith("not a GGUF file"), r.err());
        List<String> log = r.systemErr().strip().lines().toList();
        assertEquals(2, log.size(), r.systemErr());
        assertTrue(log.get(1).matches("ripple: import garbage\\.gguf ended after [0-9.]+ s"), log.get(1));
        assertFalse(r.systemErr().contains("done"), r.systemErr());
    }

    /**
     * A path with a newline in it, refused as missing, made a two-line error: the message naming a
     * missing or unreadable file was not held to one line. Fuzzing found it on {@code --text} (kept
     * as {@code finding-newline-in-a-missing-path}); the name is now printed with the newline escaped.
     */
    @Test
    void aMissingPathWithANewlineIsNamedOnOneLine() {
        Path work = dir.resolve("work");
        CapturedRun r = run("demo", "--work", work.toString(), "--cache", "-1", "--text", "a\nb", "--quiet");
        assertEquals(2, r.exit(), r.err());
        assertEquals(
                "ripple: Invalid value for option '--text': a\\nb: no such file or directory (see 'ripple demo --help')",
                r.err().strip());
        assertEquals("x\\ry\\u0000: permission denied", RippleCommand.describe(new AccessDeniedException("x\ry\0")));
    }

    private static CapturedRun run(String... args) {
        CapturedRun r = CapturedRun.of(List.of(args), Duration.ofSeconds(60));
        CommandLineFuzzTest.check(r);
        return r;
    }
}
