package dev.ripple.io.device;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The devices a user names: the phone presets of {@link UfsPresets} ({@code ufs-3.1},
 * {@code ufs-4.0}), a desktop NVMe SSD ({@code nvme}), or a profile file written by
 * {@code ripple calibrate}. Every figure of the presets and its source is in docs/DEVICES.md.
 *
 * <pre>{@code
 * DeviceProfile phone = DevicePresets.resolve("ufs-4.0");
 * DeviceProfile mine = DevicePresets.resolve("device-profile.json");
 * }</pre>
 */
public final class DevicePresets {

    private DevicePresets() {}

    /** Names of the presets. */
    public static List<String> names() {
        return List.of("ufs-3.1", "ufs-4.0", "nvme");
    }

    /**
     * A PCIe 4.0 NVMe SSD after the Samsung 980 PRO 1 TB data sheet: 7,000 MB/s sequential read,
     * random 4 KB reads up to 1,000,000 IOPS at queue depth 32 and up to 22,000 IOPS at queue depth
     * 1 with one thread (docs/DEVICES.md).
     */
    public static DeviceProfile nvme() {
        double qd1Micros = 1e6 / 22_000 - 4096 / 7000.0;
        return UfsPresets.preset(
                "nvme",
                7000,
                1_000_000,
                qd1Micros,
                "Samsung 980 PRO 1 TB data sheet: 7,000 MB/s sequential read; random 4 KB read up to 1,000,000 IOPS at QD32"
                        + " and up to 22,000 IOPS at QD1 (one thread), see docs/DEVICES.md");
    }

    /** The preset called {@code name} (case-insensitive). */
    public static DeviceProfile byName(String name) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "ufs-3.1" -> UfsPresets.ufs31();
            case "ufs-4.0" -> UfsPresets.ufs40();
            case "nvme" -> nvme();
            default ->
                throw new IllegalArgumentException("no device preset named '" + name + "'; known presets: " + names());
        };
    }

    /** True if {@code nameOrFile} names a preset rather than a file. */
    public static boolean isPreset(String nameOrFile) {
        return names().contains(nameOrFile.strip().toLowerCase(Locale.ROOT));
    }

    /** Why a name is refused when it is no preset and no file exists by it; said after the name. */
    public static final String NEITHER = "is neither a device preset (" + String.join(", ", names())
            + ") nor an existing profile file (create one with 'ripple calibrate')";

    /**
     * A preset by name, else the profile in the file {@code nameOrFile}.
     *
     * @throws DeviceProfileException if it is neither a preset nor a readable profile (the message
     *                                lists the presets)
     */
    public static DeviceProfile resolve(String nameOrFile) throws IOException {
        if (isPreset(nameOrFile)) {
            return byName(nameOrFile);
        }
        Path file = Path.of(nameOrFile);
        if (!Files.exists(file)) {
            throw new DeviceProfileException(file, NEITHER, null);
        }
        return DeviceProfile.read(file);
    }
}
