package dev.ripple.bench.harness;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.io.device.EmulatedReader;
import dev.ripple.io.reader.ReaderKind;
import dev.ripple.io.reader.ReaderRan;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * How a bench pass over a file starts with respect to the page cache, decided once per file by
 * {@link #of(ReaderKind, boolean, boolean)} (and turned {@link #warm} when an eviction drops
 * nothing, see {@link PassStarts}), and said in the report's header, so that the figures of a pass
 * read through the page cache are never taken cold without the eviction having happened.
 *
 * <p>Passes start cold for a reader that goes through the page cache ({@code mmap}, {@code pread}):
 * the file is evicted first, or a later strategy would read what an earlier one left behind. Under
 * an emulated device whose real reads come from DRAM ({@link EmulatedReader#readsFromDram}: the
 * file takes at most half the available memory) the file is kept instead, whatever the reader:
 * the emulation reads the whole file back into the page cache when it is not all there, so
 * evicting would only cost that re-read, and the device model alone sets the times.
 *
 * @param kind   which of the four starts
 * @param reason for {@link Kind#WARM}, why the eviction dropped nothing; else null
 */
public record PassStart(Kind kind, String reason) {

    /** The four ways a pass can meet the page cache. */
    public enum Kind {
        /** The reader uses O_DIRECT: the page cache is bypassed and there is nothing to evict. */
        BYPASSED,
        /** The file is evicted from the page cache before every pass, so that each pass starts cold. */
        EVICTED,
        /** The file stays in the page cache: the emulated device's real reads come from DRAM. */
        KEPT,
        /** A page-cache reader's file could not be evicted: passes may find it cached (warm). */
        WARM
    }

    /** O_DIRECT: nothing to evict. */
    public static final PassStart BYPASSED = new PassStart(Kind.BYPASSED, null);
    /** Evicted before every pass. */
    public static final PassStart EVICTED = new PassStart(Kind.EVICTED, null);
    /** Kept: an emulated device's real reads come from DRAM. */
    public static final PassStart KEPT = new PassStart(Kind.KEPT, null);

    public PassStart {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.WARM) != (reason != null)) {
            throw new IllegalArgumentException("a reason is given for a warm start, and only for it");
        }
    }

    /** The eviction a page-cache reader needed dropped nothing, for {@code reason}. */
    public static PassStart warm(String reason) {
        return new PassStart(Kind.WARM, Objects.requireNonNull(reason, "reason"));
    }

    /**
     * The start of a pass for {@code reader}, with or without an emulated device, before any eviction
     * is tried. {@code reader} is the kind that runs ({@link ReaderKind#effective()}).
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
        return switch (kind) {
            case BYPASSED -> "O_DIRECT, page cache bypassed";
            case EVICTED -> "file evicted from the page cache before every pass";
            case KEPT -> "file kept in the page cache: the emulated device's real reads come from DRAM";
            case WARM -> "file NOT evicted from the page cache (" + reason + "): passes may start warm";
        };
    }

    /** {@code passStart}: the {@link #label()}; for a warm start also {@code passStartReason}. */
    public ObjectNode putJson(ObjectNode doc) {
        doc.put("passStart", label());
        if (reason != null) {
            doc.put("passStartReason", reason);
        }
        return doc;
    }

    /**
     * The reader that ran for these passes when {@code asked} was asked for: under a {@link Kind#KEPT}
     * start the emulated device's real reads came from DRAM by {@link ReaderRan#DRAM_READER}, not by
     * {@code asked}.
     */
    public ReaderRan readerRan(ReaderKind asked) {
        return ReaderRan.of(asked, kind == Kind.KEPT);
    }

    /** The name in the JSON report: {@code bypassed}, {@code evicted}, {@code kept} or {@code warm}. */
    public String label() {
        return kind.name().toLowerCase(Locale.ROOT);
    }
}
