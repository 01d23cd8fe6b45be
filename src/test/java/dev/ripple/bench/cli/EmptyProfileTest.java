package dev.ripple.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ripple.placement.trace.ActivationTrace;
import dev.ripple.placement.trace.TraceFiles;
import dev.ripple.placement.trace.TraceInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A profile of nothing is refused: a split of the text with no passage (a one-line file's held-out
 * half) before the model is touched, with the split's sizes; and a trace of no tokens given to
 * {@code place}, which would otherwise write a model placed by nothing.
 */
class EmptyProfileTest {
    @TempDir
    Path dir;

    @Test
    void anEmptySplitIsATypedErrorWithTheSplitsSizes() throws IOException {
        Path one = Files.writeString(dir.resolve("one.txt"), "one line only\n");
        Corpus corpus = Corpus.load(one, 0.5);
        EmptySplitException e = assertThrows(EmptySplitException.class, () -> corpus.part("heldout"));
        assertEquals(
                "one.txt: no passages in the heldout split (1 calibration, 0 held out; choose another --split or"
                        + " --heldout-fraction, or give more lines)",
                e.getMessage());
        assertEquals(1, corpus.part("calibration").size());
        assertEquals(1, corpus.part("all").size());
    }

    @Test
    void profileRefusesAnEmptySplitBeforeAnyWork() throws IOException {
        Path one = Files.writeString(dir.resolve("one.txt"), "one line only\n");
        Path work = dir.resolve("work");
        Path out = dir.resolve("e.rtrace");
        assertEquals(
                "ripple: one.txt: no passages in the heldout split (1 calibration, 0 held out; choose another --split"
                        + " or --heldout-fraction, or give more lines)",
                CommandRuns.refusal(
                        "profile",
                        "--text",
                        one.toString(),
                        "--split",
                        "heldout",
                        "--out",
                        out.toString(),
                        "--work",
                        work.toString(),
                        "--quiet"));
        assertFalse(Files.exists(out), "no trace written");
        assertFalse(Files.exists(work), "the model is not unpacked");
    }

    /**
     * The commands that place on the calibration half and measure on the held-out half refuse a
     * text whose held-out half is empty before any work: they printed tables of NaN and Infinity.
     */
    @Test
    void theCommandsThatMeasureOnHeldOutTextRefuseAOneLineTextBeforeAnyWork() throws IOException {
        Path one = Files.writeString(dir.resolve("one.txt"), "one line only\n");
        Path work = dir.resolve("work");
        for (String command : new String[] {"demo", "bench", "policies", "tradeoff"}) {
            assertEquals(
                    "ripple: one.txt: 1 calibration and 0 held-out passages; this command places on the one and"
                            + " measures on the other, so it needs both (give more lines)",
                    CommandRuns.refusal(command, "--text", one.toString(), "--work", work.toString()),
                    command);
            assertFalse(holdsAFile(work), command + ": the model is not unpacked");
        }
    }

    @Test
    void placeRefusesATraceOfNoTokens() throws IOException {
        Path trace = dir.resolve("empty.rtrace");
        TraceFiles.write(
                trace,
                ActivationTrace.builder(new TraceInfo("m", "one.txt", "act > 0", 0), new int[] {256, 256})
                        .build());
        Path out = dir.resolve("placed.ripple");
        Path work = dir.resolve("work");
        assertEquals(
                "ripple: --trace " + trace + ": holds no tokens (profile more text into it, e.g. --split all)",
                CommandRuns.refusal(
                        "place",
                        "--trace",
                        trace.toString(),
                        "--out",
                        out.toString(),
                        "--work",
                        work.toString(),
                        "--quiet"));
        assertFalse(Files.exists(out), "no model written");
        assertFalse(Files.exists(work), "the default model is not unpacked");
    }

    /** Whether {@code dir} holds a file at any depth (a command may create the work directory itself first). */
    static boolean holdsAFile(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return false;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            return all.anyMatch(Files::isRegularFile);
        }
    }
}
