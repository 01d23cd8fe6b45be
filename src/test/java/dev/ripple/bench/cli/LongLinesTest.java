package dev.ripple.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.tokenizer.Tokenizer;
import dev.ripple.placement.pipeline.PipelineListener;
import dev.ripple.placement.pipeline.PlacementPipeline;
import dev.ripple.placement.profile.ProfileOptions;
import dev.ripple.placement.profile.ProfileResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A text of long lines (a paragraph per line) is profiled 128 tokens a line; the rest of each line
 * used to be left out without a word, so a user who asked for 20,000 tokens got a few hundred and no
 * reason. The API's result and {@code ripple profile} now say how many passages were cut and how
 * many tokens that left out (the encoder here; a decoder in {@code LongPassagesCommandTest}).
 */
class LongLinesTest {
    private static final String SHORT = "A short line of text.";

    @TempDir
    Path dir;

    @Test
    void theApiAndTheCommandLineSayWhichPassagesWereCutAndWhatTheyLeftOut() throws Exception {
        Path work = dir.resolve("work");
        UnpackedDefaultModel.linkInto(work);
        String paragraph = "The committee discussed the budget of the agricultural fund at length. ".repeat(30);
        Path text = Files.writeString(dir.resolve("t.txt"), paragraph + "\n" + SHORT + "\n");
        int full = Tokenizer.fromJson(DefaultData.tokenizer(work)).encode(paragraph.strip(), true).length;
        int shortTokens = Tokenizer.fromJson(DefaultData.tokenizer(work)).encode(SHORT, true).length;
        assertTrue(full > 128, "the paragraph is longer than a passage is profiled: " + full);

        ProfileResult api = PlacementPipeline.profile(
                DefaultData.model(work),
                DefaultData.tokenizer(work),
                Files.readAllLines(text),
                "t.txt",
                ProfileOptions.defaults(),
                PipelineListener.NONE);
        assertEquals(128 + shortTokens, api.tokens(), api.toString());
        assertEquals(new ProfileResult.Cut(1, full - 128, 128), api.cut(), api.toString());
        assertTrue(
                api.toString().contains("(1 cut at 128 tokens, " + (full - 128) + " tokens left out)"), api.toString());

        String out = CommandRuns.ripple(
                "profile",
                "--text",
                text.toString(),
                "--split",
                "all",
                "--out",
                dir.resolve("t.rtrace").toString(),
                "--work",
                work.toString(),
                "--quiet");
        assertTrue(
                out.contains("1 of 2 passages were longer than 128 tokens and were cut to them: " + (full - 128)
                        + " tokens not profiled"),
                out);
    }

    @Test
    void passagesWithinTheLengthAreNotCut() throws Exception {
        Path work = dir.resolve("work");
        UnpackedDefaultModel.linkInto(work);
        ProfileResult r = PlacementPipeline.profile(
                DefaultData.model(work),
                DefaultData.tokenizer(work),
                List.of(SHORT, SHORT),
                "short",
                ProfileOptions.defaults(),
                PipelineListener.NONE);
        assertEquals(ProfileResult.Cut.NONE, r.cut(), r.toString());
    }
}
