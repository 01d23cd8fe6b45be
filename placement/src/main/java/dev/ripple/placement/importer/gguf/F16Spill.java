package dev.ripple.placement.importer.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where an import puts tensors it widens to f16: a temporary file (in {@code java.io.tmpdir}),
 * each tensor appended and mapped read-only. Mapped memory is page cache, not the JVM's: a native
 * allocation of the same size would count against {@code -XX:MaxDirectMemorySize}, which defaults
 * to the heap size, so a 7B Q4 model's 4 GB of widened attention and embeddings could not be held
 * under a 2 GiB heap. {@link #close()} unlinks the file; the mappings stay valid until they are
 * unreachable (automatic arena), and the space is freed with them.
 */
final class F16Spill implements AutoCloseable {
    private static final int CHUNK_VALUES = 1 << 16;

    private final Path file;
    private final FileChannel channel;
    private long size;

    private F16Spill(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    static F16Spill create() throws IOException {
        Path file = Files.createTempFile("ripple-gguf-", ".f16");
        try {
            return new F16Spill(file, FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** {@code t} decoded and rounded to f16, little-endian, row-major, as a mapped read-only segment. */
    MemorySegment widen(GgufTensor t) throws IOException {
        long n = t.elementCount();
        if (n == 0) {
            return MemorySegment.NULL.reinterpret(0);
        }
        long start = size;
        int rowLength = (int) t.rowLength();
        int rowsPerStep = Math.max(1, CHUNK_VALUES / rowLength);
        float[] values = new float[rowsPerStep * rowLength];
        ByteBuffer out = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        long pos = start;
        for (long r = 0; r < t.rows(); r += rowsPerStep) {
            int count = (int) Math.min(rowsPerStep, t.rows() - r);
            t.dequantizeRows(r, count, values, 0);
            out.clear();
            for (int i = 0; i < count * rowLength; i++) {
                out.putShort(Float.floatToFloat16(values[i]));
            }
            out.flip();
            while (out.hasRemaining()) {
                pos += channel.write(out, pos);
            }
        }
        size = pos;
        return channel.map(FileChannel.MapMode.READ_ONLY, start, 2 * n, Arena.ofAuto());
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
