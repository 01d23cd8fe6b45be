package dev.ripple.io.reader;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The open file the positional and direct readers issue {@code pread(2)} on, shared by all their
 * threads.
 *
 * <p>Why not a {@link FileChannel}: NIO closes a channel when a thread blocked in it, or entering
 * it, is interrupted ({@link java.nio.channels.ClosedByInterruptException}), so one cancelled
 * generation would fail every later read of the model, from every thread. {@link NativeFile} reads
 * a descriptor of its own through the FFM linker, which an interrupt cannot close; a channel is
 * only the fallback where native calls are unavailable ({@link ChannelFile}), and there the readers
 * still refuse a request from a thread that is already interrupted before they touch the channel.
 */
sealed interface FileSource extends Closeable permits NativeFile, ChannelFile {

    /**
     * Reads up to {@code dst.byteSize()} bytes of the file at {@code position} into {@code dst}
     * with one system call.
     *
     * @return the bytes read, or -1 at the end of the file
     */
    long read(MemorySegment dst, long position) throws IOException;

    /** Size of the file when it was opened, in bytes. */
    long sizeAtOpen();

    /** {@code native pread} or {@code FileChannel}: which implementation reads, for messages and tests. */
    String mechanism();

    /**
     * Opens {@code path} once, read-only ({@code O_DIRECT} if {@code direct}): through
     * {@link NativeFile} where native calls are bound, else as a {@link FileChannel}. Either way a
     * missing file is a {@link java.nio.file.NoSuchFileException}, and with {@code direct} a file
     * system that refuses {@code O_DIRECT}, or is memory-backed, a
     * {@link DirectIoUnsupportedException}.
     */
    static FileSource open(Path path, boolean direct) throws IOException {
        return open(path, direct, NativeFile.Calls.get());
    }

    /** As {@link #open(Path, boolean)} with the native calls given (empty: the {@code FileChannel} fallback). */
    static FileSource open(Path path, boolean direct, Optional<NativeFile.Calls> calls) throws IOException {
        if (calls.isEmpty()) {
            FileChannel channel =
                    direct ? DirectReader.openDirect(path) : FileChannel.open(path, StandardOpenOption.READ);
            try {
                return new ChannelFile(channel, channel.size());
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }
        if (!direct) {
            return NativeFile.open(calls.get(), path, false);
        }
        DirectReader.refuseMemoryBacked(path);
        return NativeFile.open(calls.get(), path, true); // a refused O_DIRECT is typed by openFailure
    }
}
