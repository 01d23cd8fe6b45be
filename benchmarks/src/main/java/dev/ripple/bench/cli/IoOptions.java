package dev.ripple.bench.cli;

import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.io.device.DevicePresets;
import dev.ripple.io.device.DeviceProfile;
import dev.ripple.io.reader.ReaderKind;
import java.io.IOException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How a command reads bundles: the reader, the queue depth and an emulated device. A picocli mixin
 * shared by the commands that run a model from flash.
 */
final class IoOptions {
    @Mixin
    ReaderOptions reader;

    @Option(
            names = "--queue-depth",
            defaultValue = "" + RuntimeOptions.DEFAULT_QUEUE_DEPTH,
            description = "reads in flight per request (default: ${DEFAULT-VALUE})")
    int queueDepth;

    @Option(
            names = "--device",
            paramLabel = "DEVICE",
            description = "ufs-3.1, ufs-4.0, nvme or PROFILE.json: every read takes "
                    + "the time that device gives it (emulated; docs/DEVICES.md); reads are planned by its cost model")
    String device;

    ReaderKind readerKind() {
        return reader.kind();
    }

    /** The emulated device, or null when none was asked for. */
    DeviceProfile deviceProfile() throws IOException {
        return device == null ? null : DevicePresets.resolve(device);
    }
}
