package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.placement.algorithm.PlacementAlgorithms;
import dev.ripple.placement.pipeline.PipelineListener;
import dev.ripple.placement.pipeline.PlacementPipeline;
import dev.ripple.placement.trace.ActivationTrace;
import dev.ripple.placement.trace.TraceFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ripple profile} of a short text of one's own says that its default split ran only part of
 * the lines and how to run them all: a user with three lines got "profiled 9 tokens of 2 passages"
 * and no word of the third, held out by the default {@code --split calibration}.
 */
class ShortTextCommandTest {
    @TempDir
    Path dir;

    @Test
    void aTextThatRunsOutBeforeTheBudgetSaysWhichPartOfItWasProfiled() throws Exception {
        Path text = Files.writeString(dir.resolve("few.txt"), "A first line.\r\nA second line.\r\nA third line.\r\n");
        RippleRun calibration = profile(text, "calibration", "20000");
        assertTrue(
                calibration
                        .out()
                        .contains("the text ran out before --max-tokens 20000: the calibration split holds 2 of the 3"
                                + " passages of few.txt (--split all profiles every line)"),
                calibration.out());

        RippleRun all = profile(text, "all", "20000");
        assertFalse(all.out().contains("ran out"), "every line was run: " + all.out());
        RippleRun budget = profile(text, "calibration", "4");
        assertFalse(budget.out().contains("ran out"), "the budget was reached: " + budget.out());
        RippleRun whole = profile(text, "calibration", "20000", "--heldout-fraction", "0");
        assertFalse(whole.out().contains("ran out"), "the calibration split held every line: " + whole.out());
    }

    /** A decoder's bench refuses a one-line text before importing the checkpoint: it has no held-out prompt. */
    @Test
    void aDecoderBenchRefusesATextWithNoHeldOutLine() throws Exception {
        Path one = Files.writeString(dir.resolve("one.txt"), "one line only\n");
        Path work = dir.resolve("work");
        RippleRun run = RippleRun.inProcess(
                "bench", "--model", TinyOpt.dir().toString(), "--text", one.toString(), "--work", work.toString());
        assertEquals(1, run.exit(), run.err());
        assertEquals(
                "ripple: one.txt: 1 calibration and 0 held-out passages; this command places on the one and measures"
                        + " on the other, so it needs both (give more lines)",
                run.err().strip());
        if (Files.exists(work)) {
            try (Stream<Path> made = Files.walk(work)) {
                assertFalse(made.anyMatch(Files::isRegularFile), "nothing imported into " + work);
            }
        }
    }

    /**
     * {@code place --eval} of the calibration trace itself is refused: it printed the placement's
     * fit to its own tokens under the title "held-out"; the API refuses the same trace object too.
     */
    @Test
    void placeRefusesTheCalibrationTraceAsItsHeldOutTrace() throws Exception {
        Path text = Files.writeString(dir.resolve("few.txt"), "A first line.\nA second line.\nA third line.\n");
        Path trace = dir.resolve("t.rtrace");
        profile(text, "all", "200");
        RippleRun run =
                placeEvaluating(trace, dir.resolve(".").resolve("t.rtrace").toString());
        assertEquals(1, run.exit(), run.err());
        assertEquals(
                "ripple: the held-out trace is the calibration trace itself, whose reads per token are the"
                        + " placement's own fit, not held-out figures (--eval "
                        + dir.resolve(".").resolve("t.rtrace")
                        + " is --trace " + trace + "): profile held-out text for it (ripple profile --split heldout)",
                run.err().strip());
        assertFalse(Files.exists(dir.resolve("m.ripple")), "nothing written");

        ActivationTrace calibration = TraceFiles.read(trace);
        IllegalArgumentException api = assertThrows(
                IllegalArgumentException.class,
                () -> PlacementPipeline.place(
                        calibration, calibration, PlacementAlgorithms.all(), PipelineListener.NONE));
        assertTrue(api.getMessage().startsWith(PlacementPipeline.HELD_OUT_IS_CALIBRATION), api.getMessage());
    }

    /**
     * The same text profiled twice, or a copy of the trace, is the calibration trace too: the API
     * took it as held-out (the README's example with the same lines for both), and {@code place
     * --eval} of a copy printed the fit as held-out figures.
     */
    @Test
    void placeRefusesACopyOfTheCalibrationTraceAsItsHeldOutTrace() throws Exception {
        Path text = Files.writeString(dir.resolve("few.txt"), "A first line.\nA second line.\nA third line.\n");
        Path trace = dir.resolve("t.rtrace");
        profile(text, "all", "200");
        Path copy = Files.copy(trace, dir.resolve("copy.rtrace"));
        RippleRun run = placeEvaluating(trace, copy.toString());
        assertEquals(1, run.exit(), run.err());
        assertTrue(run.err().strip().startsWith("ripple: " + PlacementPipeline.HELD_OUT_IS_CALIBRATION), run.err());
        assertFalse(Files.exists(dir.resolve("m.ripple")), "nothing written");

        IllegalArgumentException api = assertThrows(
                IllegalArgumentException.class,
                () -> PlacementPipeline.place(
                        TraceFiles.read(trace),
                        TraceFiles.read(copy),
                        PlacementAlgorithms.all(),
                        PipelineListener.NONE));
        assertTrue(api.getMessage().startsWith(PlacementPipeline.HELD_OUT_IS_CALIBRATION), api.getMessage());
    }

    /** {@code ripple place} of the tiny decoder on {@code trace}, evaluated on {@code eval}, into m.ripple. */
    private RippleRun placeEvaluating(Path trace, String eval) {
        return RippleRun.inProcess(
                "place",
                "--model",
                TinyOpt.dir().toString(),
                "--trace",
                trace.toString(),
                "--eval",
                eval,
                "--out",
                dir.resolve("m.ripple").toString(),
                "--work",
                dir.resolve("work").toString(),
                "--quiet");
    }

    private RippleRun profile(Path text, String split, String maxTokens, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "profile",
                "--model",
                TinyOpt.dir().toString(),
                "--text",
                text.toString(),
                "--split",
                split,
                "--max-tokens",
                maxTokens,
                "--out",
                dir.resolve("t.rtrace").toString(),
                "--work",
                dir.resolve("work").toString(),
                "--quiet"));
        args.addAll(List.of(more));
        return RippleRun.succeeds(args.toArray(String[]::new));
    }
}
