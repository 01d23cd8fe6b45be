package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ripple profile} of a checkpoint directory without a tokenizer is refused before the import,
 * naming the directory: it used to import the whole checkpoint (minutes for a large one) and then
 * fail naming the import in the work directory, a file the user never gave.
 */
class NoTokenizerCheckpointTest {
    @TempDir
    Path dir;

    @Test
    void aCheckpointWithoutATokenizerIsRefusedBeforeItsImportNamingTheDirectory() throws Exception {
        Path checkpoint = Files.createDirectories(dir.resolve("no-tokenizer"));
        try (Stream<Path> files = Files.list(TinyOpt.dir())) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (!name.equals("vocab.json") && !name.equals("merges.txt") && !name.equals("tokenizer.json")) {
                    Files.copy(f, checkpoint.resolve(name));
                }
            }
        }
        Path work = dir.resolve("work");
        Path text = Files.writeString(dir.resolve("t.txt"), "A line of text.\nAnother line.\n");
        RippleRun run = RippleRun.inProcess(
                "profile",
                "--model",
                checkpoint.toString(),
                "--text",
                text.toString(),
                "--out",
                dir.resolve("t.rtrace").toString(),
                "--work",
                work.toString(),
                "--quiet");
        assertEquals(1, run.exit(), run.err());
        assertEquals(
                "ripple: " + checkpoint + ": the checkpoint has no tokenizer (tokenizer.json, or vocab.json and"
                        + " merges.txt); give a tokenizer.json with --tokenizer FILE",
                run.err().strip());
        if (Files.exists(work)) {
            try (Stream<Path> made = Files.list(work)) {
                assertFalse(made.anyMatch(p -> p.toString().endsWith(".ripple")), "nothing imported into " + work);
            }
        }
    }
}
