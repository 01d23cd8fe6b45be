package dev.ripple.core.format;

import dev.ripple.core.tensor.DType;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * Sequential little-endian output to a channel through one buffer, knowing its position so a
 * writer can lay out offsets and alignment as it goes: the {@code .ripple} writer (through
 * {@link ChecksummedOutput}) and the GGUF writer share it.
 */
public class LittleEndianOutput {
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    /** The whole buffer as a segment (taken while position is 0 and limit the capacity). */
    private final MemorySegment bufferSegment = MemorySegment.ofBuffer(buffer);

    private long flushed;

    public LittleEndianOutput(FileChannel channel) {
        this.channel = channel;
    }

    /** Bytes written so far, counting those still in the buffer. */
    public long position() {
        return flushed + buffer.position();
    }

    /** Writes zero bytes until the position is a multiple of {@code alignment} (a power of two). */
    public void padTo(int alignment) throws IOException {
        long target = RippleFormat.align(position(), alignment);
        while (position() < target) {
            putByte(0);
        }
    }

    public void putByte(int v) throws IOException {
        ensure(1);
        buffer.put((byte) v);
    }

    public void putShort(int v) throws IOException {
        ensure(2);
        buffer.putShort((short) v);
    }

    public void putInt(int v) throws IOException {
        ensure(4);
        buffer.putInt(v);
    }

    public void putLong(long v) throws IOException {
        ensure(8);
        buffer.putLong(v);
    }

    public void putBytes(byte[] bytes) throws IOException {
        putBytes(bytes, 0, bytes.length);
    }

    public void putBytes(byte[] bytes, int from, int count) throws IOException {
        int at = from;
        int end = from + count;
        while (at < end) {
            ensure(1);
            int n = Math.min(buffer.remaining(), end - at);
            buffer.put(bytes, at, n);
            at += n;
        }
    }

    /** Copies a segment's bytes as they are (a tensor already in its stored type). */
    public void putSegment(MemorySegment segment) throws IOException {
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

    /** Writes {@code values[from, from+count)} encoded as {@code dtype} (a 2- or 4-byte float type). */
    public void putFloats(float[] values, int from, int count, DType dtype) throws IOException {
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

    /** Writes out everything buffered. */
    public void flush() throws IOException {
        buffer.flip();
        if (buffer.hasRemaining()) {
            flushing(buffer.duplicate());
            while (buffer.hasRemaining()) {
                flushed += channel.write(buffer);
            }
        }
        buffer.clear();
    }

    /**
     * Sees each run of bytes just before it goes to the channel, in file order; every byte written
     * passes here exactly once. Does nothing here.
     */
    protected void flushing(ByteBuffer bytes) {}

    private void ensure(int bytes) throws IOException {
        if (buffer.remaining() < bytes) {
            flush();
        }
    }
}
