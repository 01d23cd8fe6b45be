package dev.ripple.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A file of {@link TestFiles#pattern} bytes in its own temporary directory for a whole test class:
 * written before the first test, deleted after the last. Register it as a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PatternFile PATTERN = new PatternFile("planner", (2 << 20) + 777);
 * ... PATTERN.path(), PATTERN.bytes()
 * }</pre>
 */
public final class PatternFile implements BeforeAllCallback, AfterAllCallback {
    private final String prefix;
    private final int size;
    private final long seed;
    private Path dir;
    private Path file;
    private byte[] bytes;

    /** @param prefix names the temporary directory; size: bytes of the file, seeded by {@link TestFiles#seed} */
    public PatternFile(String prefix, int size) {
        this(prefix, size, TestFiles.seed());
    }

    public PatternFile(String prefix, int size, long seed) {
        this.prefix = prefix;
        this.size = size;
        this.seed = seed;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        if (file == null) { // once, also when subclasses of the registering class run
            dir = TestFiles.newDirectory(prefix);
            bytes = TestFiles.pattern(seed, size);
            file = TestFiles.write(dir.resolve("pattern.bin"), bytes);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        // a subclass of the registering class runs these callbacks again: it writes its own copy
        TestFiles.deleteRecursively(dir);
        file = null;
    }

    /** The file. */
    public Path path() {
        return file;
    }

    /** Its directory, for further files of the test. */
    public Path dir() {
        return dir;
    }

    /** The bytes it holds (the caller must not change them). */
    public byte[] bytes() {
        return bytes;
    }

    public long seed() {
        return seed;
    }

    /** {@code what} with the seed and how to rerun with it, for assertion messages. */
    public String seedMessage(String what) {
        return what + " (seed=" + seed + ", rerun with -Dtests.seed=" + seed + ")";
    }

    /** Fails with {@code message} unless {@code target} starts with the file's bytes of {@code extent}. */
    public void assertHolds(Extent extent, MemorySegment target, String message) {
        assertArrayEquals(
                Arrays.copyOfRange(bytes, (int) extent.offset(), (int) extent.end()),
                target.asSlice(0, extent.length()).toArray(ValueLayout.JAVA_BYTE),
                message);
    }
}
