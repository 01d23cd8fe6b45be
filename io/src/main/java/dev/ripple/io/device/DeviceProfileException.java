package dev.ripple.io.device;

import java.io.IOException;
import java.nio.file.Path;

/** A device profile file could not be read: missing, not JSON, wrong version or invalid values. */
public final class DeviceProfileException extends IOException {

    private final transient Path file;

    public DeviceProfileException(Path file, String problem, Throwable cause) {
        super(file + ": not a valid Ripple device profile: " + problem, cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
