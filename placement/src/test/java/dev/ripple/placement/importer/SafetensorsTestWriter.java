package dev.ripple.placement.importer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Test-only writer of {@code .safetensors} files in F32, F16 or BF16. */
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

    Map<String, float[]> values() {
        return values;
    }
}
