package dev.ripple.placement.importer;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.tensor.Tensor;
import dev.ripple.core.tensor.TensorSource;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A Hugging Face checkpoint directory: {@code config.json} plus either {@code model.safetensors}
 * or shards listed in {@code model.safetensors.index.json} ({@code weight_map}: tensor → file).
 * A path to a single {@code .safetensors} file is accepted too, with {@code config.json} beside it.
 * Public for {@link #tensorFiles}, which the synthetic model's exporter reads checkpoints with too.
 */
public final class HfCheckpoint implements TensorSource {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final long MAX_JSON = 16L << 20;

    final Path root;
    final ObjectNode config;
    /** Tensor name → the shard holding it. */
    final Map<String, SafetensorsFile> tensors;

    private HfCheckpoint(Path root, ObjectNode config, Map<String, SafetensorsFile> tensors) {
        this.root = root;
        this.config = config;
        this.tensors = tensors;
    }

    static HfCheckpoint open(Path path) throws IOException {
        Path dir = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        ObjectNode config = readObject(dir.resolve("config.json"));
        return new HfCheckpoint(dir, config, tensorFiles(path));
    }

    /**
     * Tensor name → the file holding it, for a checkpoint directory ({@code model.safetensors} or the
     * shards of {@code model.safetensors.index.json}) or a single {@code .safetensors} file; every shard
     * the index names must lie in the directory and hold the tensors listed for it.
     */
    public static Map<String, SafetensorsFile> tensorFiles(Path path) throws IOException {
        Path dir = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        Map<String, SafetensorsFile> tensors = new LinkedHashMap<>();
        if (!Files.isDirectory(path)) {
            add(tensors, SafetensorsFile.open(path));
        } else if (Files.exists(dir.resolve("model.safetensors"))) {
            add(tensors, SafetensorsFile.open(dir.resolve("model.safetensors")));
        } else if (Files.exists(dir.resolve("model.safetensors.index.json"))) {
            Path index = dir.resolve("model.safetensors.index.json");
            JsonNode map = readObject(index).get("weight_map");
            if (map == null || !map.isObject()) {
                throw new ModelFormatException(index, "weight_map", "missing or not an object");
            }
            Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : map.properties()) {
                String shard = e.getValue().asText("");
                Path shardPath = dir.resolve(shard).normalize();
                if (shard.isEmpty() || !shardPath.startsWith(dir.normalize())) {
                    throw new ModelFormatException(
                            index,
                            "weight_map",
                            "tensor '" + e.getKey() + "' maps to '" + shard + "', not a file in " + dir);
                }
                SafetensorsFile f = shards.get(shard);
                if (f == null) {
                    f = SafetensorsFile.open(shardPath);
                    shards.put(shard, f);
                }
                if (!f.entries().containsKey(e.getKey())) {
                    throw new ModelFormatException(
                            shardPath,
                            "tensor '" + e.getKey() + "'",
                            "listed in " + index.getFileName() + " but not in the shard");
                }
                tensors.put(e.getKey(), f);
            }
        } else {
            throw new ModelFormatException(
                    dir, "checkpoint", "has neither model.safetensors nor model.safetensors.index.json");
        }
        return tensors;
    }

    private static void add(Map<String, SafetensorsFile> tensors, SafetensorsFile f) {
        for (String name : f.entries().keySet()) {
            tensors.put(name, f);
        }
    }

    static ObjectNode readObject(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new ModelFormatException(file, "file", "not found");
        }
        long size = Files.size(file);
        if (size > MAX_JSON) {
            throw new ModelFormatException(
                    file, "file", size + " bytes is too large for a JSON config (limit " + MAX_JSON + ")");
        }
        byte[] bytes = Files.readAllBytes(file); // an I/O error here is an I/O error, not a format problem
        JsonNode n;
        try {
            n = JSON.readTree(bytes);
        } catch (JacksonException e) {
            throw new ModelFormatException(file, "json", "does not parse: " + e.getOriginalMessage(), e);
        } catch (CharConversionException e) {
            // Jackson guesses UTF-16/32 from the first bytes and reports bad characters this way, not as a
            // JacksonException
            throw new ModelFormatException(file, "json", "is not valid text: " + e.getMessage(), e);
        }
        if (n == null || !n.isObject()) {
            throw new ModelFormatException(file, "json", "is not a JSON object");
        }
        return (ObjectNode) n;
    }

    boolean has(String name) {
        return tensors.containsKey(name);
    }

    SafetensorsFile.Entry entry(String name) {
        SafetensorsFile f = tensors.get(name);
        return f == null ? null : f.entries().get(name);
    }

    @Override
    public String description() {
        return root.toString();
    }

    /** A float tensor of the checkpoint, mapped in its stored type; empty when absent. */
    @Override
    public Optional<Tensor> tensor(String name) {
        SafetensorsFile f = tensors.get(name);
        if (f == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(f.tensor(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** As {@link #tensor}, failing with a typed error naming the shard when it is missing or not a float tensor. */
    Tensor mapped(String name) throws IOException {
        SafetensorsFile f = tensors.get(name);
        if (f == null) {
            throw new ModelFormatException(root, "tensor '" + name + "'", "not in the checkpoint");
        }
        return f.tensor(name);
    }

    float[] read(String name) throws IOException {
        SafetensorsFile f = tensors.get(name);
        if (f == null) {
            throw new ModelFormatException(root, "tensor '" + name + "'", "not in the checkpoint");
        }
        return f.read(name);
    }
}
