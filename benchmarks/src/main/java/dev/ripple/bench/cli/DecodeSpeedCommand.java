package dev.ripple.bench.cli;

import dev.ripple.bench.harness.DecodeSpeed;
import dev.ripple.bench.harness.DecodeSpeedReport;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.model.decoder.DecoderConfig;
import dev.ripple.core.tensor.DType;
import dev.ripple.placement.InputFiles;
import dev.ripple.placement.PreparedModel;
import dev.ripple.placement.synthetic.DecoderOnnxExporter;
import dev.ripple.placement.synthetic.GeneratedWeights;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ripple decode-speed}: dense decode tokens/s of the Java decoder against ONNX Runtime on
 * the same weights and against the machine's memory roofline, in one run ({@link DecodeSpeed}).
 * The checkpoint (from {@code ripple synth}) is imported into {@code WORK/<name>-f32-identity.ripple}
 * with f32 bundles and exported beside it to {@code <name>-f32-identity.onnx} (f32 initializers), so
 * both sides read the same f32 weights. Both are reused only while they were made from this very
 * checkpoint and it has not changed since ({@link PreparedModel#of}): a work directory shared by
 * several checkpoints, even of one name, serves each its own.
 *
 * <pre>
 * ripple synth --preset opt-125m --dtype f32 --out opt
 * ripple decode-speed --model opt --json decode.json
 * </pre>
 */
@Command(
        name = "decode-speed",
        mixinStandardHelpOptions = true,
        description =
                "Dense decode tokens/s of the Java decoder against ONNX Runtime on the same weights (its KV cache kept), "
                        + "and both against the roofline: weight bytes per token over the memory bandwidth measured in the same run.")
final class DecodeSpeedCommand implements Callable<Integer> {
    @Option(
            names = "--model",
            converter = PathArguments.InputPath.class,
            required = true,
            paramLabel = "DIR",
            description = "a decoder checkpoint (ripple synth --dtype f32)")
    Path model;

    @Option(
            names = "--work",
            converter = PathArguments.OutputDirectory.class,
            defaultValue = "ripple-work",
            paramLabel = "DIR",
            description = "where the checkpoint's f32 import and its ONNX export are kept, and reused while the "
                    + "checkpoint is unchanged (default: ${DEFAULT-VALUE})")
    Path work;

    @Option(
            names = "--prompt-tokens",
            defaultValue = "16",
            description = "prompt length, random ids, seed 7 (default: ${DEFAULT-VALUE})")
    int promptTokens;

    @Option(
            names = "--steps",
            defaultValue = "32",
            description = "decode steps timed per round (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(
            names = "--rounds",
            defaultValue = "3",
            description = "timed rounds per side, alternating (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(
            names = "--threads",
            description = "ONNX Runtime and bandwidth threads (default: the cores, as the Java side uses)")
    Integer threads;

    @Option(
            names = "--bandwidth-mib",
            defaultValue = "256",
            description =
                    "MiB per bandwidth array, three arrays (default: ${DEFAULT-VALUE}; at least the weights' size is safest)")
    int bandwidthMib;

    @Mixin
    JsonFileOptions json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        if (promptTokens < 1 || steps < 1 || rounds < 1 || bandwidthMib < 1 || bandwidthMib > 2047) {
            throw new IllegalArgumentException(
                    "--prompt-tokens, --steps and --rounds must be at least 1, --bandwidth-mib 1..2047");
        }
        if (threads != null && threads < 1) { // else the bandwidth probe's refusal, which names no option
            throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }
        if (!Files.isDirectory(model)) {
            throw new IllegalArgumentException(
                    "--model " + model
                            + ": decode-speed needs a checkpoint directory (config.json and safetensors), to export it to ONNX");
        }
        json.requireUsable(InputFiles.none().withModel(model, "--model"));
        PreparedModel prepared = PreparedModel.of(model, work, DType.F32, layer -> {});
        Path ripple = prepared.file();
        int vocab;
        boolean generated;
        try (var f = RippleFile.open(ripple)) {
            DecoderConfig config = DecoderConfig.fromJson(f.architecture());
            vocab = config.vocabSize();
            if ((long) promptTokens + steps
                    > config.maxPositions()) { // before the ONNX export, the bandwidth probe and ONNX Runtime
                throw new IllegalArgumentException("--prompt-tokens " + promptTokens + " and --steps " + steps
                        + " need a context of " + ((long) promptTokens + steps) + " tokens; " + model.getFileName()
                        + " takes up to " + config.maxPositions());
            }
            generated = GeneratedWeights.inArchitecture(f.architecture());
        }
        Path onnx = ripple.resolveSibling(ripple.getFileName().toString().replaceFirst("\\.ripple$", ".onnx"));
        if (prepared.placedNow()
                || !Files.exists(onnx)
                || Files.getLastModifiedTime(onnx).compareTo(Files.getLastModifiedTime(ripple)) < 0) {
            DecoderOnnxExporter.export(model, onnx);
        }
        int[] prompt = new Random(7).ints(promptTokens, 0, vocab).toArray();
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        DecodeSpeedReport r = DecodeSpeed.run(
                ripple,
                onnx,
                prompt,
                steps,
                rounds,
                t,
                model.getFileName() + GeneratedWeights.suffix(generated),
                bandwidthMib << 18);
        r.print(o);
        json.writeAndTell(o, r::toJson);
        o.flush();
        return 0;
    }
}
