package dev.ripple.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files that tests write over and over, such as one damaged copy of a model after another. */
public final class TestFiles {
    private TestFiles() {}

    /**
     * Writes {@code bytes} to {@code path} as a new file, deleting what was there. Truncating a file
     * over its data instead makes ext4 start writing it back to disk when it is closed (its
     * {@code auto_da_alloc} heuristic), which made rewriting the same name the bulk of the time of
     * tests that open thousands of damaged copies.
     */
    public static Path rewrite(Path path, byte[] bytes) throws IOException {
        Files.deleteIfExists(path);
        return Files.write(path, bytes);
    }
}
