/**
 * Readers of byte extents of one file behind {@link dev.ripple.io.reader.ExtentReader}: mmap,
 * positional ({@code pread}) and direct ({@code O_DIRECT}) reads with several in flight per
 * request from a pool of threads, and direct reads through io_uring submitted from the calling
 * thread ({@link dev.ripple.io.reader.UringReader}). The native calls they make are declared in the
 * package-private {@code NativeFile} ({@code pread}) and {@code UringSyscalls} (io_uring), both
 * bound through {@link dev.ripple.io.nativeio.Libc}.
 */
package dev.ripple.io.reader;
