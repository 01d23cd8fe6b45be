package dev.ripple.io.reader;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * The reader a run asked for and the one that ran, said the same way by every report's text
 * ({@link #describe()}) and JSON ({@link #putJson}). They differ twice: {@code io_uring} opens the
 * direct reader where io_uring is unavailable ({@link ReaderKind#effective()}), and an emulated
 * device whose file fits in memory makes its real reads from DRAM by {@link #DRAM_READER} whatever
 * was asked ({@code EmulatedReader.open}). A report that named the one asked for would credit it with
 * another reader's figures.
 *
 * @param asked    the reader asked for ({@code --reader})
 * @param ran      the reader that ran
 * @param fallback why {@code ran} is not {@code asked}; null when it is
 */
public record ReaderRan(ReaderKind asked, ReaderKind ran, String fallback) {
    /** The reader an emulated device's real reads from DRAM are made by: pread through the page cache. */
    public static final ReaderKind DRAM_READER = ReaderKind.POSITIONAL;

    /** Why {@link #DRAM_READER} ran in place of the reader asked for. */
    static final String FROM_DRAM =
            "the file fits in memory, so the emulated device's real reads came from DRAM through the page cache,"
                    + " docs/DEVICES.md";

    public ReaderRan {
        Objects.requireNonNull(asked, "asked");
        Objects.requireNonNull(ran, "ran");
        if ((asked == ran) != (fallback == null)) {
            throw new IllegalArgumentException(
                    "a fallback reason is given when the reader that ran differs, and only then");
        }
    }

    /** {@code asked} and what runs on this machine in its place. */
    public static ReaderRan of(ReaderKind asked) {
        return new ReaderRan(asked, asked.effective(), asked.fallbackReason().orElse(null));
    }

    /**
     * As {@link #of(ReaderKind)}, or, when an emulated device's real reads came from DRAM,
     * {@link #DRAM_READER} in place of {@code asked} (unless that is what was asked).
     */
    public static ReaderRan of(ReaderKind asked, boolean realReadsFromDram) {
        if (!realReadsFromDram || asked == DRAM_READER) {
            return of(asked);
        }
        return new ReaderRan(asked, DRAM_READER, FROM_DRAM);
    }

    /** Whether another reader than the one asked ran because an emulated device's real reads came from DRAM. */
    public boolean forDramReads() {
        return FROM_DRAM.equals(fallback);
    }

    /** The name of the reader that ran: {@code direct}, {@code io_uring}, {@code mmap}, {@code pread}. */
    public String name() {
        return ran.cliName();
    }

    /** "direct", or "direct (io_uring asked for; io_uring unavailable: ...)" when another one ran. */
    public String describe() {
        return fallback == null ? name() : name() + " (" + asked.cliName() + " asked for; " + fallback + ")";
    }

    /** {@code reader}: the one that ran; when it is not the one asked for also {@code readerAsked} and {@code readerFallback}. */
    public ObjectNode putJson(ObjectNode doc) {
        doc.put("reader", name());
        if (fallback != null) {
            doc.put("readerAsked", asked.cliName());
            doc.put("readerFallback", fallback);
        }
        return doc;
    }
}
