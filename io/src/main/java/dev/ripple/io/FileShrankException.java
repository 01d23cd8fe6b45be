package dev.ripple.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A file was truncated (or rewritten in place shorter) while open. A read past its new end finds
 * the end of the file early; worse, a memory-mapped page past it is gone, and touching one makes
 * the JVM throw {@code InternalError: a fault occurred in an unsafe memory access operation}
 * (SIGBUS), an {@link Error} no caller expects. The code that reads mapped bytes catches that
 * error where a whole read or step runs (a try around a step costs nothing on the hot path), and
 * the readers check an early end of file; when the file is indeed shorter than when it was
 * opened, they throw this instead, naming the file and both sizes.
 *
 * <p>Replace a model by writing a new file and renaming it over the old one (as Ripple's writers
 * do): a process that has the old file open keeps reading it, whole.
 */
public final class FileShrankException extends IOException {

    private final transient Path file;
    private final long sizeWhenOpened;
    private final long sizeNow;

    public FileShrankException(Path file, long sizeWhenOpened, long sizeNow, Throwable fault) {
        super(
                file + ": the file shrank from " + sizeWhenOpened + " to " + sizeNow
                        + " bytes while open (truncated or rewritten in place): reopen it, and replace a model file"
                        + " by renaming a new one over it",
                fault);
        this.file = file;
        this.sizeWhenOpened = sizeWhenOpened;
        this.sizeNow = sizeNow;
    }

    /**
     * {@code fault} (null for an early end of file), met while reading {@code file}, explained: the typed exception
     * if the file at {@code file} is now shorter than {@code sizeWhenOpened} bytes, else empty (the
     * fault has another cause and should propagate as it is).
     */
    public static Optional<FileShrankException> explain(Path file, long sizeWhenOpened, Throwable fault) {
        long now;
        try {
            now = Files.size(file);
        } catch (NoSuchFileException deleted) {
            return Optional.empty(); // unlinking keeps a mapped file's pages: the fault is not from this
        } catch (IOException unknown) {
            return Optional.empty();
        }
        return now < sizeWhenOpened
                ? Optional.of(new FileShrankException(file, sizeWhenOpened, now, fault))
                : Optional.empty();
    }

    public Path file() {
        return file;
    }

    public long sizeWhenOpened() {
        return sizeWhenOpened;
    }

    public long sizeNow() {
        return sizeNow;
    }
}
