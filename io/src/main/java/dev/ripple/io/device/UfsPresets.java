package dev.ripple.io.device;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Device profiles of phone storage built from public figures, for projecting how a placement would
 * read on a phone without one at hand. Every figure and its source is listed in docs/DEVICES.md.
 *
 * <p>Vendors publish sequential read bandwidth and random 4 KiB read IOPS at queue depth 32 (UFS
 * has a single command queue of 32 entries). From those, the queue-depth-32 cost line is
 * {@code b = sequential bandwidth} and {@code a = 1/IOPS − 4096/b}. Vendors do not publish queue
 * depth 1 latency; the depth-1 line uses an <em>assumed</em> per-read overhead, stated in the
 * profile's source and in docs/DEVICES.md. A calibrated profile of a real phone should replace a
 * preset whenever one is available.
 *
 * <pre>{@code
 * DeviceProfile phone = UfsPresets.byName("ufs-4.0");
 * ReadPlanner planner = ReadPlanner.costModel(phone, 32);
 * }</pre>
 */
public final class UfsPresets {

    /** UFS command queue depth (one queue of 32 entries). */
    public static final int UFS_QUEUE_DEPTH = 32;

    private UfsPresets() {}

    /**
     * UFS 3.1: Samsung 512 GB eUFS 3.1 (March 2020), 2,100 MB/s sequential read, 100,000 random read
     * IOPS; depth-1 overhead assumed 80 µs.
     */
    public static DeviceProfile ufs31() {
        return preset(
                "ufs-3.1",
                2100,
                100_000,
                80,
                "Samsung 512GB eUFS 3.1 announcement, March 2020: 2,100 MB/s sequential read, 100,000 IOPS random read"
                        + " (queue depth 32); queue-depth-1 overhead of 80 us is an assumption, see docs/DEVICES.md");
    }

    /**
     * UFS 4.0: Samsung UFS 4.0 (May 2022), 4,200 MB/s sequential read; about 100,000 random read IOPS
     * as measured by PowerInfer-2 on a UFS 4.0 phone; depth-1 overhead assumed 60 µs.
     */
    public static DeviceProfile ufs40() {
        return preset(
                "ufs-4.0",
                4200,
                100_000,
                60,
                "Samsung UFS 4.0 announcement, May 2022: 4,200 MB/s sequential read; ~100K IOPS random 4 KB read on"
                        + " UFS 4.0 per PowerInfer-2 (arXiv 2406.06282); queue-depth-1 overhead of 60 us is an assumption,"
                        + " see docs/DEVICES.md");
    }

    /** Names accepted by {@link #byName}. */
    public static List<String> names() {
        return List.of("ufs-3.1", "ufs-4.0");
    }

    /** The preset called {@code name} ("ufs-3.1" or "ufs-4.0", case-insensitive). */
    public static DeviceProfile byName(String name) {
        Map<String, Supplier<DeviceProfile>> presets =
                Map.of("ufs-3.1", UfsPresets::ufs31, "ufs-4.0", UfsPresets::ufs40);
        var preset = presets.get(name.toLowerCase(Locale.ROOT));
        if (preset == null) {
            throw new IllegalArgumentException("no device preset named '" + name + "'; known presets: " + names());
        }
        return preset.get();
    }

    /**
     * @param sequentialMBps       vendor sequential read, MB/s (10^6 bytes/s)
     * @param randomReadIopsQd32   vendor random 4 KiB read IOPS (queue depth 32)
     * @param qd1OverheadMicros    assumed per-read overhead at queue depth 1, µs
     */
    static DeviceProfile preset(
            String name, double sequentialMBps, double randomReadIopsQd32, double qd1OverheadMicros, String source) {
        double bytesPerMicro = sequentialMBps; // 1 MB/s = 1 byte/µs
        double qd32Overhead = 1e6 / randomReadIopsQd32 - 4096 / bytesPerMicro;
        CostLine qd1 = new CostLine(1, qd1OverheadMicros, bytesPerMicro);
        CostLine qd32 = new CostLine(UFS_QUEUE_DEPTH, qd32Overhead, bytesPerMicro);
        CostModel model = new CostModel(
                "preset: queue depth 32 from vendor sequential MB/s and random IOPS;"
                        + " queue depth 1 overhead assumed",
                List.of(qd1, qd32));
        double sequentialMiBps = sequentialMBps * 1e6 / (1 << 20);
        double qd1Iops = 1e6 / qd1.costMicros(4096);
        return new DeviceProfile(
                DeviceProfile.FORMAT_VERSION, name, source, "", sequentialMiBps, qd1Iops, List.of(), model);
    }
}
