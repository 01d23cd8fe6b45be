package dev.ripple.bench.harness;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.io.reader.ReaderKind;
import java.util.Objects;

/**
 * The reader a run asked for and the one that ran: {@code io_uring} opens the direct reader where
 * io_uring is unavailable ({@link ReaderKind#effective()}), and a report that named the one asked
 * for would credit io_uring with the thread-pool reader's figures. Reports print and store the one
 * that ran, and the one asked for with the reason when they differ.
 *
 * @param asked    the reader asked for ({@code --reader})
 * @param ran      the reader that ran
 * @param fallback why {@code ran} is not {@code asked}; null when it is
 */
public record ReaderRan(ReaderKind asked, ReaderKind ran, String fallback) {
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

    /** The name of the reader that ran: {@code direct}, {@code io_uring}, {@code mmap}, {@code pread}. */
    public String name() {
        return ran.cliName();
    }

    /** "direct", or "direct (io_uring asked for; io_uring unavailable: ...)" after a fallback. */
    public String describe() {
        return fallback == null ? name() : name() + " (" + asked.cliName() + " asked for; " + fallback + ")";
    }

    /** {@code reader}: the one that ran; after a fallback also {@code readerAsked} and {@code readerFallback}. */
    public ObjectNode putJson(ObjectNode doc) {
        doc.put("reader", name());
        if (fallback != null) {
            doc.put("readerAsked", asked.cliName());
            doc.put("readerFallback", fallback);
        }
        return doc;
    }
}
