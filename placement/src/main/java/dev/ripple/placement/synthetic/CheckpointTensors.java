package dev.ripple.placement.synthetic;

import dev.ripple.placement.importer.HfCheckpoint;
import dev.ripple.placement.importer.ModelFormatException;
import dev.ripple.placement.importer.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The tensors of a Hugging Face checkpoint directory: {@code model.safetensors}, or the shards listed
 * by {@code model.safetensors.index.json}'s {@code weight_map}. Reads through {@link SafetensorsFile}
 * (F16 and BF16 widened exactly to f32).
 */
final class CheckpointTensors {
    private final Path dir;
    private final Map<String, SafetensorsFile> byName;

    private CheckpointTensors(Path dir, Map<String, SafetensorsFile> byName) {
        this.dir = dir;
        this.byName = byName;
    }

    static CheckpointTensors open(Path dir) throws IOException {
        return new CheckpointTensors(dir, HfCheckpoint.tensorFiles(dir));
    }

    boolean has(String name) {
        return byName.containsKey(name);
    }

    /** The tensor's entry, checked to exist with exactly {@code shape}. */
    SafetensorsFile.Entry require(String name, long... shape) throws ModelFormatException {
        SafetensorsFile f = byName.get(name);
        if (f == null) {
            throw new ModelFormatException(dir, "tensor '" + name + "'", "not in the checkpoint");
        }
        SafetensorsFile.Entry e = f.entries().get(name);
        if (!Arrays.equals(e.shape(), shape)) {
            throw new ModelFormatException(
                    f.file(),
                    "tensor '" + name + "'",
                    "shape " + Arrays.toString(e.shape()) + ", the config implies " + Arrays.toString(shape));
        }
        if (!e.dtype().equals("F32") && !e.dtype().equals("F16") && !e.dtype().equals("BF16")) {
            throw new ModelFormatException(
                    f.file(), "tensor '" + name + "'", "dtype " + e.dtype() + " (F32, F16, BF16 are read)");
        }
        return e;
    }

    float[] read(String name) throws IOException {
        return byName.get(name).read(name);
    }
}
