package dev.ripple.core.format;

import java.io.IOException;
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
    private AtomicFile() {
    }

    /** Fills the temporary file and returns how many bytes it wrote. */
    @FunctionalInterface
    public interface Body {
        long writeTo(FileChannel channel) throws IOException;
    }

    /** Writes {@code destination} atomically; returns what {@code body} returned. */
    public static long write(Path destination, Body body) throws IOException {
        Path target = destination.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        boolean done = false;
        try {
            long size;
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                size = body.writeTo(ch);
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException(target + ": the file system cannot rename atomically; refusing a non-atomic write", e);
            }
            forceDirectory(dir);
            done = true;
            return size;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
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
