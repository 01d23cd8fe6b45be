/**
 * The advisory native calls ({@code madvise}, {@code posix_fadvise}) bound through the FFM linker.
 * Everything here is advisory and degrades to a logged no-op where unavailable. The io_uring
 * system calls are bound next to their only user, package-private in
 * {@link dev.ripple.io.reader} ({@code UringSyscalls}), and fall back to the thread-pool direct
 * reader where unavailable; so are the positional and direct readers' {@code open} and
 * {@code pread} ({@code NativeFile}), which fall back to a {@code FileChannel}.
 */
package dev.ripple.io.nativeio;
