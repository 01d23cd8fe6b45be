package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad paths on the command line: an output that is a directory or lies under a file, an input that
 * is a directory or missing, fail before any work with one line naming the option and the file, and
 * leave no temporary file; a file-system error names its file and its reason; a killed writer's
 * temporary file is removed by the next run; the progress line says what is done to the model.
 */
class OutputPathsTest {

    @TempDir
    Path dir;

    @Test
    void anOutputThatIsADirectoryIsRefusedBeforeAnyWorkAndLeavesNothing() throws IOException {
        Path model = Files.writeString(dir.resolve("m.ripple"), "x");
        Path trace = Files.writeString(dir.resolve("t.rtrace"), "x");
        Path outdir = Files.createDirectory(dir.resolve("outdir"));

        assertRefused(
                RippleRun.inProcess(
                        "place",
                        "--model",
                        model.toString(),
                        "--trace",
                        trace.toString(),
                        "--out",
                        outdir.toString(),
                        "--quiet"),
                "--out",
                outdir + ": is a directory");
        assertRefused(
                RippleRun.inProcess("profile", "--model", model.toString(), "--out", outdir.toString(), "--quiet"),
                "--out",
                outdir + ": is a directory");
        assertRefused(generateWithJson(model, outdir), "--json", outdir + ": is a directory");
        Path plainFile = Files.writeString(dir.resolve("plain"), "keep");
        assertRefused(
                generateWithJson(model, plainFile.resolve("run.json")), "--json", plainFile + ": not a directory");
        assertRefused(
                RippleRun.inProcess(
                        "profile",
                        "--model",
                        model.toString(),
                        "--out",
                        "x.rtrace",
                        "--work",
                        plainFile.toString(),
                        "--quiet"),
                "--work",
                plainFile + ": not a directory");

        assertEquals(List.of("m.ripple", "outdir", "plain", "t.rtrace"), names(dir), "a temporary file was left");
        assertEquals(List.of(), names(outdir));
        assertEquals("keep", Files.readString(plainFile));
    }

    @Test
    void anInputThatIsADirectoryOrMissingIsNamed() throws IOException {
        Path model = Files.writeString(dir.resolve("m.ripple"), "x");
        String d = dir.toString();
        assertRefused(RippleRun.inProcess("inspect", d), "FILE", d + ": is a directory, not a file");
        assertRefused(
                RippleRun.inProcess(
                        "place",
                        "--model",
                        model.toString(),
                        "--trace",
                        d,
                        "--out",
                        dir.resolve("o.ripple").toString()),
                "--trace",
                d + ": is a directory, not a file");
        assertRefused(
                RippleRun.inProcess(
                        "profile", "--text", d, "--out", dir.resolve("o.rtrace").toString()),
                "--text",
                d + ": is a directory, not a file");
        Path missing = dir.resolve("nonexistent.onnx");
        assertRefused(
                RippleRun.inProcess("demo", "--model", missing.toString()), "--model", missing + ": no such file");
        assertRefused(
                RippleRun.inProcess("generate", "--model", missing.toString(), "--prompt-ids", "1"),
                "--model",
                missing + ": no such file");
    }

    @Test
    void synthIntoAnExistingFileSaysItExistsAndWhatToDo() throws IOException {
        Path file = Files.writeString(dir.resolve("tiny-opt.ripple"), "a placed model");
        RippleRun run =
                RippleRun.inProcess("synth", "--preset", "tiny-opt", "--vocab", "50272", "--out", file.toString());
        assertEquals(1, run.exit(), run.err());
        String line = run.err().strip();
        assertFalse(line.contains("\n"), line);
        assertTrue(line.contains(file + ": already exists") && line.contains("remove it or pick another --out"), line);
        assertEquals("a placed model", Files.readString(file));
    }

    @Test
    void aLaterSynthRemovesTheTemporaryFileAKilledOneLeft() throws IOException {
        Path out = Files.createDirectory(dir.resolve("ckpt"));
        Path killed = out.resolve(".model.safetensors.tmp-999999999-5d1c0ffee0ddba11"); // no process has that pid
        Files.writeString(killed, "half a checkpoint");
        Files.setLastModifiedTime(killed, FileTime.from(Instant.now().minusSeconds(600)));
        Path mine = Files.writeString(out.resolve("notes.tmp-5d1c"), "the user's");

        RippleRun.succeeds("synth", "--preset", "tiny-opt", "--tokenizer", "none", "--out", out.toString());

        assertEquals(List.of("config.json", "model.safetensors", "notes.tmp-5d1c"), names(out));
        assertEquals("the user's", Files.readString(mine));
    }

    @Test
    void theProgressLineSaysTheRippleFileIsOpenedNotImported() throws Exception {
        Path ckpt = dir.resolve("ckpt");
        Path work = dir.resolve("work");
        RippleRun.succeeds("synth", "--preset", "tiny-opt", "--tokenizer", "none", "--out", ckpt.toString());
        RippleRun.succeeds(
                "generate",
                "--model",
                ckpt.toString(),
                "--prompt-ids",
                "1,2",
                "--max-tokens",
                "1",
                "--work",
                work.toString(),
                "--quiet");
        Path placed = work.resolve("ckpt-f16-identity.ripple");
        assertTrue(Files.isRegularFile(placed), names(work).toString());

        RippleRun run = RippleRun.childJvm(
                "generate",
                "--model",
                placed.toString(),
                "--prompt-ids",
                "1,2",
                "--max-tokens",
                "1",
                "--work",
                work.toString());
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.err().contains("ripple: open ckpt-f16-identity.ripple"), run.err());
        assertFalse(run.err().contains("import"), run.err());
    }

    /** {@code ripple generate} of {@code model} on the prompt of token 1, its report written to {@code json}. */
    private static RippleRun generateWithJson(Path model, Path json) {
        return RippleRun.inProcess(
                "generate", "--model", model.toString(), "--prompt-ids", "1", "--json", json.toString(), "--quiet");
    }

    /** Exit 2, one line on stderr naming the option and the file with its problem. */
    private static void assertRefused(RippleRun run, String option, String fileAndProblem) {
        assertEquals(2, run.exit(), run.err());
        String line = run.err().strip();
        assertFalse(line.contains("\n"), "more than one line: " + line);
        assertTrue(line.startsWith("ripple: ") && line.contains(option) && line.contains(fileAndProblem), line);
    }

    private static List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
