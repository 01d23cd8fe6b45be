package dev.ripple.bench.harness;

import dev.ripple.io.device.EmulatedReader;
import dev.ripple.io.reader.ReaderKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How a bench pass over a file starts with respect to the page cache, decided once per file by
 * {@link #of(ReaderKind, boolean, boolean)} and said in the report's header, so that the figures of a
 * pass read through the page cache are never taken warm without the header saying so.
 *
 * <p>Passes start cold for a reader that goes through the page cache ({@code mmap}, {@code pread}):
 * the file is evicted first, or a later strategy would read what an earlier one left behind. Under
 * an emulated device whose real reads come from DRAM ({@link EmulatedReader#readsFromDram}: the
 * file takes at most half the available memory) the file is kept instead, whatever the reader:
 * the emulation reads the whole file back into the page cache when it is not all there, so
 * evicting would only cost that re-read, and the device model alone sets the times.
 */
public enum PassStart {
    /** The reader uses O_DIRECT: the page cache is bypassed and there is nothing to evict. */
    BYPASSED("O_DIRECT, page cache bypassed"),
    /** The file is evicted from the page cache before every pass, so that each pass starts cold. */
    EVICTED("file evicted from the page cache before every pass"),
    /** The file stays in the page cache: the emulated device's real reads come from DRAM. */
    KEPT("file kept in the page cache: the emulated device's real reads come from DRAM");

    private final String description;

    PassStart(String description) {
        this.description = description;
    }

    /**
     * The start of a pass for {@code reader}, with or without an emulated device.
     *
     * @param reader        the run's reader
     * @param emulated      whether an emulated device times the reads
     * @param readsFromDram whether that device's real reads of the file come from DRAM (ignored without one)
     */
    public static PassStart of(ReaderKind reader, boolean emulated, boolean readsFromDram) {
        if (emulated && readsFromDram) {
            return KEPT;
        }
        return reader.usesPageCache() ? EVICTED : BYPASSED;
    }

    /** As {@link #of(ReaderKind, boolean, boolean)} for {@code file}, asking the emulation whether it fits in DRAM. */
    static PassStart of(ReaderKind reader, boolean emulated, Path file) throws IOException {
        return of(reader, emulated, emulated && EmulatedReader.readsFromDram(file));
    }

    /** What the report's header says after the reader's name, e.g. "file evicted from the page cache before every pass". */
    public String describe() {
        return description;
    }

    /** The name in the JSON report: {@code bypassed}, {@code evicted} or {@code kept}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
