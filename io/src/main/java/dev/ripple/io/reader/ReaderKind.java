package dev.ripple.io.reader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The reader implementations by name, so benchmarks and the CLI can choose one from a string or a
 * JMH {@code @Param}; each is the {@link ReaderFactory} of its reader.
 *
 * <pre>{@code
 * try (ExtentReader r = ReaderKind.valueOf("DIRECT").open(path, 32)) { ... }
 * }</pre>
 */
public enum ReaderKind implements ReaderFactory {
    /** {@link MmapReader} with {@code MADV_RANDOM}. */
    MMAP("mmap", MmapReader::open),
    /** {@link PositionalReader}: {@code pread} through the page cache. */
    POSITIONAL("pread", PositionalReader::open),
    /** {@link DirectReader}: {@code O_DIRECT}, bypasses the page cache; queue depth from a pool of threads. */
    DIRECT("direct", DirectReader::open),
    /**
     * {@link UringReader}: {@code O_DIRECT} through io_uring, the whole request submitted from the
     * calling thread. Where io_uring is unavailable (reason in {@link UringReader#unavailableReason()},
     * logged once) it opens a {@link DirectReader} instead; the reader's {@link ExtentReader#kind()}
     * says which one runs.
     */
    IO_URING("io_uring", (path, queueDepth) -> openUringOrDirect(path, queueDepth, UringSyscalls.get()));

    private final String cliName;
    private final ReaderFactory opener;

    ReaderKind(String cliName, ReaderFactory opener) {
        this.cliName = cliName;
        this.opener = opener;
    }

    /** The io_uring reader when the calls are bound and the kernel accepts them, else the direct reader. */
    static ExtentReader openUringOrDirect(Path path, int queueDepth, Optional<UringSyscalls> uring) throws IOException {
        return uring.isPresent()
                ? UringReader.open(path, queueDepth, uring.get(), UringReader.Faults.NONE)
                : DirectReader.open(path, queueDepth);
    }

    /**
     * The kind {@link #open} runs on this machine: {@link #IO_URING} opens a {@link #DIRECT} reader
     * where io_uring is unavailable (the same test {@code open} makes, so a report can name the reader
     * that ran before or without opening one); every other kind is itself.
     */
    public ReaderKind effective() {
        return effective(UringSyscalls.get());
    }

    ReaderKind effective(Optional<UringSyscalls> uring) {
        return this == IO_URING && uring.isEmpty() ? DIRECT : this;
    }

    /**
     * Why {@link #effective()} is not this kind ("io_uring unavailable: ..."), or empty when this kind
     * runs as asked.
     */
    public Optional<String> fallbackReason() {
        return effective() == this
                ? Optional.empty()
                : Optional.of("io_uring unavailable: "
                        + UringSyscalls.unavailableReason().orElse("unknown reason"));
    }

    /** Opens a reader of this kind on {@code path} with the given queue depth. */
    @Override
    public ExtentReader open(Path path, int queueDepth) throws IOException {
        return opener.open(path, queueDepth);
    }

    /**
     * The kind a user names: {@code direct}, {@code io_uring} (also {@code uring}, {@code io-uring}),
     * {@code mmap}, or {@code pread} (also {@code positional}), any case.
     */
    public static ReaderKind parse(String name) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "direct" -> DIRECT;
            case "io_uring", "io-uring", "uring" -> IO_URING;
            case "mmap" -> MMAP;
            case "pread", "positional" -> POSITIONAL;
            default ->
                throw new IllegalArgumentException(
                        "unknown reader '" + name + "' (known: direct, io_uring, mmap, pread)");
        };
    }

    /** The name a user types for this kind: {@code direct}, {@code io_uring}, {@code mmap}, {@code pread}. */
    public String cliName() {
        return cliName;
    }

    /** True if reads of this kind go through the page cache, so cold passes need an eviction first. */
    public boolean usesPageCache() {
        return this == MMAP || this == POSITIONAL;
    }

    /** True if reads of this kind use O_DIRECT, so the planner should expand reads to 4 KiB blocks. */
    public boolean direct() {
        return this == DIRECT || this == IO_URING;
    }
}
