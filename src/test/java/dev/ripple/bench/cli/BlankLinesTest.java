package dev.ripple.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ripple.placement.pipeline.PipelineListener;
import dev.ripple.placement.pipeline.PlacementPipeline;
import dev.ripple.placement.profile.ProfileOptions;
import dev.ripple.placement.profile.ProfileResult;
import dev.ripple.placement.trace.ActivationTrace;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same text makes the same passages through the Java API and {@code ripple profile}: blank
 * lines are left out by both. The API profiled each blank line as a passage of [CLS][SEP] alone.
 */
class BlankLinesTest {
    @TempDir
    Path dir;

    @Test
    void theApiAndTheCommandLineLeaveOutBlankLinesAlike() throws Exception {
        profilesOnePassageOf("Hello world\n\n   \n\n");
    }

    /**
     * Lines that look blank but are not to Java's {@code strip} (no-break spaces) or that the BERT
     * normalizer drops whole (a zero-width space, control characters) made passages of [CLS][SEP]
     * alone, three more passages of special tokens than the text has: the same thing blank lines
     * are left out for.
     */
    @Test
    void linesOfNoTextAreLeftOutLikeBlankOnes() throws Exception {
        profilesOnePassageOf("\u00a0\u00a0\nHello world\n\u200b\n\u0001\u0002\n \u202f\u2007\n");
    }

    private void profilesOnePassageOf(String content) throws Exception {
        Path work = dir.resolve("work");
        Path text = Files.writeString(dir.resolve("t.txt"), content);
        ActivationTrace cli = CommandRuns.profile(text, dir, "--split", "all");

        ProfileResult api = PlacementPipeline.profile(
                DefaultData.model(work),
                DefaultData.tokenizer(work),
                Files.readAllLines(text),
                "t.txt",
                ProfileOptions.defaults(),
                PipelineListener.NONE);
        assertEquals(1, cli.passageStarts().length, "the command line's passages");
        assertEquals(1, api.passages(), "the API's passages: " + api);
        assertEquals(cli.tokens(0), api.tokens(), "the same tokens");
        assertEquals(cli.layer(0), api.trace().layer(0), "the same active sets");
    }
}
