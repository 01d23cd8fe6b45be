package dev.ripple.bench.cli;

import dev.ripple.bench.harness.EncoderText;
import dev.ripple.core.format.FileKind;
import dev.ripple.placement.InputFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * The inputs of the commands that run an ONNX model on text (demo, bench, tradeoff, policies,
 * profile), declared once as a picocli mixin: the model and its tokenizer, by default the embedded
 * all-MiniLM-L6-v2, and the text, by default the embedded Europarl sample.
 *
 * <pre>{@code
 * @Mixin ModelInputs inputs;
 * ...
 * Path onnx = inputs.onnx(work);
 * Corpus corpus = inputs.corpus(0.5);
 * }</pre>
 */
final class ModelInputs {
    @Option(
            names = "--model",
            converter = PathArguments.InputPath.class,
            paramLabel = "M",
            description = "an ONNX encoder, or (profile, bench) a decoder: a Hugging Face model "
                    + "directory, a GGUF file or a decoder .ripple file (default: the embedded all-MiniLM-L6-v2)")
    Path model;

    @Option(
            names = "--tokenizer",
            converter = PathArguments.InputFile.class,
            paramLabel = "T.json",
            description = "its tokenizer.json (default: beside the model)")
    Path tokenizer;

    @Option(
            names = "--text",
            converter = PathArguments.InputFile.class,
            paramLabel = "T.txt",
            description = "text, one passage per line, plain or .gz "
                    + "(default: the embedded Europarl sample, English lines)")
    Path text;

    /**
     * True when the model is a decoder (a checkpoint directory, a {@code .safetensors} file or a
     * {@code .ripple} file), which runs with the Java forward rather than ONNX Runtime.
     */
    boolean decoder() {
        return model != null && !model.getFileName().toString().endsWith(".onnx");
    }

    /**
     * Refuses a decoder for a command that runs only ONNX encoders (demo, tradeoff, policies on a
     * model), before it creates anything. Without it a decoder directory was refused as having "no
     * tokenizer.json beside the model" (it had one) and, given --tokenizer, as "architecture type is
     * 'llama', not 'bert'", naming no file.
     */
    void requireEncoder(String command) throws IOException {
        if (model == null) {
            return;
        }
        // by what decoders are given as, told by the first bytes: an ONNX encoder may have any name
        if (Files.isDirectory(model)
                || Set.of(FileKind.GGUF, FileKind.RIPPLE, FileKind.SAFETENSORS).contains(FileKind.of(model))) {
            throw new IllegalArgumentException("--model " + model + ": " + command
                    + " runs ONNX encoders (a .onnx file); a decoder runs with profile, place, bench and generate");
        }
    }

    /** True when the user named no model: the embedded one runs. */
    boolean embeddedModel() {
        return model == null;
    }

    /**
     * Refuses a --tokenizer given without --model (the embedded model brings its own): commands call
     * it before they create anything, the work directory included.
     */
    void requireNoTokenizerWithoutModel() {
        if (model == null) {
            DefaultData.requireNoTokenizer(tokenizer);
        }
    }

    /**
     * The ONNX file: the user's, or the embedded one unpacked into {@code work} (a --tokenizer given
     * without --model refused first: the embedded model brings its own).
     */
    Path onnx(Path work) throws IOException {
        if (model != null) {
            return model;
        }
        DefaultData.requireNoTokenizer(tokenizer);
        return DefaultData.model(work);
    }

    /**
     * The tokenizer.json: given, beside the user's model, or the embedded one unpacked into {@code
     * work} (a --tokenizer given without --model refused).
     */
    Path tokenizer(Path work) throws IOException {
        if (model != null) {
            return DefaultData.tokenizerFor(model, tokenizer);
        }
        DefaultData.requireNoTokenizer(tokenizer);
        return DefaultData.tokenizer(work);
    }

    /**
     * The files given: the model's (a checkpoint's weights, config and tokenizer files), the
     * tokenizer and the text; what a file the command writes must not be ({@link InputFiles}).
     */
    InputFiles files() throws IOException {
        return InputFiles.none()
                .withModel(model, "--model")
                .with(tokenizer, "--tokenizer")
                .with(text, "--text");
    }

    /** How reports name the model: its path, or the embedded model's name and Maven coordinates. */
    String modelName() {
        return model != null ? model.toString() : DefaultData.MODEL_NAME;
    }

    /** The text split by line into calibration and held-out passages. */
    Corpus corpus(double heldOutFraction) throws IOException {
        return Corpus.load(text, heldOutFraction);
    }

    /** As {@link #corpus(double)}, of a text of one's own only its first {@code passages} passages. */
    Corpus corpus(double heldOutFraction, int passages) throws IOException {
        return Corpus.load(text, heldOutFraction, passages);
    }

    /**
     * The model, its tokenizer and the text split by {@link #corpus(double)}, as the harness takes
     * them; both splits must hold a passage ({@link Corpus#requireBothSplits}).
     */
    EncoderText encoderText(Path work, double heldOutFraction) throws IOException {
        return encoderText(work, null, heldOutFraction);
    }

    /** As {@link #encoderText(Path, double)}, the text split by {@link #corpus(Path, double)}. */
    EncoderText encoderText(Path work, Path calibrationText, double heldOutFraction) throws IOException {
        Corpus corpus = corpus(calibrationText, heldOutFraction).requireBothSplits();
        return new EncoderText(
                onnx(work), tokenizer(work), modelName(), corpus.name(), corpus.calibration(), corpus.heldOut());
    }

    /** As {@link #corpus(double)}, with calibration passages from their own file when one is given. */
    Corpus corpus(Path calibrationText, double heldOutFraction) throws IOException {
        return Corpus.load(text, calibrationText, heldOutFraction);
    }
}
