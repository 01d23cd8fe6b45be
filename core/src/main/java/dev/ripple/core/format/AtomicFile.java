package dev.ripple.core.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that its destination is either the complete new file or untouched: the bytes
 * go to {@code .<name>.tmp-<random>} in the destination's directory, which is forced to disk and
 * renamed over the destination in one atomic step, and the directory is forced too. A failed write
 * deletes its temporary file; a killed process can leave one behind, never a partial destination.
 *
 * <pre>{@code
 * long size = AtomicFile.write(Path.of("model.ripple"), channel -> writeEverything(channel));
 * }</pre>
 */
public final class AtomicFile {
    private AtomicFile() {}

    /** Fills the temporary file and returns how many bytes it wrote. */
    @FunctionalInterface
    public interface Body {
        long writeTo(FileChannel channel) throws IOException;
    }

    /** Writes {@code destination} atomically; returns what {@code body} returned. */
    public static long write(Path destination, Body body) throws IOException {
        long[] size = new long[1];
        Staged staged = stage(destination, ch -> size[0] = body.writeTo(ch));
        staged.publish();
        return size[0];
    }

    /** Writes {@code bytes} to {@code destination} atomically (a JSON report, a config). */
    public static void write(Path destination, byte[] bytes) throws IOException {
        write(destination, ch -> {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            return bytes.length;
        });
    }

    /**
     * A file written and forced under its temporary name, not yet renamed over its destination: a
     * writer of several files (a checkpoint's shards and its config) stages them all, then
     * publishes them in the order a reader must see them, or discards them all.
     */
    public record Staged(Path temp, Path target) {
        /** Renames the temporary file over the destination atomically and forces the directory. */
        public void publish() throws IOException {
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                discard();
                throw new IOException(
                        target + ": the file system cannot rename atomically; refusing a non-atomic write", e);
            }
            forceDirectory(target.getParent());
        }

        /** Deletes the temporary file (best effort: a leftover hidden temporary file is harmless). */
        public void discard() {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // nothing else to do; the destination is untouched
            }
        }
    }

    /** Writes {@code body} to a temporary file beside {@code destination} and forces it; a failure leaves nothing behind. */
    public static Staged stage(Path destination, Body body) throws IOException {
        Path target = destination.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        Staged staged = new Staged(tmp, target);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            body.writeTo(ch);
            ch.force(true);
        } catch (IOException | RuntimeException | Error e) {
            staged.discard();
            throw e;
        }
        return staged;
    }

    /** Makes the rename durable; some file systems refuse to open directories, which is harmless. */
    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Not every platform allows fsync on a directory; the data itself is already forced.
        }
    }
}
