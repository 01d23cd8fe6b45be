/**
 * Ripple's native calls, all bound through the FFM linker by one binder, {@link
 * dev.ripple.io.nativeio.Libc}: where they may be bound (Linux on x86-64 or aarch64, not
 * {@code -Dripple.nativeio.disabled=true}, native access granted), errno capture, and the
 * {@code open}/{@code close} every user needs. {@link dev.ripple.io.nativeio.NativeAccess} holds the
 * advisory calls ({@code madvise}, {@code posix_fadvise}), which degrade to a logged no-op where
 * unavailable. The io_uring system calls are declared next to their only user, package-private in
 * {@link dev.ripple.io.reader} ({@code UringSyscalls}), and fall back to the thread-pool direct
 * reader where unavailable; so are the positional and direct readers' {@code pread}
 * ({@code NativeFile}), which fall back to a {@code FileChannel}.
 */
package dev.ripple.io.nativeio;
