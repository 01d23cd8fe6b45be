/**
 * Readers of byte extents of one file behind {@link dev.ripple.io.reader.ExtentReader}: mmap,
 * positional ({@code pread}) and direct ({@code O_DIRECT}) reads, several in flight per request.
 */
package dev.ripple.io.reader;
