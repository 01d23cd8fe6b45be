package dev.ripple.bench.harness;

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
}
