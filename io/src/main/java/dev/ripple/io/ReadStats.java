package dev.ripple.io;

/**
 * What one read request cost, as counted by the reader that served it.
 *
 * <p>{@code bytesRequested} is what the caller asked for; {@code bytesRead} is what crossed the
 * device boundary: for direct I/O it includes the padding out to 4 KiB alignment, for positional
 * reads it equals the bytes returned by the system calls, for mmap it is the bytes copied out of the
 * mapping (page faults are not visible from Java). Keeping both lets a benchmark report read
 * amplification honestly.
 *
 * @param extents        extents in the request
 * @param operations     read operations issued (system calls for positional and direct reads; copies
 *                       out of the mapping for mmap)
 * @param bytesRequested sum of the extents' lengths
 * @param bytesRead      bytes actually transferred, including alignment padding
 * @param elapsedNanos   wall time of the whole request, first issue to last completion
 */
public record ReadStats(int extents, long operations, long bytesRequested, long bytesRead, long elapsedNanos) {

    /** Stats of an empty request. */
    public static final ReadStats EMPTY = new ReadStats(0, 0, 0, 0, 0);

    public ReadStats {
        if (extents < 0 || operations < 0 || bytesRequested < 0 || bytesRead < 0 || elapsedNanos < 0) {
            throw new IllegalArgumentException("read stats must be non-negative: extents=" + extents
                    + " operations=" + operations + " bytesRequested=" + bytesRequested
                    + " bytesRead=" + bytesRead + " elapsedNanos=" + elapsedNanos);
        }
    }

    /** Sum of two requests' counters; elapsed times add (sequential requests). */
    public ReadStats plus(ReadStats o) {
        return new ReadStats(
                extents + o.extents,
                operations + o.operations,
                bytesRequested + o.bytesRequested,
                bytesRead + o.bytesRead,
                elapsedNanos + o.elapsedNanos);
    }

    /** Bytes read per byte requested; 1.0 means no amplification. */
    public double amplification() {
        return bytesRequested == 0 ? 1.0 : (double) bytesRead / bytesRequested;
    }

    /** Achieved throughput over the request's wall time, in MiB/s. */
    public double mibPerSecond() {
        return elapsedNanos == 0 ? 0.0 : bytesRead / (1024.0 * 1024.0) / (elapsedNanos / 1e9);
    }
}
