package dev.ripple.placement.importer.gguf;

import dev.ripple.core.format.AtomicFile;
import dev.ripple.core.format.LittleEndianOutput;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.Quantization;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes GGUF files (version 3, llama.cpp's format, read back by {@link GgufFile}) without holding
 * a model on the heap: the metadata and tensor infos are declared first, then each tensor's data is
 * asked for in declaration order from a callback that streams it row by row ({@link TensorOutput}),
 * through one 1 MiB buffer. The file is written atomically ({@link AtomicFile}).
 *
 * <pre>{@code
 * GgufWriter w = new GgufWriter().put("general.architecture", "llama").putU32("llama.block_count", 32)
 *         .tensor("token_embd.weight", GgmlType.Q4_0, 4096, 32000);          // ggml dims: row length first
 * w.write(Path.of("model.gguf"), (tensor, out) -> {
 *     float[] row = new float[4096];
 *     for (long r = 0; r < tensor.rows(); r++) {
 *         fill(row);
 *         out.putValues(row, 0, row.length);                                // quantized as it goes
 *     }
 * });
 * }</pre>
 *
 * <p>Layout (as ggml writes it): magic {@code GGUF}, version, tensor count, metadata count (u64s),
 * the metadata key/value pairs, the tensor infos (name, dims in ggml order, type, offset relative to
 * the data section), padding to the alignment ({@code general.alignment}, 32 unless set), then
 * every tensor's data at its offset, each padded to the alignment. Values are encoded from floats
 * for the types core stores bit for bit as ggml does (F32, F16, BF16, Q8_0, Q4_0, with ggml's
 * reference rounding); other types take raw bytes.
 */
public final class GgufWriter {
    /** The version written. */
    public static final int VERSION = 3;
    /** ggml's limit on tensor names ({@code GGML_MAX_NAME}, with its terminating zero). */
    public static final int MAX_NAME_BYTES = 63;

    private static final int ENCODE_VALUES = 1 << 14;

    /** A declared tensor: name, type and dims in ggml order (row length first). */
    public record TensorInfo(String name, GgmlType type, long[] dims) {
        public TensorInfo {
            dims = dims.clone();
        }

        @Override
        public long[] dims() {
            return dims.clone();
        }

        /** Values per row: {@code dims[0]}. */
        public long rowLength() {
            return dims[0];
        }

        /** Rows: the product of the other dims. */
        public long rows() {
            long n = 1;
            for (int i = 1; i < dims.length; i++) {
                n = Math.multiplyExact(n, dims[i]);
            }
            return n;
        }

        /** Bytes of the data. */
        public long bytes() {
            return Math.multiplyExact(type.rowBytes(dims[0]), rows());
        }
    }

    /** Where a tensor's data goes, in order; the writer checks that exactly {@link TensorInfo#bytes()} arrive. */
    public interface TensorOutput {
        /** Encodes {@code values[from, from + n)} in the tensor's type (n whole blocks). */
        void putValues(float[] values, int from, int n) throws IOException;

        /** Bytes already in the tensor's type (e.g. blocks of a type no encoder here writes). */
        void putBytes(byte[] bytes, int from, int n) throws IOException;
    }

    /** Streams the data of {@code tensor} into {@code out}. */
    @FunctionalInterface
    public interface TensorData {
        void write(TensorInfo tensor, TensorOutput out) throws IOException;
    }

    /** A metadata value: its type and a Long, Double, Boolean, String or (for arrays) {@link Arr}. */
    private record Meta(GgufValueType type, Object value) {}

    private record Arr(GgufValueType elementType, Object values) {}

    private final Map<String, Meta> metadata = new LinkedHashMap<>();
    private final List<TensorInfo> tensors = new ArrayList<>();
    private final Map<String, TensorInfo> byName = new LinkedHashMap<>();
    private int alignment = GgufFile.DEFAULT_ALIGNMENT;

    public GgufWriter put(String key, String value) {
        return meta(key, GgufValueType.STRING, value);
    }

    public GgufWriter putU32(String key, long value) {
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(key + ": " + value + " is not a uint32");
        }
        return meta(key, GgufValueType.UINT32, value);
    }

    public GgufWriter putI32(String key, int value) {
        return meta(key, GgufValueType.INT32, (long) value);
    }

    public GgufWriter putU64(String key, long value) {
        return meta(key, GgufValueType.UINT64, value);
    }

    public GgufWriter putF32(String key, double value) {
        return meta(key, GgufValueType.FLOAT32, value);
    }

    public GgufWriter putBool(String key, boolean value) {
        return meta(key, GgufValueType.BOOL, value);
    }

    public GgufWriter putStrings(String key, String... values) {
        return meta(key, GgufValueType.ARRAY, new Arr(GgufValueType.STRING, values.clone()));
    }

    public GgufWriter putFloats(String key, float... values) {
        return meta(key, GgufValueType.ARRAY, new Arr(GgufValueType.FLOAT32, values.clone()));
    }

    public GgufWriter putInts(String key, int... values) {
        return meta(key, GgufValueType.ARRAY, new Arr(GgufValueType.INT32, values.clone()));
    }

    /** Sets {@code general.alignment} and aligns the tensors' data to it (a power of two; 32 by default). */
    public GgufWriter alignment(int a) {
        if (a <= 0 || Integer.bitCount(a) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two, not " + a);
        }
        alignment = a;
        return putU32("general.alignment", a);
    }

    /**
     * Declares a tensor; its data is asked for in declaration order.
     *
     * @param dims ggml order, row length first (a PyTorch {@code [out, in]} matrix is {@code in, out}); 1 to 4 of them
     */
    public GgufWriter tensor(String name, GgmlType type, long... dims) {
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("tensor name longer than " + MAX_NAME_BYTES + " bytes: " + name);
        }
        if (byName.containsKey(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' is declared twice");
        }
        if (dims.length < 1 || dims.length > GgufFile.MAX_DIMS) {
            throw new IllegalArgumentException(
                    "tensor '" + name + "': " + dims.length + " dims (1 to " + GgufFile.MAX_DIMS + ")");
        }
        for (long d : dims) {
            if (d <= 0) {
                throw new IllegalArgumentException(
                        "tensor '" + name + "': dims " + Arrays.toString(dims) + " must be positive");
            }
        }
        if (dims[0] % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "': rows of " + dims[0] + " values are not whole "
                    + type + " blocks of " + type.blockSize());
        }
        TensorInfo t = new TensorInfo(name, type, dims);
        t.bytes(); // overflow check
        tensors.add(t);
        byName.put(name, t);
        return this;
    }

    /** The tensors declared so far. */
    public List<TensorInfo> tensors() {
        return List.copyOf(tensors);
    }

    /**
     * Writes the file atomically, asking {@code data} for each tensor's bytes in declaration order.
     *
     * @return the file size
     * @throws IllegalStateException when a tensor's data is not exactly its declared size
     */
    public long write(Path file, TensorData data) throws IOException {
        return AtomicFile.write(file, ch -> writeTo(ch, data));
    }

    private long writeTo(FileChannel ch, TensorData data) throws IOException {
        LittleEndianOutput out = new LittleEndianOutput(ch);
        out.putBytes("GGUF".getBytes(StandardCharsets.US_ASCII));
        out.putInt(VERSION);
        out.putLong(tensors.size());
        out.putLong(metadata.size());
        for (var e : metadata.entrySet()) {
            string(out, e.getKey());
            out.putInt(e.getValue().type().code());
            value(out, e.getValue().type(), e.getValue().value());
        }
        long relative = 0;
        for (TensorInfo t : tensors) {
            string(out, t.name());
            out.putInt(t.dims.length);
            for (long d : t.dims) {
                out.putLong(d);
            }
            out.putInt(t.type().code());
            out.putLong(relative);
            relative = align(relative + t.bytes(), alignment);
        }
        out.padTo(alignment);
        for (TensorInfo t : tensors) {
            long before = out.position();
            data.write(t, new Sink(out, t));
            long wrote = out.position() - before;
            if (wrote != t.bytes()) {
                throw new IllegalStateException("tensor '" + t.name() + "': " + wrote + " bytes written, its dims "
                        + Arrays.toString(t.dims) + " of " + t.type() + " take " + t.bytes());
            }
            out.padTo(alignment);
        }
        out.flush();
        return out.position();
    }

    private GgufWriter meta(String key, GgufValueType type, Object value) {
        if (key.isEmpty()) {
            throw new IllegalArgumentException("a metadata key cannot be empty");
        }
        metadata.put(key, new Meta(type, value));
        return this;
    }

    private static void value(LittleEndianOutput o, GgufValueType type, Object v) throws IOException {
        switch (type) {
            case BOOL -> o.putByte((Boolean) v ? 1 : 0);
            case UINT32, INT32 -> o.putInt(((Long) v).intValue());
            case UINT64, INT64 -> o.putLong((Long) v);
            case FLOAT32 -> o.putInt(Float.floatToRawIntBits(((Double) v).floatValue()));
            case STRING -> string(o, (String) v);
            case ARRAY -> {
                Arr a = (Arr) v;
                o.putInt(a.elementType().code());
                switch (a.values()) {
                    case String[] s -> {
                        o.putLong(s.length);
                        for (String x : s) {
                            string(o, x);
                        }
                    }
                    case float[] f -> {
                        o.putLong(f.length);
                        for (float x : f) {
                            o.putInt(Float.floatToRawIntBits(x));
                        }
                    }
                    case int[] n -> {
                        o.putLong(n.length);
                        for (int x : n) {
                            o.putInt(x);
                        }
                    }
                    default ->
                        throw new IllegalStateException("array of " + a.values().getClass());
                }
            }
            default -> throw new IllegalStateException("metadata of type " + type + " is not written here");
        }
    }

    private static void string(LittleEndianOutput o, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        o.putLong(b.length);
        o.putBytes(b);
    }

    static long align(long p, long a) {
        long r = p % a;
        return r == 0 ? p : p + a - r;
    }

    /** A tensor's data: values encoded in its type, or raw bytes. */
    private static final class Sink implements TensorOutput {
        private final LittleEndianOutput out;
        private final TensorInfo tensor;
        private final DType type;
        private byte[] scratch;

        Sink(LittleEndianOutput out, TensorInfo tensor) {
            this.out = out;
            this.tensor = tensor;
            this.type = tensor.type().runtimeType();
        }

        @Override
        public void putValues(float[] values, int from, int n) throws IOException {
            if (type == null) {
                throw new IllegalStateException("tensor '" + tensor.name() + "': " + tensor.type()
                        + " is not encoded here; write its blocks with putBytes");
            }
            if (n % type.blockSize() != 0) {
                throw new IllegalArgumentException(
                        "tensor '" + tensor.name() + "': " + n + " values are not whole " + type.label() + " blocks");
            }
            if (scratch == null) {
                scratch = new byte[Math.toIntExact(type.bytes(ENCODE_VALUES))];
            }
            MemorySegment s = MemorySegment.ofArray(scratch);
            for (int done = 0; done < n; done += ENCODE_VALUES) {
                int m = Math.min(ENCODE_VALUES, n - done);
                Quantization.encode(type, values, from + done, m, s, 0);
                out.putBytes(scratch, 0, Math.toIntExact(type.bytes(m)));
            }
        }

        @Override
        public void putBytes(byte[] bytes, int from, int n) throws IOException {
            out.putBytes(bytes, from, n);
        }
    }
}
