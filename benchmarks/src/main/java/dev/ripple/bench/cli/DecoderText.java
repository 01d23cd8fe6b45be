package dev.ripple.bench.cli;

import dev.ripple.bench.harness.ProgressSteps;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.model.decoder.DecoderConfig;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.tokenizer.Tokenizer;
import dev.ripple.placement.PreparedModel;
import dev.ripple.placement.importer.SafetensorsImporter;
import dev.ripple.placement.pipeline.PlacementPipeline;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Text through a decoder for the commands that profile or measure one: the model prepared as a
 * {@code .ripple} file, its own tokenizer (or the one given), passages as token ids.
 */
final class DecoderText {
    private DecoderText() {}

    /** The decoder as a file: itself, or its checkpoint imported once into {@code work} (f16 bundles). */
    static PreparedModel prepare(Path model, Path work, boolean quiet) throws IOException {
        try (ProgressSteps steps = CliProgress.steps(quiet)) {
            return PlacementPipeline.prepareDecoder(model, work, DType.F16, steps);
        }
    }

    /**
     * Refuses a checkpoint directory that stores no tokenizer, when none is {@code given}, before its
     * import: importing a large checkpoint takes minutes, and its text could then not be encoded.
     */
    static void requireTokenizer(Path model, Path given) {
        if (given != null || !PreparedModel.isCheckpoint(model) || PreparedModel.isGguf(model)) {
            return;
        }
        Path dir = PreparedModel.checkpointSource(model);
        if (!SafetensorsImporter.hasTokenizer(dir)) {
            throw new IllegalArgumentException(dir + ": the checkpoint has no tokenizer (tokenizer.json, or vocab.json"
                    + " and merges.txt); give a tokenizer.json with --tokenizer FILE");
        }
    }

    /** The longest context the decoder {@code file} takes, read from its architecture before any work on it. */
    static int maxPositions(Path file) throws IOException {
        try (RippleFile f = RippleFile.open(file)) {
            return DecoderConfig.fromJson(f.architecture()).maxPositions();
        }
    }

    /** The tokenizer given on the command line, else the one stored with the model. */
    static Tokenizer tokenizer(Path file, Path given) throws IOException {
        if (given != null) {
            return Tokenizer.fromJson(given);
        }
        return PlacementPipeline.storedTokenizer(file);
    }

    /** Each passage as the model is given it (with its BOS, as the tokenizer's post-processor adds it). */
    static List<int[]> encode(Tokenizer tokenizer, List<String> passages) {
        List<int[]> ids = new ArrayList<>(passages.size());
        for (String p : passages) {
            int[] e = tokenizer.encode(p);
            if (e.length > 0) {
                ids.add(e);
            }
        }
        return ids;
    }
}
