package dev.ripple.core.format;

import dev.ripple.core.tensor.DType;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Sequential little-endian output that keeps two CRC32Cs as it goes: one over every byte written
 * (the file checksum in the footer) and one over the current section. Sections start and end on
 * buffer flushes, so the section checksum never mixes in neighbouring bytes.
 */
final class ChecksummedOutput {
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    /** The whole buffer as a segment (taken while position is 0 and limit the capacity). */
    private final MemorySegment bufferSegment = MemorySegment.ofBuffer(buffer);

    private final CRC32C fileCrc = new CRC32C();
    private CRC32C sectionCrc;
    private long flushed;

    ChecksummedOutput(FileChannel channel) {
        this.channel = channel;
    }

    long position() {
        return flushed + buffer.position();
    }

    void beginSection() throws IOException {
        flush();
        sectionCrc = new CRC32C();
    }

    /** Ends the current section and returns its CRC32C. */
    int endSection() throws IOException {
        flush();
        int crc = (int) sectionCrc.getValue();
        sectionCrc = null;
        return crc;
    }

    /** Writes zero bytes until the position is a multiple of {@code alignment}. */
    void padTo(int alignment) throws IOException {
        long target = RippleFormat.align(position(), alignment);
        while (position() < target) {
            ensure(1);
            buffer.put((byte) 0);
        }
    }

    void putByte(int v) throws IOException {
        ensure(1);
        buffer.put((byte) v);
    }

    void putShort(int v) throws IOException {
        ensure(2);
        buffer.putShort((short) v);
    }

    void putInt(int v) throws IOException {
        ensure(4);
        buffer.putInt(v);
    }

    void putLong(long v) throws IOException {
        ensure(8);
        buffer.putLong(v);
    }

    void putBytes(byte[] bytes) throws IOException {
        int at = 0;
        while (at < bytes.length) {
            ensure(1);
            int n = Math.min(buffer.remaining(), bytes.length - at);
            buffer.put(bytes, at, n);
            at += n;
        }
    }

    /** Copies a segment's bytes as they are (a tensor already in its stored type). */
    void putSegment(MemorySegment segment) throws IOException {
        long at = 0;
        long n = segment.byteSize();
        while (at < n) {
            ensure(1);
            int chunk = (int) Math.min(buffer.remaining(), n - at);
            bufferSegment.asSlice(buffer.position(), chunk).copyFrom(segment.asSlice(at, chunk));
            buffer.position(buffer.position() + chunk);
            at += chunk;
        }
    }

    /** Writes {@code values[from, from+count)} encoded as {@code dtype}. */
    void putFloats(float[] values, int from, int count, DType dtype) throws IOException {
        int size = dtype.size();
        int i = from;
        int end = from + count;
        while (i < end) {
            ensure(size);
            int n = Math.min(end - i, buffer.remaining() / size);
            if (size == 4) {
                for (int k = 0; k < n; k++) {
                    buffer.putInt(dtype.encode(values[i + k]));
                }
            } else {
                for (int k = 0; k < n; k++) {
                    buffer.putShort((short) dtype.encode(values[i + k]));
                }
            }
            i += n;
        }
    }

    /** The CRC32C of every byte written so far (flushes first). */
    int fileCrc() throws IOException {
        flush();
        return (int) fileCrc.getValue();
    }

    private void ensure(int bytes) throws IOException {
        if (buffer.remaining() < bytes) {
            flush();
        }
    }

    void flush() throws IOException {
        buffer.flip();
        if (buffer.hasRemaining()) {
            fileCrc.update(buffer.duplicate());
            if (sectionCrc != null) {
                sectionCrc.update(buffer.duplicate());
            }
            while (buffer.hasRemaining()) {
                flushed += channel.write(buffer);
            }
        }
        buffer.clear();
    }
}
