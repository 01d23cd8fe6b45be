package dev.ripple.placement.synthetic;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Temp-file-and-rename writing (as core's {@code AtomicFile}, which this package does not depend on),
 * in two steps so that a writer can stage several files and publish them in a chosen order:
 * {@link #stage} writes {@code .<name>.tmp-<random>} beside the target (created with the process's
 * umask) and forces it to the device; {@link Staged#publish} renames it over the target atomically
 * and forces the directory. A failed stage leaves no temporary file behind.
 */
final class AtomicFiles {
    private AtomicFiles() {
    }

    interface Body {
        void write(FileChannel ch) throws IOException;
    }

    /** A written, not yet published file. */
    record Staged(Path temp, Path target) {
        void publish() throws IOException {
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                discard();
                throw new IOException(target + ": the file system cannot rename atomically; refusing a non-atomic write", e);
            }
            forceDirectory(target.getParent());
        }

        void discard() {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // best effort: a leftover hidden .tmp file is harmless
            }
        }
    }

    static Staged stage(Path target, Body body) throws IOException {
        Path abs = target.toAbsolutePath();
        Path temp = abs.resolveSibling("." + abs.getFileName() + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        Staged staged = new Staged(temp, abs);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            body.write(ch);
            ch.force(true);
        } catch (IOException | RuntimeException | Error e) {
            staged.discard();
            throw e;
        }
        return staged;
    }

    /** Writes one file atomically. */
    static void write(Path target, Body body) throws IOException {
        stage(target, body).publish();
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not every platform can fsync a directory; the data itself is forced
        }
    }
}
