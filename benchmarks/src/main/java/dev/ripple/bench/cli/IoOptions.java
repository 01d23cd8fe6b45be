package dev.ripple.bench.cli;

import dev.ripple.core.runtime.InvalidRuntimeOptionsException;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.io.device.DeviceEmulator;
import dev.ripple.io.device.DevicePresets;
import dev.ripple.io.device.DeviceProfile;
import dev.ripple.io.reader.ReaderKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

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
            description = "reads in flight per request, 1..1024 (default: ${DEFAULT-VALUE})")
    private int queueDepth;

    @Option(
            names = "--device",
            paramLabel = "DEVICE",
            converter = DeviceName.class,
            description = "ufs-3.1, ufs-4.0, nvme or PROFILE.json: every read takes "
                    + "the time that device gives it (emulated; docs/DEVICES.md); reads are planned by its cost model")
    String device;

    /**
     * {@code --queue-depth}, held to the runtime's rule ({@link RuntimeOptions}, which keeps it for
     * apps and command lines alike), or a one-line error naming the option: the harnesses that take
     * it raw said "queueDepth must be in 1..1024" or "tokens, repeats, queue depth and the policies
     * must be given".
     */
    int queueDepth() {
        try {
            return RuntimeOptions.defaults().withQueueDepth(queueDepth).queueDepth();
        } catch (InvalidRuntimeOptionsException e) {
            throw new IllegalArgumentException(e.describe(input -> "--queue-depth"), e);
        }
    }

    ReaderKind readerKind() {
        return reader.kind();
    }

    /**
     * Refuses, while the command line is read (exit 2, as for any path option naming no file), a
     * {@code --device} that is neither a preset nor an existing file; a file that is not a valid
     * profile is refused when it is read ({@link DevicePresets#resolve}).
     */
    static final class DeviceName implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (DevicePresets.isPreset(value)) {
                return value;
            }
            Path file;
            try {
                file = value.isBlank() ? null : Path.of(value); // "" is the working directory
            } catch (InvalidPathException e) {
                file = null;
            }
            if (file == null || !Files.exists(file)) {
                String shown = value.isBlank() ? "'" + value + "'" : RippleCommand.printable(value); // not ": :"
                throw new TypeConversionException(shown + ": " + DevicePresets.NEITHER);
            }
            if (Files.isDirectory(file)) { // was read as a profile: "cannot be read (java.io.IOException: Is a ...)"
                throw new TypeConversionException(RippleCommand.printable(value) + ": is a directory, not a profile"
                        + " file (a device preset: " + String.join(", ", DevicePresets.names()) + ")");
            }
            return value;
        }
    }

    /**
     * The emulated device, or null when none was asked for; a profile file whose reads no device
     * could take is refused naming the file.
     */
    DeviceProfile deviceProfile() throws IOException {
        if (device == null) {
            return null;
        }
        DeviceProfile profile = DevicePresets.resolve(device);
        if (!DevicePresets.isPreset(device)) {
            DeviceEmulator.requireEmulable(profile, Path.of(device));
        }
        return profile;
    }
}
