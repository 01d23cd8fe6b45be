package dev.ripple.placement.importer.gguf;

import static dev.ripple.core.tensor.LittleEndian.I16;
import static dev.ripple.core.tensor.LittleEndian.I32;
import static dev.ripple.core.tensor.LittleEndian.I64;

import dev.ripple.placement.importer.ModelFormatException;
import dev.ripple.placement.importer.gguf.GgufValue.ArrayValue;
import dev.ripple.placement.importer.gguf.GgufValue.BoolValue;
import dev.ripple.placement.importer.gguf.GgufValue.FloatValue;
import dev.ripple.placement.importer.gguf.GgufValue.IntValue;
import dev.ripple.placement.importer.gguf.GgufValue.StringValue;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A GGUF file (llama.cpp's model format, versions 2 and 3), mapped and parsed in place: the
 * header, every metadata key/value (all thirteen value types, arrays of arrays included), the
 * tensor infos and the data section. Nothing is read onto the heap but the metadata scalars; arrays
 * and tensors stay slices of the mapping until asked for.
 *
 * <pre>{@code
 * try (GgufFile f = GgufFile.open(Path.of("llama-2-7b.Q4_K_M.gguf"))) {
 *     String arch = f.getString("general.architecture");              // "llama"
 *     int layers = f.getInt(arch + ".block_count");
 *     GgufTensor q = f.tensor("blk.0.attn_q.weight");                 // Q4_K, dims [4096, 4096]
 *     float[] row = new float[(int) q.rowLength()];
 *     q.dequantizeRows(0, 1, row, 0);
 * }
 * }</pre>
 *
 * <h2>Layout (little-endian)</h2>
 * {@code "GGUF"}, {@code uint32} version, {@code uint64} tensor count, {@code uint64} key/value
 * count; each key/value: a string key, a {@code uint32} {@link GgufValueType} and the value; each
 * tensor info: a string name, {@code uint32} n_dims, n_dims × {@code int64} sizes (contiguous
 * dimension first), {@code uint32} {@link GgmlType} and a {@code uint64} offset into the data
 * section, which starts at the next multiple of {@code general.alignment} (32 when absent) after
 * the infos; every offset is a multiple of the alignment. Version 1 (32-bit counts) is refused.
 *
 * <h2>Checks</h2>
 * Every count, length and offset is checked against the bytes left in the file and against the caps
 * below before anything is allocated or sliced: arrays of at most {@link #MAX_ARRAY_LENGTH}
 * elements nested at most {@link #MAX_NESTING} deep, strings of at most 64 MiB and valid UTF-8,
 * at most 2^20 keys and tensors, 1 to 4 dimensions, rows a whole number of blocks, tensor data
 * aligned, inside the file and not overlapping another tensor. A failure is a
 * {@link ModelFormatException} naming the file, the field ({@code header.version},
 * {@code metadata 'llama.block_count'}, {@code tensor 'blk.0.attn_q.weight'}) and the offsets.
 */
public final class GgufFile implements AutoCloseable {
    /** Tensor data alignment when {@code general.alignment} is absent. */
    public static final int DEFAULT_ALIGNMENT = 32;
    /** Longest metadata array read (a vocabulary has a few hundred thousand entries). */
    public static final long MAX_ARRAY_LENGTH = 1L << 24;
    /** Deepest nesting of arrays of arrays. */
    public static final int MAX_NESTING = 8;

    static final long MAX_STRING_BYTES = 64L << 20;
    static final long MAX_KEY_BYTES = 1L << 16;
    static final long MAX_NAME_BYTES = 1L << 12;
    static final long MAX_KEYS = 1L << 20;
    static final long MAX_TENSORS = 1L << 20;
    static final int MAX_DIMS = 4;
    static final long MAX_ALIGNMENT = 1L << 30;
    static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32

    private final Path path;
    private final Arena owned;
    private final long size;
    private final int version;
    private final long alignment;
    private final long dataOffset;
    private final Map<String, GgufValue> metadata;
    private final Map<String, GgufTensor> tensors;

    private GgufFile(
            Path path,
            Arena owned,
            long size,
            int version,
            long alignment,
            long dataOffset,
            Map<String, GgufValue> metadata,
            Map<String, GgufTensor> tensors) {
        this.path = path;
        this.owned = owned;
        this.size = size;
        this.version = version;
        this.alignment = alignment;
        this.dataOffset = dataOffset;
        this.metadata = Collections.unmodifiableMap(metadata);
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /** Maps and parses {@code file}; {@link #close()} unmaps it (slices taken from it become unusable). */
    public static GgufFile open(Path file) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            return open(file, arena, true);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Maps and parses {@code file} in {@code arena}: the mapping and every slice taken from it live
     * as long as the arena ({@code Arena.ofAuto()}: until they are unreachable); {@link #close()}
     * does nothing.
     */
    public static GgufFile open(Path file, Arena arena) throws IOException {
        return open(file, arena, false);
    }

    private static GgufFile open(Path file, Arena arena, boolean own) throws IOException {
        MemorySegment mapped;
        long size;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            size = ch.size();
            if (size < 4) {
                throw new ModelFormatException(
                        file, "header", "file of " + size + " bytes is too short for a GGUF header");
            }
            mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
        }
        return new Parser(file, mapped).parse(own ? arena : null);
    }

    /** The file. */
    public Path path() {
        return path;
    }

    /** The file's size in bytes. */
    public long size() {
        return size;
    }

    /** Format version: 2 or 3. */
    public int version() {
        return version;
    }

    /** Alignment of tensor data ({@code general.alignment}, default 32). */
    public long alignment() {
        return alignment;
    }

    /** Absolute offset of the data section. */
    public long dataOffset() {
        return dataOffset;
    }

    /** Every key/value in file order. */
    public Map<String, GgufValue> metadata() {
        return metadata;
    }

    /** Every tensor in file order. */
    public List<GgufTensor> tensors() {
        return List.copyOf(tensors.values());
    }

    public Optional<GgufTensor> findTensor(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    /** @throws ModelFormatException naming the file and the tensor when it is not there */
    public GgufTensor tensor(String name) throws ModelFormatException {
        GgufTensor t = tensors.get(name);
        if (t == null) {
            throw new ModelFormatException(
                    path, "tensor '" + name + "'", "not in the file (it has " + tensors.size() + " tensors)");
        }
        return t;
    }

    public boolean has(String key) {
        return metadata.containsKey(key);
    }

    public Optional<GgufValue> value(String key) {
        return Optional.ofNullable(metadata.get(key));
    }

    /** An integer value of any integer type that fits a {@code long}. */
    public long getLong(String key) throws ModelFormatException {
        GgufValue v = require(key);
        if (v instanceof IntValue i && i.fitsLong()) {
            return i.value();
        }
        throw wrongType(key, v, "an integer");
    }

    public long getLong(String key, long defaultValue) throws ModelFormatException {
        return has(key) ? getLong(key) : defaultValue;
    }

    /** An integer value that fits an {@code int}. */
    public int getInt(String key) throws ModelFormatException {
        long v = getLong(key);
        if (v != (int) v) {
            throw new ModelFormatException(path, part(key), v + " does not fit a 32-bit integer");
        }
        return (int) v;
    }

    public int getInt(String key, int defaultValue) throws ModelFormatException {
        return has(key) ? getInt(key) : defaultValue;
    }

    /** A {@code float32}, {@code float64} or integer value. */
    public double getDouble(String key) throws ModelFormatException {
        GgufValue v = require(key);
        if (v instanceof FloatValue f) {
            return f.value();
        }
        if (v instanceof IntValue i && i.fitsLong()) {
            return i.value();
        }
        throw wrongType(key, v, "a number");
    }

    public double getDouble(String key, double defaultValue) throws ModelFormatException {
        return has(key) ? getDouble(key) : defaultValue;
    }

    public String getString(String key) throws ModelFormatException {
        return require(key, StringValue.class, "a string").value();
    }

    public String getString(String key, String defaultValue) throws ModelFormatException {
        return has(key) ? getString(key) : defaultValue;
    }

    public boolean getBoolean(String key) throws ModelFormatException {
        return require(key, BoolValue.class, "a bool").value();
    }

    public boolean getBoolean(String key, boolean defaultValue) throws ModelFormatException {
        return has(key) ? getBoolean(key) : defaultValue;
    }

    public ArrayValue getArray(String key) throws ModelFormatException {
        return require(key, ArrayValue.class, "an array");
    }

    /** An array of strings. */
    public String[] getStrings(String key) throws ModelFormatException {
        return getArray(key, t -> t == GgufValueType.STRING, "an array of strings")
                .strings();
    }

    /** An array of {@code float32} or {@code float64}. */
    public float[] getFloats(String key) throws ModelFormatException {
        return getArray(key, t -> t == GgufValueType.FLOAT32 || t == GgufValueType.FLOAT64, "an array of floats")
                .floats();
    }

    /** An array of integers that all fit an {@code int}. */
    public int[] getInts(String key) throws ModelFormatException {
        ArrayValue a = getArray(key, GgufValueType::isInteger, "an array of integers");
        long[] l = a.longs();
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            if (l[i] != (int) l[i] || a.elementType() == GgufValueType.UINT64 && l[i] < 0) {
                throw new ModelFormatException(
                        path,
                        part(key) + "[" + i + "]",
                        Long.toUnsignedString(l[i]) + " does not fit a 32-bit integer");
            }
            out[i] = (int) l[i];
        }
        return out;
    }

    private GgufValue require(String key) throws ModelFormatException {
        GgufValue v = metadata.get(key);
        if (v == null) {
            throw new ModelFormatException(path, part(key), "missing");
        }
        return v;
    }

    /** The value of {@code key} when it is a {@code type}, else a typed error saying it should be {@code expected}. */
    private <T extends GgufValue> T require(String key, Class<T> type, String expected) throws ModelFormatException {
        GgufValue v = require(key);
        if (type.isInstance(v)) {
            return type.cast(v);
        }
        throw wrongType(key, v, expected);
    }

    private ArrayValue getArray(String key, Predicate<GgufValueType> elements, String expected)
            throws ModelFormatException {
        ArrayValue a = getArray(key);
        if (!elements.test(a.elementType())) {
            throw wrongType(key, a, expected);
        }
        return a;
    }

    private ModelFormatException wrongType(String key, GgufValue v, String expected) {
        return new ModelFormatException(path, part(key), "is " + v.describe() + ", expected " + expected);
    }

    static String part(String key) {
        return "metadata '" + key + "'";
    }

    @Override
    public void close() {
        if (owned != null && owned.scope().isAlive()) {
            owned.close();
        }
    }

    @Override
    public String toString() {
        return "GgufFile[" + path + ", v" + version + ", " + metadata.size() + " keys, " + tensors.size() + " tensors]";
    }

    /** Bytes of an array's elements at {@code at} (already validated; used to slice nested arrays). */
    static long arrayBytes(GgufValueType t, long count, MemorySegment s, long at) {
        if (t.width() > 0) {
            return count * t.width();
        }
        long pos = at;
        for (long i = 0; i < count; i++) {
            if (t == GgufValueType.STRING) {
                pos += 8 + s.get(I64, pos);
            } else {
                GgufValueType inner = GgufValueType.ofCode(s.get(I32, pos) & 0xFFFF_FFFFL);
                long n = s.get(I64, pos + 4);
                pos += 12 + arrayBytes(inner, n, s, pos + 12);
            }
        }
        return pos - at;
    }

    /** One pass over the header, metadata and tensor infos, every read bounds-checked. */
    private static final class Parser {
        private final Path file;
        private final MemorySegment s;
        private final long size;
        private long pos;

        Parser(Path file, MemorySegment s) {
            this.file = file;
            this.s = s;
            this.size = s.byteSize();
        }

        GgufFile parse(Arena owned) throws ModelFormatException {
            int magic = s.get(I32, 0);
            if (magic != MAGIC) {
                throw fail(
                        "header.magic", "starts with " + hex(0, 4) + ", not \"GGUF\" (47 47 55 46): not a GGUF file");
            }
            pos = 4;
            long version = u32("header.version");
            if (version == 1) {
                throw fail(
                        "header.version",
                        "GGUF version 1 (the 2023 draft with 32-bit counts) is not supported; "
                                + "convert the model again with a current llama.cpp (versions 2 and 3 are read)");
            }
            if (version == 0x0200_0000L || version == 0x0300_0000L) {
                throw fail(
                        "header.version",
                        "the version reads " + Long.toHexString(version) + ": a big-endian GGUF file, "
                                + "which is not supported (little-endian versions 2 and 3 are read)");
            }
            if (version < 2 || version > 3) {
                throw fail("header.version", "version " + version + " is not supported (2 and 3 are read)");
            }
            long tensorCount = count("header.tensor_count", MAX_TENSORS, 24);
            long kvCount = count("header.metadata_kv_count", MAX_KEYS, 13);
            Map<String, GgufValue> metadata = new LinkedHashMap<>();
            for (long i = 0; i < kvCount; i++) {
                long at = pos;
                String key = string("metadata[" + i + "].key", MAX_KEY_BYTES);
                String part = part(key);
                if (metadata.containsKey(key)) {
                    throw fail(part, "appears twice (second at offset " + at + ")");
                }
                GgufValueType type = type(part + ".type");
                metadata.put(key, value(part, type, 0));
            }
            long alignment = DEFAULT_ALIGNMENT;
            GgufValue a = metadata.get("general.alignment");
            if (a != null) {
                if (!(a instanceof IntValue iv) || a.type() != GgufValueType.UINT32) {
                    throw fail(part("general.alignment"), "is " + a.describe() + ", expected a uint32");
                }
                alignment = iv.value();
                if (alignment <= 0 || alignment > MAX_ALIGNMENT || Long.bitCount(alignment) != 1) {
                    throw fail(part("general.alignment"), alignment + " is not a power of two up to " + MAX_ALIGNMENT);
                }
            }
            List<Info> infos = new ArrayList<>();
            Map<String, Info> byName = new LinkedHashMap<>();
            for (long i = 0; i < tensorCount; i++) {
                Info info = tensorInfo(i);
                if (byName.put(info.name, info) != null) {
                    throw fail("tensor '" + info.name + "'", "appears twice in the tensor infos");
                }
                infos.add(info);
            }
            long dataOffset = align(pos, alignment);
            Map<String, GgufTensor> tensors = new LinkedHashMap<>();
            for (Info t : infos) {
                String part = "tensor '" + t.name + "'";
                if (t.offset % alignment != 0) {
                    throw fail(part, "data offset " + t.offset + " is not a multiple of the alignment " + alignment);
                }
                long available = size - Math.min(size, dataOffset);
                if (t.offset > available || t.bytes > available - t.offset) {
                    throw fail(
                            part,
                            t.bytes + " bytes of " + t.type + Arrays.toString(t.dims) + " at data offset " + t.offset
                                    + " (file offset " + (dataOffset + t.offset) + ") run past the end of the file ("
                                    + size
                                    + " bytes, data section from " + dataOffset + ")");
                }
                long abs = dataOffset + t.offset;
                tensors.put(t.name, new GgufTensor(file, t.name, t.dims, t.type, abs, s.asSlice(abs, t.bytes)));
            }
            List<GgufTensor> byOffset = new ArrayList<>(tensors.values());
            byOffset.sort(Comparator.comparingLong(GgufTensor::offset));
            for (int i = 1; i < byOffset.size(); i++) {
                GgufTensor prev = byOffset.get(i - 1);
                GgufTensor cur = byOffset.get(i);
                if (cur.offset() < prev.offset() + prev.data().byteSize()) {
                    throw fail(
                            "tensor '" + cur.name() + "'",
                            "data at file offset " + cur.offset() + " overlaps tensor '" + prev.name() + "' ("
                                    + prev.offset() + " + " + prev.data().byteSize() + " bytes)");
                }
            }
            return new GgufFile(file, owned, size, (int) version, alignment, dataOffset, metadata, tensors);
        }

        private record Info(String name, long[] dims, GgmlType type, long offset, long bytes) {}

        private Info tensorInfo(long i) throws ModelFormatException {
            String name = string("tensor info " + i + ".name", MAX_NAME_BYTES);
            String part = "tensor '" + name + "'";
            long nDims = u32(part + ".n_dims");
            if (nDims < 1 || nDims > MAX_DIMS) {
                throw fail(part + ".n_dims", nDims + " dimensions (1 to " + MAX_DIMS + " are allowed)");
            }
            long[] dims = new long[(int) nDims];
            long elements = 1;
            for (int d = 0; d < dims.length; d++) {
                dims[d] = i64(part + ".dims[" + d + "]");
                if (dims[d] < 0) {
                    throw fail(part + ".dims[" + d + "]", "negative size " + dims[d]);
                }
                elements = multiply(elements, dims[d], part, "dims " + Arrays.toString(dims));
            }
            long code = u32(part + ".type");
            GgmlType type = GgmlType.ofCode(code);
            if (type == null) {
                throw fail(part + ".type", "ggml type code " + code + " is unknown (or was removed from ggml)");
            }
            if (dims[0] % type.blockSize() != 0) {
                throw fail(
                        part,
                        "rows of " + dims[0] + " values are not a whole number of " + type + " blocks of "
                                + type.blockSize());
            }
            long rows = dims[0] == 0 ? 0 : elements / dims[0];
            long rowBytes;
            try {
                rowBytes = type.rowBytes(dims[0]);
            } catch (ArithmeticException e) {
                throw fail(part, "rows of " + dims[0] + " " + type + " values overflow 64 bits");
            }
            long bytes = multiply(rowBytes, rows, part, "dims " + Arrays.toString(dims));
            long offset = i64(part + ".offset");
            if (offset < 0) {
                throw fail(part + ".offset", "offset " + Long.toUnsignedString(offset) + " is beyond any file");
            }
            return new Info(name, dims, type, offset, bytes);
        }

        private GgufValue value(String part, GgufValueType type, int depth) throws ModelFormatException {
            return switch (type) {
                case UINT8 -> new IntValue(type, u8(part));
                case INT8 -> new IntValue(type, (byte) u8(part));
                case UINT16 -> new IntValue(type, u16(part));
                case INT16 -> new IntValue(type, (short) u16(part));
                case UINT32 -> new IntValue(type, u32(part));
                case INT32 -> new IntValue(type, (int) u32(part));
                case UINT64, INT64 -> new IntValue(type, i64(part));
                case FLOAT32 -> new FloatValue(type, Float.intBitsToFloat((int) u32(part)));
                case FLOAT64 -> new FloatValue(type, Double.longBitsToDouble(i64(part)));
                case BOOL -> {
                    long b = u8(part);
                    if (b > 1) {
                        throw fail(part, "bool byte " + b + " at offset " + (pos - 1) + " is neither 0 nor 1");
                    }
                    yield new BoolValue(b == 1);
                }
                case STRING -> new StringValue(string(part, MAX_STRING_BYTES));
                case ARRAY -> array(part, depth);
            };
        }

        private ArrayValue array(String part, int depth) throws ModelFormatException {
            if (depth >= MAX_NESTING) {
                throw fail(part, "arrays nested deeper than " + MAX_NESTING + " levels");
            }
            GgufValueType element = type(part + ".element_type");
            long countAt = pos;
            long count = i64(part + ".count");
            long minBytes = element.width() > 0 ? element.width() : element == GgufValueType.STRING ? 8 : 12;
            if (count < 0 || count > MAX_ARRAY_LENGTH || count > (size - pos) / minBytes) {
                throw fail(
                        part + ".count",
                        "an array of " + Long.toUnsignedString(count) + " " + element.label()
                                + " (declared at offset " + countAt + ") does not fit the " + (size - pos)
                                + " bytes left in the file or exceeds " + MAX_ARRAY_LENGTH + " elements");
            }
            long start = pos;
            if (element.width() > 0) {
                pos += count * element.width();
                if (element == GgufValueType.BOOL) {
                    for (long i = 0; i < count; i++) {
                        byte b = s.get(ValueLayout.JAVA_BYTE, start + i);
                        if (b != 0 && b != 1) {
                            throw fail(
                                    part + "[" + i + "]",
                                    "bool byte " + b + " at offset " + (start + i) + " is neither 0 nor 1");
                        }
                    }
                }
            } else {
                for (long i = 0; i < count; i++) {
                    String item = part + "[" + i + "]";
                    if (element == GgufValueType.STRING) {
                        skipString(item, MAX_STRING_BYTES);
                    } else {
                        array(item, depth + 1);
                    }
                }
            }
            return new ArrayValue(element, count, s.asSlice(start, pos - start));
        }

        private GgufValueType type(String part) throws ModelFormatException {
            long at = pos;
            long code = u32(part);
            GgufValueType t = GgufValueType.ofCode(code);
            if (t == null) {
                throw fail(part, "value type code " + code + " at offset " + at + " is not a GGUF type (0-12)");
            }
            return t;
        }

        /** A count that must fit under {@code cap} and in the rest of the file at {@code minBytes} per item. */
        private long count(String part, long cap, long minBytes) throws ModelFormatException {
            long at = pos;
            long n = i64(part);
            if (n < 0 || n > cap || n > (size - pos) / minBytes) {
                throw fail(
                        part,
                        Long.toUnsignedString(n) + " (at offset " + at + ") cannot fit the " + (size - pos)
                                + " bytes left in the file (at least " + minBytes + " each) or exceeds " + cap);
            }
            return n;
        }

        private String string(String part, long max) throws ModelFormatException {
            long start = pos;
            long n = skipString(part, max);
            byte[] b = s.asSlice(start + 8, n).toArray(ValueLayout.JAVA_BYTE);
            return new String(b, StandardCharsets.UTF_8);
        }

        /** Checks a string's length and UTF-8 and moves past it; returns its byte length. */
        private long skipString(String part, long max) throws ModelFormatException {
            long at = pos;
            long n = i64(part + ".length");
            if (n < 0 || n > max || n > size - pos) {
                throw fail(
                        part + ".length",
                        "a string of " + Long.toUnsignedString(n) + " bytes at offset " + at + " does not fit the "
                                + (size - pos) + " bytes left in the file (limit " + max + ")");
            }
            long bad = Utf8.firstInvalid(s, pos, n);
            if (bad >= 0) {
                throw fail(part, "string at offset " + at + " is not valid UTF-8 (at byte " + bad + " of " + n + ")");
            }
            pos += n;
            return n;
        }

        private long u8(String part) throws ModelFormatException {
            need(1, part);
            return s.get(ValueLayout.JAVA_BYTE, pos++) & 0xFFL;
        }

        private long u16(String part) throws ModelFormatException {
            need(2, part);
            long v = s.get(I16, pos) & 0xFFFFL;
            pos += 2;
            return v;
        }

        private long u32(String part) throws ModelFormatException {
            need(4, part);
            long v = s.get(I32, pos) & 0xFFFF_FFFFL;
            pos += 4;
            return v;
        }

        private long i64(String part) throws ModelFormatException {
            need(8, part);
            long v = s.get(I64, pos);
            pos += 8;
            return v;
        }

        private void need(long n, String part) throws ModelFormatException {
            if (n > size - pos) {
                throw fail(part, "the file ends at byte " + size + "; " + n + " bytes are needed at offset " + pos);
            }
        }

        private long multiply(long a, long b, String part, String what) throws ModelFormatException {
            try {
                return Math.multiplyExact(a, b);
            } catch (ArithmeticException e) {
                throw fail(part, what + " overflow 64 bits");
            }
        }

        private String hex(long from, int n) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < n && from + i < size; i++) {
                b.append(i == 0 ? "" : " ")
                        .append(String.format("%02x", s.get(ValueLayout.JAVA_BYTE, from + i) & 0xFF));
            }
            return b.toString();
        }

        private ModelFormatException fail(String part, String detail) {
            return new ModelFormatException(file, part, detail);
        }

        private static long align(long p, long alignment) {
            long r = p % alignment;
            return r == 0 ? p : p + (alignment - r);
        }
    }
}
