package dev.ripple.bench.harness;

import dev.ripple.core.activity.ActivityRule;
import dev.ripple.placement.pipeline.PlacementPipeline;
import dev.ripple.placement.profile.ProfileOptions;
import dev.ripple.placement.profile.ProfileResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Profiling a text into a trace with its steps shown as {@link Progress} phases: the one way the
 * commands and the harness runs that need a trace (profile, demo, policy comparison, bench) profile
 * calibration and held-out text. The tradeoff sweep keeps no trace: it samples activations and FFN
 * input moments from the ONNX profiler as it goes ({@code Tradeoff.calibrationSample}).
 */
public final class Profiling {
    private Profiling() {}

    /**
     * The activations of {@code model} (ONNX, or a decoder's {@code .ripple} file) on {@code passages}
     * under {@code rule} (null: the model's default, {@link ActivityRule#defaultFor}), up to
     * {@code maxTokens} tokens, a decoder's read-ahead moments recorded or not ({@link
     * ProfileOptions#aheadMoments}; an encoder has no read-ahead); {@code corpus} names the text in
     * the trace.
     */
    public static ProfileResult profile(
            Path model,
            Path tokenizer,
            List<String> passages,
            String corpus,
            ActivityRule rule,
            long maxTokens,
            boolean aheadMoments,
            Progress progress)
            throws IOException {
        ProfileOptions options = ProfileOptions.defaults()
                .withRule(rule)
                .withMaxTokens(maxTokens)
                .withAheadMoments(aheadMoments);
        return profile(model, tokenizer, passages, corpus, options, progress);
    }

    /** As {@link #profile(Path, Path, List, String, ActivityRule, long, boolean, Progress)}, every setting given. */
    public static ProfileResult profile(
            Path model, Path tokenizer, List<String> passages, String corpus, ProfileOptions options, Progress progress)
            throws IOException {
        try (ProgressSteps steps = new ProgressSteps(progress)) {
            return PlacementPipeline.profile(model, tokenizer, passages, corpus, options, steps);
        }
    }
}
