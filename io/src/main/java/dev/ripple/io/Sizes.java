package dev.ripple.io;

import java.util.Locale;

/**
 * Byte counts as reports print them, in one place so that every report says a size the same way:
 * bytes below 1 KiB, else KiB or MiB with one decimal, GiB with two, each rounded to the nearest (a
 * file of 8,203,823 bytes is "7.8 MiB", not the "7 MiB" a shift would make of it, and a small
 * size is never "0").
 */
public final class Sizes {
    private Sizes() {}

    /** {@code 512 B}, {@code 3.5 KiB}, {@code 7.8 MiB}, {@code 1.25 GiB}. */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1L << 20) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        if (n < 1L << 30) {
            return String.format(Locale.ROOT, "%.1f MiB", n / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%.2f GiB", n / (double) (1L << 30));
    }
}
