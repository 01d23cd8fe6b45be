package dev.ripple.placement.importer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One Hugging Face {@code .safetensors} file: an 8-byte little-endian header length, a JSON header
 * mapping tensor names to {@code dtype}, {@code shape} and {@code data_offsets} (relative to the
 * end of the header), then the data. Opening validates the header length and every tensor's
 * offsets and byte count against the file size before anything is read, with errors naming the
 * file and the tensor; a header naming a tensor twice is refused (Jackson alone would keep the
 * second entry and drop the first silently).
 *
 * <pre>{@code
 * SafetensorsFile f = SafetensorsFile.open(Path.of("model.safetensors"));
 * float[] w = f.read("model.layers.0.mlp.up_proj.weight");
 * }</pre>
 */
public final class SafetensorsFile {
    /** Largest JSON header accepted (the reference implementation allows 100 MB). */
    static final long MAX_HEADER = 100L << 20;

    /** A tensor's header entry; {@code offset} is absolute in the file. */
    public record Entry(String name, String dtype, long[] shape, long offset, long length) {
        @Override
        public long[] shape() {
            return shape.clone();
        }

        public long elementCount() {
            return Tensor.elementCount(shape);
        }
    }

    private final Path file;
    private final Map<String, Entry> entries;
    private MemorySegment mapped;

    private SafetensorsFile(Path file, Map<String, Entry> entries) {
        this.file = file;
        this.entries = Collections.unmodifiableMap(entries);
    }

    /**
     * A float tensor (F32, F16 or BF16) read in place from the mapped file, in its stored type: no
     * copy on the heap, so a checkpoint larger than the heap imports tensor by tensor. The mapping
     * lives as long as the returned tensors are reachable.
     *
     * @throws ModelFormatException when the tensor is missing or not a float tensor
     */
    public Tensor tensor(String name) throws IOException {
        Entry e = entries.get(name);
        if (e == null) {
            throw new ModelFormatException(file, "tensor '" + name + "'", "not in this file");
        }
        if (width(e.dtype()) < 0) {
            throw new ModelFormatException(
                    file, "tensor '" + name + "'", "dtype " + e.dtype() + " is not supported (F32, F16, BF16 are)");
        }
        return new Tensor(name, dtypeOf(e.dtype()), e.shape(), mapped().asSlice(e.offset(), e.length()));
    }

    private synchronized MemorySegment mapped() throws IOException {
        if (mapped == null) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                // An automatic arena: the mapping goes when the last tensor viewing it is unreachable.
                mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), Arena.ofAuto());
            }
        }
        return mapped;
    }

    public static SafetensorsFile open(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new ModelFormatException(
                        file, "header", "file of " + size + " bytes is too short for a safetensors header");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, file);
            long headerLength = lenBuf.getLong(0);
            if (headerLength < 2 || headerLength > MAX_HEADER || headerLength > size - 8) {
                throw new ModelFormatException(
                        file,
                        "header",
                        "declares a JSON header of " + headerLength + " bytes; the file has " + (size - 8)
                                + " after the length and the limit is " + MAX_HEADER);
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(ch, header, 8, file);
            JsonNode root;
            try {
                root = HfCheckpoint.STRICT_JSON.readTree(header.array());
            } catch (IOException e) {
                throw new ModelFormatException(file, "header", "JSON does not parse: " + e.getMessage(), e);
            }
            if (root == null || !root.isObject()) {
                throw new ModelFormatException(file, "header", "JSON header is not an object");
            }
            long dataStart = 8 + headerLength;
            long dataSize = size - dataStart;
            Map<String, Entry> entries = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> f : root.properties()) {
                if (f.getKey().equals("__metadata__")) {
                    continue;
                }
                entries.put(f.getKey(), entry(file, f.getKey(), f.getValue(), dataStart, dataSize));
            }
            return new SafetensorsFile(file, entries);
        }
    }

    private static Entry entry(Path file, String name, JsonNode n, long dataStart, long dataSize)
            throws ModelFormatException {
        String part = "tensor '" + name + "'";
        JsonNode dtype = n.get("dtype");
        JsonNode shape = n.get("shape");
        JsonNode offsets = n.get("data_offsets");
        if (dtype == null
                || !dtype.isTextual()
                || shape == null
                || !shape.isArray()
                || offsets == null
                || !offsets.isArray()
                || offsets.size() != 2) {
            throw new ModelFormatException(file, part, "header entry needs dtype, shape and two data_offsets: " + n);
        }
        long[] dims = new long[shape.size()];
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            if (!shape.get(i).canConvertToLong() || shape.get(i).asLong() < 0) {
                throw new ModelFormatException(file, part, "bad shape " + shape);
            }
            dims[i] = shape.get(i).asLong();
            try {
                count = Math.multiplyExact(count, dims[i]);
            } catch (ArithmeticException e) {
                throw new ModelFormatException(file, part, "shape " + shape + " overflows");
            }
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (begin < 0 || end < begin || end > dataSize) {
            throw new ModelFormatException(
                    file, part, "data_offsets [" + begin + ", " + end + "] outside the " + dataSize + " data bytes");
        }
        int width = width(dtype.asText());
        if (width > 0 && count * width != end - begin) {
            throw new ModelFormatException(
                    file,
                    part,
                    "shape " + Arrays.toString(dims) + " of " + dtype.asText() + " needs " + count * width
                            + " bytes but data_offsets span " + (end - begin));
        }
        return new Entry(name, dtype.asText(), dims, dataStart + begin, end - begin);
    }

    /** Bytes per element for the float types read here, else -1 (other types are listed but not readable). */
    static int width(String dtype) {
        return switch (dtype) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            default -> -1;
        };
    }

    /** The Ripple dtype matching a safetensors float dtype. */
    static DType dtypeOf(String dtype) {
        return switch (dtype) {
            case "F32" -> DType.F32;
            case "F16" -> DType.F16;
            case "BF16" -> DType.BF16;
            default -> throw new IllegalArgumentException(dtype);
        };
    }

    public Path file() {
        return file;
    }

    public Map<String, Entry> entries() {
        return entries;
    }

    /** Reads a float tensor (F32, F16 or BF16) into f32 values. */
    public float[] read(String name) throws IOException {
        Entry e = entries.get(name);
        if (e == null) {
            throw new ModelFormatException(file, "tensor '" + name + "'", "not in this file");
        }
        int width = width(e.dtype());
        if (width < 0) {
            throw new ModelFormatException(
                    file, "tensor '" + name + "'", "dtype " + e.dtype() + " is not supported (F32, F16, BF16 are)");
        }
        long n = e.elementCount();
        if (n > Integer.MAX_VALUE - 8 || e.length() > Integer.MAX_VALUE - 8) {
            throw new ModelFormatException(file, "tensor '" + name + "'", n + " elements do not fit one array");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) e.length()).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            readFully(ch, buf, e.offset(), file);
        }
        float[] out = new float[(int) n];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (e.dtype()) {
                case "F32" -> buf.getFloat(i * 4);
                case "F16" -> Float.float16ToFloat(buf.getShort(i * 2));
                default -> Float.intBitsToFloat((buf.getShort(i * 2) & 0xFFFF) << 16);
            };
        }
        return out;
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long at, Path file) throws IOException {
        long pos = at;
        while (b.hasRemaining()) {
            int r = ch.read(b, pos);
            if (r < 0) {
                throw new ModelFormatException(
                        file,
                        "data",
                        "file ends at byte " + pos + " while reading " + b.capacity() + " bytes from " + at);
            }
            pos += r;
        }
    }
}
