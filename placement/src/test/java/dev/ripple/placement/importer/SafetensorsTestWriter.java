package dev.ripple.placement.importer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Test-only writer of {@code .safetensors} files in F32, F16 or BF16, single or sharded. */
final class SafetensorsTestWriter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private final Map<String, float[]> values = new LinkedHashMap<>();

    SafetensorsTestWriter put(String name, long[] shape, float[] v) {
        shapes.put(name, shape);
        values.put(name, v);
        return this;
    }

    void write(Path file, String dtype) throws IOException {
        int width = dtype.equals("F32") ? 4 : 2;
        ObjectNode header = JSON.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        long offset = 0;
        for (var e : shapes.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", dtype);
            var s = t.putArray("shape");
            for (long d : e.getValue()) {
                s.add(d);
            }
            long len = (long) values.get(e.getKey()).length * width;
            t.putArray("data_offsets").add(offset).add(offset + len);
            offset += len;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        ByteBuffer b = ByteBuffer.allocate((int) (8 + json.length + offset)).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json);
        for (float[] v : values.values()) {
            for (float x : v) {
                switch (dtype) {
                    case "F32" -> b.putFloat(x);
                    case "F16" -> b.putShort(Float.floatToFloat16(x));
                    default -> b.putShort((short) (Float.floatToRawIntBits(x) >>> 16));
                }
            }
        }
        Files.write(file, b.array());
    }

    /**
     * Writes the tensors as a sharded checkpoint in {@code dir}, the way transformers' {@code
     * save_pretrained} does: {@code model-0000i-of-0000n.safetensors} files holding consecutive runs
     * of the tensors (in the order put), and {@code model.safetensors.index.json} with the byte
     * total and a {@code weight_map} naming each tensor's shard.
     *
     * @return the index's text
     */
    String writeSharded(Path dir, String dtype, int shards) throws IOException {
        if (shards < 1 || shards > shapes.size()) {
            throw new IllegalArgumentException("shards must be in [1, " + shapes.size() + "]: " + shards);
        }
        int width = dtype.equals("F32") ? 4 : 2;
        List<String> names = List.copyOf(shapes.keySet());
        ObjectNode index = JSON.createObjectNode();
        ObjectNode weightMap = JSON.createObjectNode();
        long total = 0;
        for (int s = 0; s < shards; s++) {
            String file = String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", s + 1, shards);
            SafetensorsTestWriter shard = new SafetensorsTestWriter();
            for (int k = names.size() * s / shards; k < names.size() * (s + 1) / shards; k++) {
                String name = names.get(k);
                shard.put(name, shapes.get(name), values.get(name));
                weightMap.put(name, file);
                total += (long) values.get(name).length * width;
            }
            shard.write(dir.resolve(file), dtype);
        }
        index.putObject("metadata").put("total_size", total);
        index.set("weight_map", weightMap);
        String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(index);
        Files.writeString(dir.resolve("model.safetensors.index.json"), text);
        return text;
    }

    Map<String, float[]> values() {
        return values;
    }
}
