package dev.ripple.placement;

import dev.ripple.placement.importer.SafetensorsImporter;
import dev.ripple.placement.synthetic.SyntheticWorkload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files a call reads, so that a file it writes can be refused when it is one of them
 * ({@link #requireNotOverwrittenBy}): the one check every writer of outputs made from inputs makes
 * (the pipeline's {@code placeModel} and {@code write}, and the commands' {@code --out}, {@code
 * --json} and work-directory files), before any work.
 *
 * <pre>{@code
 * InputFiles.none().withModel(model, "--model").with(trace, "--trace").requireNotOverwrittenBy("--out", out);
 * }</pre>
 *
 * @param files the inputs, each with how an error names it
 */
public record InputFiles(List<Input> files) {
    /** A file read, and what it is to the user ({@code "--trace"}, {@code "a file of the checkpoint ck"}). */
    public record Input(Path file, String what) {}

    public InputFiles {
        files = List.copyOf(files);
    }

    /** No inputs yet. */
    public static InputFiles none() {
        return new InputFiles(List.of());
    }

    /** These inputs and {@code file}, named {@code what}; unchanged for a null file (an option not given). */
    public InputFiles with(Path file, String what) {
        if (file == null) {
            return this;
        }
        List<Input> more = new ArrayList<>(files);
        more.add(new Input(file, what));
        return new InputFiles(more);
    }

    /**
     * These inputs and the files reading {@code model} reads: for a safetensors checkpoint (its
     * directory or one of its {@code .safetensors} files) every weights shard, its index, config
     * and tokenizer files ({@link SafetensorsImporter#filesRead}); for any other model (GGUF, ONNX,
     * {@code .ripple}) the file itself. Unchanged for a null model (the embedded default).
     *
     * @param what how an error names the model ({@code "--model"}, {@code "the model"})
     */
    public InputFiles withModel(Path model, String what) throws IOException {
        if (model == null) {
            return this;
        }
        if (!PreparedModel.isCheckpoint(model) || PreparedModel.isGguf(model)) {
            return with(model, what);
        }
        Path dir = PreparedModel.checkpointSource(model);
        InputFiles out = this;
        if (Files.isDirectory(dir)) {
            for (Path f : SafetensorsImporter.filesRead(dir)) {
                out = out.with(f, "a file of " + what + " " + model);
            }
        }
        return out;
    }

    /**
     * These inputs and the files of the synthetic workload in {@code dir}: its spec ({@value
     * SyntheticWorkload#SPEC_FILE}), model ({@value SyntheticWorkload#MODEL_FILE}) and its
     * calibration and held-out traces, whether or not they exist yet. {@link #withModel} does not
     * serve a workload: it takes any directory for a checkpoint and so would list only
     * checkpoint files. Unchanged for a null directory (no workload).
     *
     * @param what how an error names the workload ({@code "--workload"})
     */
    public InputFiles withWorkload(Path dir, String what) {
        if (dir == null) {
            return this;
        }
        InputFiles out = this;
        for (String name : List.of(
                SyntheticWorkload.SPEC_FILE,
                SyntheticWorkload.MODEL_FILE,
                SyntheticWorkload.CALIBRATION_TRACE,
                SyntheticWorkload.HELD_OUT_TRACE)) {
            out = out.with(dir.resolve(name), "a file of " + what + " " + dir);
        }
        return out;
    }

    /**
     * Refuses {@code out} when it is one of these inputs: the same file ({@link Files#isSameFile},
     * which sees through hard links, {@code ..} and symbolic links) when both exist, else the same
     * normalized absolute path.
     *
     * @param outputName how the error names the output ({@code "--out"}, {@code "output"})
     * @throws OutputIsInputException naming the output and the input it is
     * @throws IOException when whether they are the same file cannot be told
     */
    public void requireNotOverwrittenBy(String outputName, Path out) throws IOException {
        for (Input in : files) {
            if (same(out, in.file())) {
                throw new OutputIsInputException(outputName, out, in);
            }
        }
    }

    private static boolean same(Path a, Path b) throws IOException {
        if (Files.exists(a) && Files.exists(b)) {
            return Files.isSameFile(a, b);
        }
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }
}
