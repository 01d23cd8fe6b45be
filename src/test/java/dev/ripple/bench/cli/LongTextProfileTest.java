package dev.ripple.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.placement.trace.ActivationTrace;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ripple profile} reads of a long text of one's own the passages its token budget can reach,
 * not the whole file: a 167 MB text took 1.3 GB resident to profile 300 tokens, and the time and
 * heap grew with the file however few tokens were asked for.
 */
class LongTextProfileTest {
    @TempDir
    Path dir;

    /** A damaged line far past the budget is never read: the text was read whole before profiling. */
    @Test
    void readsOnlyThePassagesTheBudgetReaches() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 30_000; i++) {
            text.append(i == 29_000 ? "a NUL \0 far past the budget" : "line " + i + " of a long text")
                    .append('\n');
        }
        ActivationTrace trace = CommandRuns.profile(
                Files.writeString(dir.resolve("long.txt"), text), dir, "--split", "calibration", "--max-tokens", "40");
        assertEquals(40, trace.tokens(0));
    }

    /**
     * Passages the tokenizer makes no token of (zero-width spaces) leave the budget short: the rest
     * of the text is read after all, and the profile reaches its budget as it did on the whole text.
     */
    @Test
    void passagesOfNoTokenReadTheRest() throws Exception {
        int zeroWidth = 20;
        // the lines read first are all zero-width ones, or the rest would not be needed
        assertTrue(ProfileCommand.passagesEnough(6, 0.5, "all") <= zeroWidth);
        String text = "\u200b\n".repeat(zeroWidth) + "Hello world\n".repeat(4);
        ActivationTrace trace = CommandRuns.profile(
                Files.writeString(dir.resolve("zw.txt"), text), dir, "--split", "all", "--max-tokens", "6");
        assertEquals(6, trace.tokens(0));
        assertTrue(trace.passageStarts().length >= 2, "passages of the text past the zero-width ones");
    }

    @Test
    void theBoundHoldsTheSplitsTokens() {
        assertEquals(81, ProfileCommand.passagesEnough(40, 0.5, "all"));
        assertEquals(41, ProfileCommand.passagesEnough(40, 0, "all"));
        assertEquals(81, ProfileCommand.passagesEnough(40, 0.5, "calibration"));
        assertEquals(161, ProfileCommand.passagesEnough(40, 0.25, "heldout"));
        assertEquals(Integer.MAX_VALUE, ProfileCommand.passagesEnough(40, 0, "heldout"));
        assertEquals(Integer.MAX_VALUE, ProfileCommand.passagesEnough(Long.MAX_VALUE, 0.5, "all"));
        for (double f : new double[] {0.1, 0.3, 0.5, 0.9}) {
            for (long tokens : new long[] {1, 7, 1000}) {
                int n = ProfileCommand.passagesEnough(tokens, f, "calibration");
                int held = ProfileCommand.passagesEnough(tokens, f, "heldout");
                assertTrue(n - Math.floor(n * f) >= tokens, f + " " + tokens);
                assertTrue(Math.floor(held * f) >= tokens, f + " " + tokens);
            }
        }
    }

    /**
     * The passages a profile of {@code tokens} tokens can reach (one token each at least) are the
     * same in the part of the text read as in the whole, for every split: the all split lists the
     * calibration passages first, and of {@code tokens + 1} lines held out at 0.9 it held two
     * calibration passages and then held-out ones where the whole text's went on with calibration.
     */
    @Test
    void thePartReadBeginsEverySplitAsTheWholeTextDoes() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            text.append("line ").append(i).append('\n');
        }
        Path file = Files.writeString(dir.resolve("lines.txt"), text);
        int tokens = 10;
        for (double f : new double[] {0, 0.25, 0.5, 0.9}) {
            Corpus whole = Corpus.load(file, f);
            for (String split : new String[] {"all", "calibration", "heldout"}) {
                if (f == 0 && split.equals("heldout")) {
                    continue; // empty
                }
                Corpus part = Corpus.load(file, f, ProfileCommand.passagesEnough(tokens, f, split));
                assertEquals(
                        whole.part(split).subList(0, tokens), part.part(split).subList(0, tokens), split + " at " + f);
            }
        }
    }
}
