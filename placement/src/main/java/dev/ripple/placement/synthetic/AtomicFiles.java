package dev.ripple.placement.synthetic;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Temp-file-and-rename writing, in two steps so that a writer can stage several files and publish
 * them in a chosen order: {@link #stage} writes a hidden temporary file beside the target and forces
 * it to the device; {@link #publish} renames it over the target atomically. A failed stage leaves no
 * temporary file behind.
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
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
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
        Path dir = target.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        Staged staged = new Staged(temp, target);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
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
}
