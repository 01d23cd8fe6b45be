package dev.ripple.io.reader;

import java.io.IOException;
import java.nio.file.Path;

/**
 * io_uring cannot be used on this machine: another OS, a kernel older than 5.6, a seccomp filter
 * (Android's app sandbox), {@code kernel.io_uring_disabled}, native access not enabled, or
 * {@code -Dripple.iouring.disabled=true}. {@link ReaderKind#IO_URING} falls back to
 * {@link DirectReader} instead of throwing this.
 */
public final class UringUnavailableException extends IOException {

    private final String reason;

    public UringUnavailableException(Path file, String reason) {
        super(file + ": io_uring is unavailable: " + reason);
        this.reason = reason;
    }

    /** Why io_uring cannot be used, in one sentence. */
    public String reason() {
        return reason;
    }
}
