package dev.ripple.io;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;

/**
 * The extents a plan delivers, held as offset and length arrays rather than one {@link Extent}
 * object each: a decode step plans every needed bundle of every layer, and an object per bundle
 * was most of what a step allocated on the flash path. The bundles of a layer share one length,
 * so {@code lengths} is {@code null} and {@code length} is that length; extents of mixed lengths
 * keep one length each.
 *
 * <p>Immutable: it owns its arrays, so a caller may reuse the array it planned from.
 */
final class NeededExtents {

    private final long[] offsets; // sorted (non-decreasing)
    private final long[] lengths; // null: every extent is `length` long
    private final long length;

    private NeededExtents(long[] offsets, long[] lengths, long length) {
        this.offsets = offsets;
        this.lengths = lengths;
        this.length = length;
    }

    /** Extents of one {@code length} at the first {@code count} of {@code offsets} (copied). */
    static NeededExtents uniform(long[] offsets, int count, long length) {
        if (count < 0 || count > offsets.length) {
            throw new IllegalArgumentException(count + " extents but " + offsets.length + " offsets");
        }
        long[] own = Arrays.copyOf(offsets, count);
        for (long offset : own) {
            Extent.check(offset, length);
        }
        return new NeededExtents(own, null, length);
    }

    /** The extents of {@code extents}. */
    static NeededExtents of(List<Extent> extents) {
        int n = extents.size();
        long[] offsets = new long[n];
        long[] lengths = new long[n];
        for (int i = 0; i < n; i++) {
            offsets[i] = extents.get(i).offset();
            lengths[i] = extents.get(i).length();
        }
        return new NeededExtents(offsets, lengths, 0);
    }

    int count() {
        return offsets.length;
    }

    long offset(int i) {
        return offsets[i];
    }

    long length(int i) {
        return lengths == null ? length : lengths[i];
    }

    long end(int i) {
        return offsets[i] + length(i);
    }

    /** Extent {@code i} as an object. */
    Extent extent(int i) {
        return new Extent(offsets[i], length(i));
    }

    /**
     * The extents whose read is kept ({@code keptReads[readOf[i]]} for extent i), in their order;
     * {@code keptCount} of them.
     */
    NeededExtents keep(boolean[] keptReads, int[] readOf, int keptCount) {
        long[] keptOffsets = new long[keptCount];
        long[] keptLengths = lengths == null ? null : new long[keptCount];
        int k = 0;
        for (int i = 0; i < offsets.length; i++) {
            if (keptReads[readOf[i]]) {
                keptOffsets[k] = offsets[i];
                if (keptLengths != null) {
                    keptLengths[k] = lengths[i];
                }
                k++;
            }
        }
        return new NeededExtents(keptOffsets, keptLengths, length);
    }

    /** The extents as objects, for callers that want them (reports, tests), made on each call. */
    List<Extent> asList() {
        return new AbstractList<>() {
            @Override
            public Extent get(int i) {
                return extent(i);
            }

            @Override
            public int size() {
                return offsets.length;
            }
        };
    }
}
