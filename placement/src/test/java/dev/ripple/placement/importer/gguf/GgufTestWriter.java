package dev.ripple.placement.importer.gguf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test-only writer of GGUF files (versions 2 and 3, or any number for refusal tests): metadata of
 * every value type including arrays of arrays, and tensors of any ggml type given as raw bytes or
 * encoded from floats by {@link GgmlEncoder}. {@link #offsets()} tells where each field landed, so
 * corruption tests can change exactly one of them.
 *
 * <pre>{@code
 * byte[] file = new GgufTestWriter().putString("general.architecture", "llama").putU32("llama.block_count", 2)
 *         .tensor("token_embd.weight", GgmlType.F16, new long[] {64, 512}, GgmlEncoder.encode(GgmlType.F16, values))
 *         .toBytes();
 * }</pre>
 */
final class GgufTestWriter {
    /** A metadata value: a Long, Double, Boolean, String or {@link Arr}, with its GGUF type. */
    record Meta(GgufValueType type, Object value) {}

    /** An array value: element type and elements (Long, Double, Boolean, String or nested {@link Arr}). */
    record Arr(GgufValueType elementType, List<Object> values) {
        static Arr of(GgufValueType t, Object... values) {
            return new Arr(t, Arrays.asList(values));
        }
    }

    private record TensorEntry(String name, long[] dims, int typeCode, byte[] data) {}

    private int version = 3;
    private int alignment = GgufFile.DEFAULT_ALIGNMENT;
    private final Map<String, Meta> meta = new LinkedHashMap<>();
    private final List<TensorEntry> tensors = new ArrayList<>();
    private final Map<String, Long> offsets = new LinkedHashMap<>();

    GgufTestWriter version(int v) {
        version = v;
        return this;
    }

    /** Sets {@code general.alignment} (uint32) and aligns the data to it. */
    GgufTestWriter alignment(int a) {
        alignment = a;
        return put("general.alignment", GgufValueType.UINT32, (long) a);
    }

    GgufTestWriter put(String key, GgufValueType type, Object value) {
        meta.put(key, new Meta(type, value));
        return this;
    }

    GgufTestWriter remove(String key) {
        meta.remove(key);
        return this;
    }

    GgufTestWriter putString(String key, String v) {
        return put(key, GgufValueType.STRING, v);
    }

    GgufTestWriter putU32(String key, long v) {
        return put(key, GgufValueType.UINT32, v);
    }

    GgufTestWriter putF32(String key, double v) {
        return put(key, GgufValueType.FLOAT32, v);
    }

    GgufTestWriter putBool(String key, boolean v) {
        return put(key, GgufValueType.BOOL, v);
    }

    GgufTestWriter putArray(String key, Arr a) {
        return put(key, GgufValueType.ARRAY, a);
    }

    GgufTestWriter putStrings(String key, String... values) {
        return putArray(key, new Arr(GgufValueType.STRING, List.of((Object[]) values)));
    }

    GgufTestWriter putFloats(String key, float... values) {
        List<Object> l = new ArrayList<>(values.length);
        for (float v : values) {
            l.add((double) v);
        }
        return putArray(key, new Arr(GgufValueType.FLOAT32, l));
    }

    GgufTestWriter putInts(String key, int... values) {
        List<Object> l = new ArrayList<>(values.length);
        for (int v : values) {
            l.add((long) v);
        }
        return putArray(key, new Arr(GgufValueType.INT32, l));
    }

    /** A tensor of {@code type} with ggml {@code dims} (contiguous first) and its raw bytes. */
    GgufTestWriter tensor(String name, GgmlType type, long[] dims, byte[] data) {
        return tensor(name, type.code(), dims, data);
    }

    /** A tensor with any type code (for refusal tests). */
    GgufTestWriter tensor(String name, int typeCode, long[] dims, byte[] data) {
        tensors.add(new TensorEntry(name, dims.clone(), typeCode, data));
        return this;
    }

    /** A tensor encoded from row-major floats ({@code values.length} = product of dims). */
    GgufTestWriter tensor(String name, GgmlType type, long[] dims, float[] values) {
        return tensor(name, type, dims, GgmlEncoder.encode(type, values));
    }

    /** A copy with tensor {@code name} replaced by the given one, or removed when {@code type} is null. */
    GgufTestWriter copy(String name, GgmlType type, long[] dims, byte[] data) {
        GgufTestWriter c = new GgufTestWriter();
        c.version = version;
        c.alignment = alignment;
        c.meta.putAll(meta);
        for (TensorEntry t : tensors) {
            if (!t.name.equals(name)) {
                c.tensors.add(t);
            } else if (type != null) {
                c.tensors.add(new TensorEntry(name, dims.clone(), type.code(), data));
            }
        }
        return c;
    }

    /** Where each field starts in the last {@link #toBytes()}: {@code version}, {@code kv:KEY.type}, {@code tensor:NAME.offset}, ... */
    Map<String, Long> offsets() {
        return offsets;
    }

    void write(Path file) throws IOException {
        Files.write(file, toBytes());
    }

    byte[] toBytes() {
        offsets.clear();
        Out o = new Out();
        offsets.put("magic", (long) o.size());
        o.bytes("GGUF".getBytes(StandardCharsets.US_ASCII));
        offsets.put("version", (long) o.size());
        o.u32(version);
        offsets.put("tensor_count", (long) o.size());
        o.u64(tensors.size());
        offsets.put("kv_count", (long) o.size());
        o.u64(meta.size());
        for (var e : meta.entrySet()) {
            offsets.put("kv:" + e.getKey(), (long) o.size());
            o.string(e.getKey());
            offsets.put("kv:" + e.getKey() + ".type", (long) o.size());
            o.u32(e.getValue().type().code());
            offsets.put("kv:" + e.getKey() + ".value", (long) o.size());
            value(o, e.getValue().type(), e.getValue().value());
        }
        long rel = 0;
        long[] relOffsets = new long[tensors.size()];
        for (int i = 0; i < tensors.size(); i++) {
            TensorEntry t = tensors.get(i);
            offsets.put("tensor:" + t.name, (long) o.size());
            o.string(t.name);
            offsets.put("tensor:" + t.name + ".n_dims", (long) o.size());
            o.u32(t.dims.length);
            offsets.put("tensor:" + t.name + ".dims", (long) o.size());
            for (long d : t.dims) {
                o.u64(d);
            }
            offsets.put("tensor:" + t.name + ".type", (long) o.size());
            o.u32(t.typeCode);
            offsets.put("tensor:" + t.name + ".offset", (long) o.size());
            relOffsets[i] = rel;
            o.u64(rel);
            rel = align(rel + t.data.length, alignment);
        }
        o.pad(alignment);
        long data = o.size();
        offsets.put("data", data);
        for (int i = 0; i < tensors.size(); i++) {
            TensorEntry t = tensors.get(i);
            while (o.size() < data + relOffsets[i]) {
                o.u8(0);
            }
            offsets.put("data:" + t.name, (long) o.size());
            o.bytes(t.data);
        }
        if (!tensors.isEmpty()) {
            o.pad(alignment);
        }
        return o.toByteArray();
    }

    private static void value(Out o, GgufValueType type, Object v) {
        switch (type) {
            case UINT8, INT8, BOOL -> o.u8(v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).intValue());
            case UINT16, INT16 -> o.u16(((Number) v).intValue());
            case UINT32, INT32 -> o.u32(((Number) v).longValue());
            case UINT64, INT64 -> o.u64(((Number) v).longValue());
            case FLOAT32 -> o.u32(Float.floatToRawIntBits(((Number) v).floatValue()));
            case FLOAT64 -> o.u64(Double.doubleToRawLongBits(((Number) v).doubleValue()));
            case STRING -> o.string((String) v);
            case ARRAY -> {
                Arr a = (Arr) v;
                o.u32(a.elementType().code());
                o.u64(a.values().size());
                for (Object x : a.values()) {
                    value(o, a.elementType(), x);
                }
            }
        }
    }

    static long align(long p, long a) {
        long r = p % a;
        return r == 0 ? p : p + a - r;
    }

    /** Little-endian output. */
    private static final class Out extends ByteArrayOutputStream {
        private final ByteBuffer b8 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

        void u8(int v) {
            write(v);
        }

        void u16(int v) {
            u8(v & 0xFF);
            u8((v >>> 8) & 0xFF);
        }

        void u32(long v) {
            b8.clear();
            b8.putInt((int) v);
            write(b8.array(), 0, 4);
        }

        void u64(long v) {
            b8.clear();
            b8.putLong(v);
            write(b8.array(), 0, 8);
        }

        void bytes(byte[] b) {
            write(b, 0, b.length);
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            bytes(b);
        }

        void pad(int a) {
            while (size() % a != 0) {
                u8(0);
            }
        }
    }
}
