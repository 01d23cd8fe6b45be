package dev.ripple.placement.synthetic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.placement.importer.ModelFormatException;
import dev.ripple.placement.importer.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
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
        Map<String, SafetensorsFile> byName = new LinkedHashMap<>();
        Path single = dir.resolve("model.safetensors");
        Path index = dir.resolve("model.safetensors.index.json");
        if (Files.isRegularFile(single)) {
            SafetensorsFile f = SafetensorsFile.open(single);
            for (String name : f.entries().keySet()) {
                byName.put(name, f);
            }
        } else if (Files.isRegularFile(index)) {
            JsonNode map = new ObjectMapper().readTree(index.toFile()).path("weight_map");
            if (!map.isObject()) {
                throw new ModelFormatException(index, "weight_map", "missing or not an object");
            }
            Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : map.properties()) {
                String shard = e.getValue().asText("");
                Path p = dir.resolve(shard).normalize();
                if (shard.isEmpty() || !p.getParent().equals(dir.normalize())) {
                    throw new ModelFormatException(
                            index,
                            "weight_map",
                            "tensor '" + e.getKey() + "' maps to '" + shard + "', not a file in " + dir);
                }
                SafetensorsFile f = shards.get(shard);
                if (f == null) {
                    f = SafetensorsFile.open(p);
                    shards.put(shard, f);
                }
                if (!f.entries().containsKey(e.getKey())) {
                    throw new ModelFormatException(
                            p, "tensor '" + e.getKey() + "'", "listed in the index but not in the shard");
                }
                byName.put(e.getKey(), f);
            }
        } else {
            throw new ModelFormatException(
                    dir, "checkpoint", "has neither model.safetensors nor model.safetensors.index.json");
        }
        return new CheckpointTensors(dir, byName);
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
