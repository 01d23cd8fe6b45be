package dev.ripple.placement.importer.gguf;

import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.Quantization;
import dev.ripple.core.tensor.Tensor;
import dev.ripple.placement.importer.ModelFormatException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where an import puts the resident tensors it converts (types the runtime does not compute on,
 * such as Q4_K, into Q8_0; or into the {@code --resident-dtype} asked for): a temporary file in
 * {@code java.io.tmpdir}, each tensor converted a few rows at a time, appended and mapped
 * read-only. Mapped memory is page cache, not the JVM's: a native allocation of the same size
 * would count against {@code -XX:MaxDirectMemorySize}, which defaults to the heap size, and a
 * heap array would need the whole matrix; here a 7B model's converted attention and embeddings
 * (about 2 GB of Q8_0) need 64 Ki values of working memory. {@link #close()} unlinks the file; the
 * mappings stay valid until they are unreachable (automatic arena), and the space is freed with them.
 */
final class ResidentSpill implements AutoCloseable {
    private static final int CHUNK_VALUES = 1 << 16;

    /** A converted tensor and the relative RMS error the conversion added to the file's values. */
    record Converted(Tensor tensor, double relativeError) {}

    private final Path file;
    private final FileChannel channel;
    private long size;

    private ResidentSpill(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    static ResidentSpill create() throws IOException {
        Path file = Files.createTempFile("ripple-gguf-", ".resident");
        try {
            return new ResidentSpill(file, FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /**
     * {@code t} decoded and stored as {@code type} (rounded to f16, or quantized with core's
     * reference rounding), row-major, as a mapped read-only tensor named {@code as}; with the
     * relative RMS error {@code ‖stored − decoded‖ / ‖decoded‖} against the values the file holds.
     *
     * @throws ModelFormatException when the file holds a value a block type cannot quantize (NaN, infinity)
     */
    Converted convert(GgufTensor t, DType type, String as) throws IOException {
        long n = t.elementCount();
        long bytes = type.bytes(n);
        if (n == 0) {
            return new Converted(new Tensor(as, type, t.shape(), MemorySegment.NULL.reinterpret(0)), 0);
        }
        long start = size;
        int rowLength = Math.toIntExact(t.rowLength());
        int rowsPerStep = Math.max(1, CHUNK_VALUES / rowLength);
        float[] values = new float[rowsPerStep * rowLength];
        float[] back = new float[values.length];
        byte[] encoded = new byte[Math.toIntExact(type.bytes(values.length))];
        MemorySegment encodedSegment = MemorySegment.ofArray(encoded);
        double squaredError = 0;
        double squaredNorm = 0;
        long pos = start;
        for (long r = 0; r < t.rows(); r += rowsPerStep) {
            int count = (int) Math.min(rowsPerStep, t.rows() - r);
            int m = count * rowLength;
            t.dequantizeRows(r, count, values, 0);
            try {
                Quantization.encode(type, values, 0, m, encodedSegment, 0);
            } catch (IllegalArgumentException e) {
                throw new ModelFormatException(
                        t.file(),
                        "tensor '" + t.name() + "'",
                        "rows from " + r + " cannot be stored as " + type.label() + ": " + e.getMessage());
            }
            Quantization.decode(type, encodedSegment, 0, back, 0, m);
            for (int i = 0; i < m; i++) {
                double e = (double) back[i] - values[i];
                squaredError += e * e;
                squaredNorm += (double) values[i] * values[i];
            }
            ByteBuffer out = ByteBuffer.wrap(encoded, 0, Math.toIntExact(type.bytes(m)));
            while (out.hasRemaining()) {
                pos += channel.write(out, pos);
            }
        }
        size = pos;
        MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, start, bytes, Arena.ofAuto());
        return new Converted(
                new Tensor(as, type, t.shape(), mapped), squaredNorm == 0 ? 0 : Math.sqrt(squaredError / squaredNorm));
    }

    /** Bytes written so far. */
    long size() {
        return size;
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
