package dev.ripple.bench.harness;

import dev.ripple.io.nativeio.PageCache;
import dev.ripple.io.reader.ReaderKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@link PassStart} of each file of one run, and the evictions it calls for. A file's start is
 * decided at its first pass and kept (whether a file fits in DRAM depends on the memory free at the
 * time, and the header and rows must say what the passes did), except that an eviction that drops
 * nothing ({@link PageCache#attempt}: native I/O disabled, a memory-backed file system) turns it
 * {@link PassStart.Kind#WARM} with the reason: a report then never calls a warm pass cold.
 */
final class PassStarts {
    /**
     * How a file is dropped from the page cache: {@link PageCache#attempt}, or, in a test, that
     * with a record of which file was evicted when.
     */
    @FunctionalInterface
    interface Evictor {
        PageCache.Eviction evict(Path file) throws IOException;
    }

    private final ReaderKind reader;
    private final boolean emulated;
    private final Evictor evictor;
    private final Map<Path, PassStart> starts = new LinkedHashMap<>();

    /** Evicting through {@link PageCache#attempt}. */
    PassStarts(ReaderKind reader, boolean emulated) {
        this(reader, emulated, PageCache::attempt);
    }

    /**
     * @param reader   the run's reader as asked; the kind that runs ({@link ReaderKind#effective()}) decides
     * @param emulated whether an emulated device times the reads
     * @param evictor  how a file is evicted ({@code PageCache::attempt})
     */
    PassStarts(ReaderKind reader, boolean emulated, Evictor evictor) {
        this.reader = reader.effective();
        this.emulated = emulated;
        this.evictor = evictor;
    }

    /**
     * Readies {@code file} for a pass: evicts it when its start says so, and returns the start the
     * pass really has.
     */
    PassStart before(Path file) throws IOException {
        PassStart start = of(file);
        if (start.kind() == PassStart.Kind.EVICTED) {
            PageCache.Eviction e = evictor.evict(file);
            if (!e.evicted()) {
                start = PassStart.warm(e.reason());
                starts.put(file, start);
            }
        }
        return start;
    }

    /** How passes over {@code file} start, decided at the first ask and kept; nothing is evicted here. */
    PassStart of(Path file) throws IOException {
        PassStart start = starts.get(file);
        if (start == null) {
            start = PassStart.of(reader, emulated, file);
            starts.put(file, start);
        }
        return start;
    }

    /**
     * What a report's header says for files that share one decision: the first warm start if any
     * eviction dropped nothing, else {@code representative}'s.
     */
    PassStart overall(Path representative) throws IOException {
        for (PassStart s : starts.values()) {
            if (s.kind() == PassStart.Kind.WARM) {
                return s;
            }
        }
        return of(representative);
    }
}
