package dev.ripple.io;

/**
 * A contiguous byte range of one file: {@code [offset, offset + length)}.
 *
 * <p>The unit every reader and the {@link ReadPlanner} speak in. Validated on construction so a bad
 * range fails where it is built, not deep inside a read: offset non-negative, length positive, and
 * the end must fit in a {@code long}.
 *
 * <pre>{@code
 * Extent bundle = new Extent(4096L * slot, 3076);
 * long end = bundle.end();
 * }</pre>
 *
 * @param offset first byte, from the start of the file
 * @param length number of bytes, at least 1
 */
public record Extent(long offset, long length) implements Comparable<Extent> {

    public Extent {
        check(offset, length);
    }

    /** Refuses what no extent may be; also for plans that hold extents as plain numbers. */
    static void check(long offset, long length) {
        if (offset < 0) {
            throw new IllegalArgumentException("extent offset must be >= 0, got " + offset);
        }
        if (length <= 0) {
            throw new IllegalArgumentException("extent length must be > 0, got " + length + " at offset " + offset);
        }
        if (offset > Long.MAX_VALUE - length) {
            throw new IllegalArgumentException("extent [" + offset + ", +" + length + ") ends past Long.MAX_VALUE");
        }
    }

    /** Extent covering {@code [start, end)}. */
    public static Extent between(long start, long end) {
        return new Extent(start, end - start);
    }

    /** One past the last byte. */
    public long end() {
        return offset + length;
    }

    /** True if {@code other} lies entirely inside this extent. */
    public boolean contains(Extent other) {
        return other.offset >= offset && other.end() <= end();
    }

    /** Orders by offset, then by length. */
    @Override
    public int compareTo(Extent o) {
        int c = Long.compare(offset, o.offset);
        return c != 0 ? c : Long.compare(length, o.length);
    }

    @Override
    public String toString() {
        return "[" + offset + ", " + end() + ")";
    }
}
