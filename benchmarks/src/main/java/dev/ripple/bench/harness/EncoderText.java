package dev.ripple.bench.harness;

import dev.ripple.core.activity.ActivityRule;
import dev.ripple.placement.profile.ProfileResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * An encoder model, its tokenizer and its text, split already into calibration lines (profiled,
 * placed and fitted on) and held-out lines (only measured): the input of the demo, the tradeoff
 * sweep and the policy comparison.
 */
public record EncoderText(
        Path onnx,
        Path tokenizer,
        String modelName,
        String corpusName,
        List<String> calibrationText,
        List<String> heldOutText) {
    public EncoderText {
        calibrationText = List.copyOf(calibrationText);
        heldOutText = List.copyOf(heldOutText);
    }

    /**
     * The model's activations on {@code lines} (this text's calibration or held-out part, named by
     * {@code part} in the trace) under {@code rule}, up to {@code maxTokens} tokens.
     */
    public ProfileResult profile(List<String> lines, String part, ActivityRule rule, long maxTokens, Progress progress)
            throws IOException {
        return Profiling.profile(
                onnx, tokenizer, lines, corpusName + ", " + part, rule, maxTokens, false, progress); // no read-ahead
    }

    /** This text with only its first {@code n} held-out lines (all of them when it has fewer). */
    public EncoderText heldOutFirst(int n) {
        return new EncoderText(
                onnx,
                tokenizer,
                modelName,
                corpusName,
                calibrationText,
                heldOutText.subList(0, Math.min(n, heldOutText.size())));
    }
}
