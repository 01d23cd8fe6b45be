package dev.ripple.placement.importer;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.tensor.Tensor;
import dev.ripple.core.tensor.TensorSource;
import dev.ripple.io.json.JsonFileProblem;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
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
    /** A reader that refuses an object naming a key twice, where Jackson would keep the last value. */
    static final ObjectReader STRICT_JSON = JSON.reader().with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

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
     * the index names must lie in the directory and hold exactly the tensors listed for it.
     */
    public static Map<String, SafetensorsFile> tensorFiles(Path path) throws IOException {
        Path dir = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        Map<String, SafetensorsFile> tensors = new LinkedHashMap<>();
        if (!Files.isDirectory(path)) {
            add(tensors, SafetensorsFile.open(path));
        } else if (Files.exists(dir.resolve("model.safetensors"))) {
            add(tensors, SafetensorsFile.open(dir.resolve("model.safetensors")));
        } else if (Files.exists(dir.resolve("model.safetensors.index.json"))) {
            tensors.putAll(shards(dir, dir.resolve("model.safetensors.index.json")));
        } else {
            throw new ModelFormatException(
                    dir,
                    "checkpoint",
                    "has neither model.safetensors nor model.safetensors.index.json" + whatItHolds(dir));
        }
        return tensors;
    }

    /**
     * What a checkpoint directory without safetensors weights holds instead, and what to do: the
     * refusal named only the two files it looked for, which left a user with PyTorch weights or a
     * safetensors file of another name to guess why.
     */
    private static String whatItHolds(Path dir) throws IOException {
        List<String> safetensors = new ArrayList<>();
        List<String> pytorch = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(".safetensors")) {
                    safetensors.add(name);
                } else if (name.endsWith(".bin") || name.endsWith(".pt") || name.endsWith(".pth")) {
                    pytorch.add(name);
                }
            }
        }
        Collections.sort(safetensors);
        Collections.sort(pytorch);
        if (!safetensors.isEmpty()) {
            return "; it holds " + String.join(", ", safetensors) + ": give the one file as the model"
                    + (safetensors.size() > 1 ? ", or shards with their model.safetensors.index.json" : "");
        }
        if (!pytorch.isEmpty()) {
            return "; it holds PyTorch weights (" + String.join(", ", pytorch) + "), which are not read: save the"
                    + " model as safetensors (transformers: save_pretrained(dir, safe_serialization=True))";
        }
        return "";
    }

    /**
     * The tensors of a sharded checkpoint, as its index's {@code weight_map} places them. The index
     * and the shards must agree, as transformers' {@code save_pretrained} writes them: each tensor
     * named once (a duplicate key is refused, not resolved by taking the last), each shard a regular
     * file inside {@code dir}, each tensor present in the shard named for it and in no other listed
     * shard. A tensor of a listed shard that the index does not name is taken from that shard, as
     * transformers loads every tensor of every shard it lists (skipping it would import a model
     * that differs from the checkpoint, silently). The index's {@code metadata} ({@code total_size})
     * is not read: nothing is sized from it, so a wrong total changes nothing.
     */
    private static Map<String, SafetensorsFile> shards(Path dir, Path index) throws IOException {
        JsonNode map = readObject(index, STRICT_JSON).get("weight_map");
        if (map == null || !map.isObject()) {
            throw new ModelFormatException(index, "weight_map", "missing or not an object");
        }
        Path home = dir.toAbsolutePath().normalize();
        Map<String, SafetensorsFile> tensors = new LinkedHashMap<>();
        Map<Path, SafetensorsFile> shards = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            Path shard = shardPath(home, index, e.getKey(), e.getValue());
            SafetensorsFile f = shards.get(shard);
            if (f == null) {
                f = SafetensorsFile.open(shard);
                shards.put(shard, f);
            }
            if (!f.entries().containsKey(e.getKey())) {
                throw new ModelFormatException(
                        shard,
                        "tensor '" + e.getKey() + "'",
                        "listed in " + index.getFileName() + " but not in the shard");
            }
            tensors.put(e.getKey(), f);
        }
        Map<String, SafetensorsFile> unlisted = new LinkedHashMap<>();
        for (SafetensorsFile f : shards.values()) {
            for (String name : f.entries().keySet()) {
                SafetensorsFile listed = tensors.get(name);
                SafetensorsFile other = listed != null ? listed : unlisted.putIfAbsent(name, f);
                if (other != null && other != f) {
                    throw new ModelFormatException(
                            f.file(),
                            "tensor '" + name + "'",
                            "in the shard, but " + (listed != null ? index.getFileName() + " places it in " : "")
                                    + other.file().getFileName() + ", which holds it too");
                }
            }
        }
        tensors.putAll(unlisted);
        return tensors;
    }

    /**
     * The file a {@code weight_map} entry names: a string naming a regular file inside the
     * checkpoint directory {@code home} (absolute and normalized). Refused: anything but a string,
     * a name the file system cannot hold (a NUL character), one that leaves the directory
     * ({@code ..}, an absolute path) or names the directory itself, and a missing shard or one
     * that is a directory, each a {@link ModelFormatException} rather than the file system's own
     * exception. The check is on the name: a shard that is a symbolic link is followed, as the
     * Hugging Face cache links every snapshot's files to its blob store.
     */
    private static Path shardPath(Path home, Path index, String tensor, JsonNode name) throws ModelFormatException {
        String part = "weight_map";
        String entry = "tensor '" + tensor + "' maps to ";
        if (!name.isTextual()) {
            throw new ModelFormatException(index, part, entry + name + ", not a file name");
        }
        String shard = name.asText();
        Path p;
        try {
            p = home.resolve(shard).normalize();
        } catch (InvalidPathException e) {
            throw new ModelFormatException(index, part, entry + "'" + shard + "', not a file name: " + e.getReason());
        }
        if (shard.isEmpty() || !p.startsWith(home) || p.equals(home)) {
            throw new ModelFormatException(index, part, entry + "'" + shard + "', not a file in " + home);
        }
        if (!Files.isRegularFile(p)) {
            throw new ModelFormatException(
                    p,
                    "file",
                    (Files.exists(p) ? "not a regular file" : "not found") + " (" + index.getFileName()
                            + " names it for tensor '" + tensor + "')");
        }
        return p;
    }

    private static void add(Map<String, SafetensorsFile> tensors, SafetensorsFile f) {
        for (String name : f.entries().keySet()) {
            tensors.put(name, f);
        }
    }

    static ObjectNode readObject(Path file) throws IOException {
        return readObject(file, JSON.reader());
    }

    private static ObjectNode readObject(Path file, ObjectReader reader) throws IOException {
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
            n = reader.readTree(bytes);
        } catch (JacksonException e) {
            throw new ModelFormatException(file, "json", "does not parse: " + parseProblem(e), e);
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

    /** Jackson's complaint in the file's terms, without its {@code [Source: ...]} notes ({@link JsonFileProblem}). */
    private static String parseProblem(JacksonException e) {
        return e instanceof JsonProcessingException p ? JsonFileProblem.describe(p) : e.getOriginalMessage();
    }
}
