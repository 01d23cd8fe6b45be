package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.placement.trace.ActivationTrace;
import dev.ripple.placement.trace.TraceFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ripple profile} of a decoder on a text with a line longer than a passage is profiled says
 * that the line was cut and how many of its tokens were left out, instead of printing fewer tokens
 * than asked for with no reason; a budget that ends inside a passage is not called a cut.
 */
class LongPassagesCommandTest {
    private static final Pattern CUT = Pattern.compile(
            "1 of 2 passages were longer than (\\d+) tokens and were cut to them: ([\\d,]+) tokens not profiled");

    @TempDir
    Path dir;

    @Test
    void aDecoderProfileSaysALongLineWasCutAndWhatItLeftOut() throws Exception {
        String paragraph = "The committee discussed the budget of the agricultural fund at length. ".repeat(40);
        Path text = Files.writeString(dir.resolve("t.txt"), paragraph + "\nA short line.\n");
        Path trace = dir.resolve("t.rtrace");
        RippleRun run = profileAll(text, trace);
        Matcher m = CUT.matcher(run.out());
        assertTrue(m.find(), run.out());
        int length = Integer.parseInt(m.group(1));
        ActivationTrace t = TraceFiles.read(trace);
        assertEquals(2, t.passageStarts().length);
        assertEquals(length, t.passageStarts()[1], "the long line's tokens recorded: the length it was cut to");
        assertTrue(Long.parseLong(m.group(2).replace(",", "")) > 0, run.out());

        RippleRun budget = profileAll(text, trace, "--max-tokens", "20");
        assertFalse(budget.out().contains("were cut"), "the budget, not the length, ended it: " + budget.out());
    }

    @Test
    void maxLengthSetsWherePassagesAreCutUpToTheModelsContext() throws Exception {
        String paragraph = "The committee discussed the budget of the agricultural fund at length. ".repeat(3);
        Path text = Files.writeString(dir.resolve("t.txt"), paragraph + "\nA short line.\n");
        Path trace = dir.resolve("t.rtrace");
        RippleRun cut = profileAll(text, trace, "--max-length", "16");
        Matcher m = CUT.matcher(cut.out());
        assertTrue(m.find(), cut.out());
        assertEquals(16, Integer.parseInt(m.group(1)), cut.out());
        assertEquals(16, TraceFiles.read(trace).passageStarts()[1], "the long line recorded up to --max-length");

        RippleRun whole = profileAll(text, trace, "--max-length", "64"); // the tiny model's context
        assertFalse(whole.out().contains("were cut"), "the line fits in 64 tokens: " + whole.out());
        assertTrue(TraceFiles.read(trace).passageStarts()[1] > 16, "the whole line recorded");

        Path longer = Files.writeString(dir.resolve("long.txt"), paragraph.repeat(4) + "\nA short line.\n");
        RippleRun beyond = profileAll(longer, trace, "--max-length", "512");
        assertTrue(
                beyond.out().contains("--max-length 512 was lowered to the model's context, 64 tokens"), beyond.out());
        // the buffers were sized by --max-length before it was lowered: an int overflow, or gigabytes
        RippleRun huge = profileAll(longer, trace, "--max-length", "2000000000");
        assertTrue(
                huge.out().contains("--max-length 2000000000 was lowered to the model's context, 64 tokens"),
                huge.out());
    }

    /** {@code ripple profile --split all} of the tiny decoder on {@code text} into {@code trace}, with more options. */
    private RippleRun profileAll(Path text, Path trace, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "profile",
                "--model",
                TinyOpt.dir().toString(),
                "--text",
                text.toString(),
                "--split",
                "all",
                "--out",
                trace.toString(),
                "--work",
                dir.resolve("work").toString(),
                "--quiet"));
        args.addAll(List.of(more));
        return RippleRun.succeeds(args.toArray(String[]::new));
    }
}
