package dev.ripple.io.device;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ripple.io.json.NonFiniteAsNull;
import dev.ripple.io.reader.ReaderRan;
import java.util.List;

/**
 * What {@link ReaderCalibrator} measured for one reader on one file: one entry per read size and
 * queue depth. The JSON of {@code ripple calibrate --reader R --json}.
 *
 * <p>The reader is told as every report tells it ({@link ReaderRan#putJson}): {@code reader} the one
 * that ran, and only when it is not the one asked for {@code readerAsked} and {@code readerFallback}.
 *
 * @param reader      the reader that ran ({@link dev.ripple.io.reader.ExtentReader#kind()}: with
 *                    {@code io_uring} asked for on a machine without it, {@code direct})
 * @param readerAsked the reader asked for ({@code direct}, {@code io_uring}, {@code mmap}, {@code pread})
 *                    when another one ran; else null, and left out of the JSON
 * @param readerFallback why another reader ran; null, and left out of the JSON, when none did
 * @param description the reader's own description (file, queue depth, options)
 * @param file        the file read
 * @param fileBytes   its size
 * @param measuredAt  ISO-8601 instant of the run
 * @param cpuClock    how CPU time was measured, for reports
 * @param pageCache   how the page cache was handled: "bypassed (O_DIRECT)", "evicted before each point",
 *                    or "NOT evicted (reason)" when an eviction dropped nothing
 * @param warning     for a page-cache reader, when a point read more than the file holds (it warmed
 *                    the cache it measured, {@link ReaderCalibrator#selfWarming}); else null
 * @param entries     the points, in the order measured
 */
public record ReaderCalibration(
        String reader,
        @JsonInclude(JsonInclude.Include.NON_NULL) String readerAsked,
        @JsonInclude(JsonInclude.Include.NON_NULL) String readerFallback,
        String description,
        String file,
        long fileBytes,
        String measuredAt,
        String cpuClock,
        String pageCache,
        String warning,
        List<ReaderPoint> entries) {

    private static final ObjectMapper JSON = NonFiniteAsNull.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build(); // an unmeasured CPU time: null

    public ReaderCalibration {
        entries = List.copyOf(entries);
        if ((readerAsked == null) != (readerFallback == null)) {
            throw new IllegalArgumentException("the reader asked for and why another ran are given together");
        }
    }

    /** "direct", or "direct (io_uring asked for; io_uring unavailable: ...)": as {@link ReaderRan#describe()}. */
    public String describeReader() {
        return readerAsked == null ? reader : reader + " (" + readerAsked + " asked for; " + readerFallback + ")";
    }

    /** The point at {@code sizeBytes} and {@code queueDepth}. */
    public ReaderPoint point(int sizeBytes, int queueDepth) {
        return entries.stream()
                .filter(p -> p.sizeBytes() == sizeBytes && p.queueDepth() == queueDepth)
                .findFirst()
                .orElseThrow(() ->
                        new IllegalArgumentException("no point at " + sizeBytes + " bytes, queue depth " + queueDepth));
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("reader calibration could not be serialised", e);
        }
    }
}
