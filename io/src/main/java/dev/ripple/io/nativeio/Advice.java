package dev.ripple.io.nativeio;

/**
 * Access-pattern hints for {@code madvise(2)} and {@code posix_fadvise(2)}.
 *
 * <p>On Linux (x86-64 and AArch64) both calls use the same numbers for these five hints, so one
 * enum serves both.
 */
public enum Advice {
    /** No special treatment: the kernel's default read-ahead. */
    NORMAL(0),
    /** Random access: read-ahead off, so each fault or read fetches only what it touches. */
    RANDOM(1),
    /** Sequential access: aggressive read-ahead. */
    SEQUENTIAL(2),
    /** Will be needed soon: start reading it in now. */
    WILLNEED(3),
    /** Not needed: clean cached pages may be dropped (the page-cache eviction used for cold runs). */
    DONTNEED(4);

    private final int linuxValue;

    Advice(int linuxValue) {
        this.linuxValue = linuxValue;
    }

    /** The constant Linux uses for this hint. */
    int linuxValue() {
        return linuxValue;
    }
}
