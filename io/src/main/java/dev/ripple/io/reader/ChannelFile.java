package dev.ripple.io.reader;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;

/**
 * {@link FileSource} over a {@link FileChannel}: the fallback where {@link NativeFile}'s calls
 * cannot be bound (not Linux on x86-64 or aarch64, or native access denied). An interrupt of a
 * thread inside a read closes it, for every thread (see {@link FileSource}).
 */
record ChannelFile(FileChannel channel, long sizeAtOpen) implements FileSource {

    @Override
    public long read(MemorySegment dst, long position) throws IOException {
        return channel.read(dst.asByteBuffer(), position);
    }

    @Override
    public String mechanism() {
        return "FileChannel";
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
