/**
 * Readers of byte extents of one file behind {@link dev.ripple.io.reader.ExtentReader}: mmap,
 * positional ({@code pread}) and direct ({@code O_DIRECT}) reads with several in flight per
 * request from a pool of threads, and direct reads through io_uring submitted from the calling
 * thread ({@link dev.ripple.io.reader.UringReader}; its system calls are bound in the
 * package-private {@code UringSyscalls}, the one place here that touches native code).
 */
package dev.ripple.io.reader;
