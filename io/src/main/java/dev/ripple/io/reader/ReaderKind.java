package dev.ripple.io.reader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The reader implementations by name, so benchmarks and the CLI can choose one from a string or a
 * JMH {@code @Param}.
 *
 * <pre>{@code
 * try (ExtentReader r = ReaderKind.valueOf("DIRECT").open(path, 32)) { ... }
 * }</pre>
 */
public enum ReaderKind {
    /** {@link MmapReader} with {@code MADV_RANDOM}. */
    MMAP {
        @Override
        public ExtentReader open(Path path, int queueDepth) throws IOException {
            return MmapReader.open(path, queueDepth);
        }
    },
    /** {@link PositionalReader}: {@code pread} through the page cache. */
    POSITIONAL {
        @Override
        public ExtentReader open(Path path, int queueDepth) throws IOException {
            return PositionalReader.open(path, queueDepth);
        }
    },
    /** {@link DirectReader}: {@code O_DIRECT}, bypasses the page cache. */
    DIRECT {
        @Override
        public ExtentReader open(Path path, int queueDepth) throws IOException {
            return DirectReader.open(path, queueDepth);
        }
    };

    /** Opens a reader of this kind on {@code path} with the given queue depth. */
    public abstract ExtentReader open(Path path, int queueDepth) throws IOException;

    /** The kind a user names: {@code direct}, {@code mmap}, or {@code pread} (also {@code positional}), any case. */
    public static ReaderKind parse(String name) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "direct" -> DIRECT;
            case "mmap" -> MMAP;
            case "pread", "positional" -> POSITIONAL;
            default -> throw new IllegalArgumentException("unknown reader '" + name + "' (known: direct, mmap, pread)");
        };
    }

    /** True if reads of this kind go through the page cache, so cold passes need an eviction first. */
    public boolean usesPageCache() {
        return this != DIRECT;
    }
}
