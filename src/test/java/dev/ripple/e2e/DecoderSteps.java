package dev.ripple.e2e;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The offline steps of a decoder as the end-to-end tests run them, each failing the test unless it succeeds. */
final class DecoderSteps {
    private DecoderSteps() {}

    /**
     * {@code ripple synth} of {@code preset} with a real vocabulary of {@code vocab} tokens and planted
     * co-activation (10% of the neurons active, in 8 clusters) into {@code out}, with further options.
     */
    static RippleRun synthClustered(Path out, String preset, int vocab, String... options) {
        List<String> args = new ArrayList<>(List.of(
                "synth", "--preset", preset, "--vocab", Integer.toString(vocab), "--active", "0.1", "--clusters", "8"));
        args.addAll(List.of(options));
        args.addAll(List.of("--out", out.toString()));
        return RippleRun.succeeds(args.toArray(String[]::new));
    }

    /**
     * {@code ripple synth --workload tiny} with two layers into {@code out}: a synthetic workload
     * (planted activity, no model) of {@code calibrationTokens} and {@code heldOutTokens} tokens.
     */
    static RippleRun synthTinyWorkload(Path out, int calibrationTokens, int heldOutTokens) {
        return RippleRun.succeeds(
                "synth",
                "--workload",
                "tiny",
                "--layers",
                "2",
                "--out",
                out.toString(),
                "--calibration-tokens",
                Integer.toString(calibrationTokens),
                "--heldout-tokens",
                Integer.toString(heldOutTokens));
    }

    /**
     * The arguments of a short {@code ripple bench} of the decoder {@code model} (800 calibration
     * tokens, three prompts of 10 tokens, 5 generated, positional reads) in {@code work}, quiet, and
     * {@code options}.
     */
    static String[] shortBench(Path model, Path work, String... options) {
        List<String> args = new ArrayList<>(List.of(
                "bench",
                "--model",
                model.toString(),
                "--calibration-tokens",
                "800",
                "--sentences",
                "3",
                "--prompt-tokens",
                "10",
                "--decode-tokens",
                "5",
                "--reader",
                "pread",
                "--work",
                work.toString(),
                "--quiet"));
        args.addAll(List.of(options));
        return args.toArray(String[]::new);
    }

    /** {@code ripple profile} of a decoder on {@code maxTokens} tokens of the default text. */
    static RippleRun profile(Path model, Path trace, int maxTokens, Path work) {
        return RippleRun.succeeds(
                "profile",
                "--model",
                model.toString(),
                "--out",
                trace.toString(),
                "--max-tokens",
                Integer.toString(maxTokens),
                "--work",
                work.toString(),
                "--quiet");
    }

    /** {@code ripple place} of a decoder from its trace into {@code out}, with further options. */
    static RippleRun place(Path model, Path trace, Path out, String... options) {
        List<String> args = new ArrayList<>(
                List.of("place", "--model", model.toString(), "--trace", trace.toString(), "--out", out.toString()));
        args.addAll(List.of(options));
        args.add("--quiet");
        return RippleRun.succeeds(args.toArray(String[]::new));
    }

    /**
     * {@code ripple generate} of {@code maxTokens} tokens after {@code prompt}, past any end of
     * sequence, with the report written to {@code json}.
     */
    static RippleRun generate(Path model, String prompt, int maxTokens, Path json, String... options) {
        List<String> args = new ArrayList<>(List.of(
                "generate",
                "--model",
                model.toString(),
                "--prompt",
                prompt,
                "--max-tokens",
                Integer.toString(maxTokens),
                "--ignore-eos",
                "--json",
                json.toString(),
                "--quiet"));
        args.addAll(List.of(options));
        return RippleRun.succeeds(args.toArray(String[]::new));
    }
}
