package dev.ripple.placement;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.format.FileKind;
import dev.ripple.core.format.RippleContents;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.tensor.DType;
import dev.ripple.placement.importer.ImportedModel;
import dev.ripple.placement.importer.SafetensorsImporter;
import dev.ripple.placement.importer.UnsupportedModelException;
import dev.ripple.placement.importer.gguf.GgufImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.function.IntConsumer;
import java.util.stream.Stream;

/**
 * A decoder as a {@code .ripple} file, whatever the user pointed at: the file itself, or a Hugging
 * Face checkpoint directory or a {@code .gguf} file imported once with every layer in its original
 * order (no trace is needed; {@code ripple place} with a profile makes a better file) into a work
 * directory, and imported again only when the checkpoint's files change ({@link CheckpointStamp}). So that a user can try a model in one command.
 *
 * <pre>{@code
 * PreparedModel m = PreparedModel.of(Path.of("opt-125m/"), Path.of("ripple-work"), DType.F16, layer -> { });
 * if (m.placedNow()) System.out.println("placed " + m.source() + " in its original order");
 * }</pre>
 *
 * @param file      the {@code .ripple} file to open
 * @param source    what the user gave
 * @param imported  true when {@code file} was made from a checkpoint directory (identity order)
 * @param placedNow true when that import happened in this call (else an up-to-date one was reused)
 */
public record PreparedModel(Path file, Path source, boolean imported, boolean placedNow) {
    /** The provenance key of the checkpoint's stamp in an import. */
    private static final String STAMP = "checkpointStamp";

    /** True when {@code path} names a checkpoint to import (directory, safetensors, GGUF) rather than a {@code .ripple} or ONNX file. */
    public static boolean isCheckpoint(Path path) {
        return Files.isDirectory(path) || path.getFileName().toString().endsWith(".safetensors") || isGguf(path);
    }

    /** True when {@code path} names a GGUF file. */
    public static boolean isGguf(Path path) {
        return !Files.isDirectory(path) && path.getFileName().toString().endsWith(".gguf");
    }

    /**
     * What an import of the checkpoint {@code model} records as its source and is compared by: a GGUF
     * file itself, a checkpoint directory, or the directory of a {@code .safetensors} file.
     */
    public static Path checkpointSource(Path model) {
        return isGguf(model) || Files.isDirectory(model)
                ? model
                : model.toAbsolutePath().getParent();
    }

    /**
     * The name an import of the checkpoint {@code model} is given ({@code <stem>-<dtype>-identity.ripple}):
     * the GGUF file's name without {@code .gguf}, else the checkpoint directory's name.
     */
    public static String importStem(Path model) {
        return isGguf(model)
                ? model.getFileName().toString().replaceFirst("\\.gguf$", "")
                : checkpointSource(model)
                        .toAbsolutePath()
                        .normalize()
                        .getFileName()
                        .toString();
    }

    /**
     * @param layerDone told each layer written when an import happens (for a progress bar)
     */
    public static PreparedModel of(Path model, Path work, DType bundles, IntConsumer layerDone) throws IOException {
        if (!Files.exists(model)) {
            throw new NoSuchFileException(model.toString());
        }
        if (!isCheckpoint(model)) {
            requireRippleFile(model);
            return new PreparedModel(model, model, false, false);
        }
        boolean gguf = isGguf(model);
        Path source = checkpointSource(model);
        Path target = work.resolve(importStem(model) + "-" + bundles.label() + "-identity.ripple");
        // taken before the import reads the weights: a change while it runs makes the next call import again
        String stamp = CheckpointStamp.of(source);
        if (Files.isRegularFile(target) && importIsOf(target, source, stamp)) {
            return new PreparedModel(target, model, true, false);
        }
        Files.createDirectories(work);
        ImportedModel imported =
                gguf ? GgufImporter.importModel(model, bundles) : SafetensorsImporter.importModel(model, bundles);
        RippleContents contents = imported.toContents();
        ObjectNode provenance = contents.provenance();
        provenance.put(STAMP, stamp);
        RippleFileWriter.write(target, contents.provenance(provenance), (layer, error) -> layerDone.accept(layer));
        return new PreparedModel(target, model, true, true);
    }

    /**
     * Refuses at once a file that is plainly of another kind than {@code .ripple} (text, an ONNX
     * model, a safetensors or GGUF file under another name), naming what it looks like: else it was
     * handed on as the decoder and failed later, in whichever call first opened it. A file of no
     * known kind is left to {@link RippleFile#open}, which tells a damaged {@code .ripple} file's
     * problem precisely.
     */
    private static void requireRippleFile(Path model) throws IOException {
        FileKind kind = FileKind.of(model);
        if (kind != FileKind.RIPPLE && kind != FileKind.UNKNOWN) {
            throw new UnsupportedModelException(
                    model,
                    kind.description() + ", not a .ripple file; a decoder is given as a .ripple file, a Hugging"
                            + " Face checkpoint directory (config.json beside the weights) or a .gguf file"
                            + directoryOfItsCheckpoint(model));
        }
    }

    /**
     * For a file of a checkpoint directory given as the model (its config.json, tokenizer.json), the
     * directory to give instead, to end a refusal with (else ""): the refusals said what is taken but
     * not that the file's own directory is one.
     */
    public static String directoryOfItsCheckpoint(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        return dir != null
                        && Files.isRegularFile(dir.resolve("config.json"))
                        && (Files.exists(dir.resolve("model.safetensors"))
                                || Files.exists(dir.resolve("model.safetensors.index.json")))
                ? ": give its directory, " + (file.getParent() != null ? file.getParent() : dir)
                : "";
    }

    /**
     * The stamp of the checkpoint's files that the import {@code file} was made from
     * ({@link CheckpointStamp}), as its provenance records it; empty for a file that is no import
     * or an import made before imports recorded one (2026-12-07). A trace of the import keeps it
     * ({@code TraceInfo.checkpointStamp}): the weights it profiled, whatever the checkpoint holds
     * by the time it is placed.
     */
    public static Optional<String> checkpointStampOf(RippleFile file) {
        String stamp = file.provenance().path(STAMP).asText("");
        return stamp.isEmpty() ? Optional.empty() : Optional.of(stamp);
    }

    /**
     * The checkpoint {@code file} was imported from, as its provenance records it, with symbolic links
     * resolved; empty when the recorded source is no checkpoint that is there (an ONNX model, a
     * generated workload, a file made on another machine) or is a relative path, which named a
     * checkpoint from a working directory no longer known (imports before 2026-12-07 recorded one). A trace keeps it ({@code
     * TraceInfo.checkpoint}) so that placing can tell by the file whether the trace is of the
     * checkpoint it places.
     */
    public static Optional<Path> checkpointOf(RippleFile file) {
        String recorded = file.provenance().path("sourceModel").asText("");
        try {
            Path source = Path.of(recorded);
            return !recorded.isEmpty() && source.isAbsolute() && Files.exists(source) && isCheckpoint(source)
                    ? Optional.of(source.toRealPath())
                    : Optional.empty();
        } catch (InvalidPathException | IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether the import at {@code target} was made from {@code source} as it is now. The import's
     * name comes from the checkpoint's directory (or GGUF file) name alone, so two checkpoints of
     * one name, in two directories, share it: without the source check the second was served the
     * first one's weights whenever its files were older than that import. The import records its
     * source's path and the stamp of its files; a different file there (symbolic links resolved),
     * another stamp (weights written again, even with their old times kept), or a record that
     * cannot be read, imports again. An import from before stamps were recorded is judged by
     * modification times, as it was then.
     */
    private static boolean importIsOf(Path target, Path source, String stampNow) {
        try (RippleFile f = RippleFile.open(target)) {
            String recorded = f.provenance().path("sourceModel").asText("");
            if (recorded.isEmpty() || !Files.isSameFile(Path.of(recorded), source)) {
                return false;
            }
            Optional<String> stamp = checkpointStampOf(f);
            return stamp.isPresent()
                    ? !stampNow.isEmpty() && stamp.get().equals(stampNow)
                    : !changedAfter(source, Files.getLastModifiedTime(target));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** True when the checkpoint (a GGUF file, or any file of its directory) changed after {@code time}. */
    private static boolean changedAfter(Path source, FileTime time) throws IOException {
        if (!Files.isDirectory(source)) {
            return Files.getLastModifiedTime(source).compareTo(time) > 0;
        }
        try (Stream<Path> files = Files.list(source)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p) && Files.getLastModifiedTime(p).compareTo(time) > 0) {
                    return true;
                }
            }
        }
        return false;
    }
}
