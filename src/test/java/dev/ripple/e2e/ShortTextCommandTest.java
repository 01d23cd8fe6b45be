package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
    }

    private RippleRun profile(Path text, String split, String maxTokens) {
        return RippleRun.succeeds(
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
                "--quiet");
    }
}
