package dev.ripple.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where fuzz targets put the bytes they are handed when the code under test only reads files.
 *
 * <p>A fuzzer runs a target thousands of times a second, so the files go to one directory per
 * JVM, preferably on tmpfs ({@code /dev/shm}) to keep the disk out of the loop; every call
 * overwrites the same few names, so a long run leaves a handful of small files, which the JVM
 * deletes at exit.
 */
public final class FuzzScratch {
    private static final Path DIR = create();

    private FuzzScratch() {}

    private static Path create() {
        try {
            Path shm = Path.of("/dev/shm");
            Path parent = Files.isDirectory(shm) && Files.isWritable(shm)
                    ? shm
                    : Path.of(System.getProperty("java.io.tmpdir"));
            Path dir = Files.createTempDirectory(parent, "ripple-fuzz-");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The scratch directory of this JVM. */
    public static Path dir() {
        return DIR;
    }

    /** Writes {@code bytes} to {@code name} in the scratch directory, replacing what was there. */
    public static Path write(String name, byte[] bytes) {
        Path p = DIR.resolve(name);
        try {
            Files.write(p, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("the fuzz harness could not write its scratch file " + p, e);
        }
        p.toFile().deleteOnExit();
        return p;
    }
}
