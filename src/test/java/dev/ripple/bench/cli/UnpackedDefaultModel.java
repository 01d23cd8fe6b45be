package dev.ripple.bench.cli;

import dev.ripple.placement.testdata.RealData;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The embedded default model and its tokenizer, copied once per test JVM ({@link RealData}) and
 * linked into the work directories of the test classes that run commands on them.
 *
 * <p>Every such class has a work directory of its own, and a command unpacks the 87 MB ONNX file
 * from its jar into the work directory it is given unless the file is already there (about a second
 * of inflating and writing each time). A hard link to one copy per JVM is where the command would
 * have written it, so the command finds it and goes on exactly as on its second run in that
 * directory. The commands only read the model. {@code dev.ripple.e2e.RealModelPipelineTest} does not call this,
 * so the unpacking itself still runs in every build.
 */
public final class UnpackedDefaultModel {
    private UnpackedDefaultModel() {}

    /** Links (or, across file systems, copies) the default model and tokenizer into {@code work}. */
    public static void linkInto(Path work) throws IOException {
        Files.createDirectories(work);
        for (Path shared : unpacked()) {
            Path target = work.resolve(shared.getFileName());
            if (Files.exists(target)) {
                continue;
            }
            try {
                Files.createLink(target, shared);
            } catch (FileSystemException | UnsupportedOperationException e) {
                Files.copy(shared, target);
            }
        }
    }

    /** The copies {@link RealData} makes once per JVM: the same files the commands unpack, by name and bytes. */
    private static List<Path> unpacked() {
        return List.of(RealData.file(RealData.MINILM_ONNX), RealData.file(RealData.MINILM_TOKENIZER));
    }
}
