package dev.ripple.placement.stats;

/**
 * Index arithmetic of a packed strict upper triangle stored row by row: pair {@code (i, j)},
 * {@code i < j}, sits at {@code i*n - i*(i+1)/2 + (j - i - 1)}, so row {@code i} is one contiguous
 * run of {@code n - 1 - i} counts and a block of consecutive rows is one contiguous region (which
 * is what lets counting work on cache-sized blocks).
 */
final class TriangleIndex {
    private TriangleIndex() {}

    /** Number of pairs {@code i < j} among {@code n} neurons. */
    static long pairs(int n) {
        return (long) n * (n - 1) / 2;
    }

    /** Index of {@code (i, 0)} shifted so that {@code rowBase(n, i) + j} is the index of (i, j). */
    static long rowBase(int n, int i) {
        return (long) i * n - (long) i * (i + 1) / 2 - i - 1;
    }

    static long index(int n, int i, int j) {
        return rowBase(n, i) + j;
    }
}
