package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files of the wrong kind, or that disagree with each other, found by a hunt through the command
 * line's file options (2026-12-07): each is refused in one line naming the file, exit 1, and an
 * existing output survives untouched.
 */
class BadInputFilesTest {
    @TempDir
    static Path dir;

    /**
     * {@code place --tokenizer} stored whatever it was given (an empty file, a text file, a .ripple
     * file) as the model's tokenizer.json and exited 0; every {@code generate} on the written file
     * then failed on it, with --prompt-ids too, naming only "tokenizer.json".
     */
    @Test
    void placeRefusesATokenizerThatDoesNotReadAndKeepsTheOldFile() throws IOException {
        Path trace = dir.resolve("c.trace");
        DecoderSteps.profile(TinyOpt.dir(), trace, 40, dir.resolve("profile-work"));
        byte[] old = "an earlier model file".getBytes();
        Path out = Files.write(dir.resolve("placed.ripple"), old);
        Path empty = Files.createFile(dir.resolve("empty.json"));
        Path text = Files.writeString(dir.resolve("notes.txt"), "The quick brown fox.\n");
        for (Path tokenizer : new Path[] {empty, text, trace}) {
            RippleRun refused = RippleRun.inProcess(
                    "place",
                    "--model",
                    TinyOpt.dir().toString(),
                    "--trace",
                    trace.toString(),
                    "--tokenizer",
                    tokenizer.toString(),
                    "--out",
                    out.toString(),
                    "--work",
                    dir.resolve("place-work").toString(),
                    "--quiet");
            assertEquals(1, refused.exit(), refused.err());
            String err = refused.err().strip();
            assertEquals(1, err.lines().count(), err);
            assertTrue(err.startsWith("ripple: " + tokenizer + ": (document): malformed: "), err);
            assertArrayEquals(old, Files.readAllBytes(out), "the existing --out survives");
        }
    }
}
