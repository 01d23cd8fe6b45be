package dev.ripple.io.device;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ripple.io.json.NonFiniteAsNull;
import java.util.List;

/**
 * What {@link ReaderCalibrator} measured for one reader on one file: one entry per read size and
 * queue depth. The JSON of {@code ripple calibrate --reader R --json}.
 *
 * @param reader      the reader that ran ({@link dev.ripple.io.reader.ExtentReader#kind()}: with
 *                    {@code io_uring} requested on a machine without it, {@code direct})
 * @param requested   the reader asked for ({@code direct}, {@code io_uring}, {@code mmap}, {@code pread})
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
        String requested,
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
