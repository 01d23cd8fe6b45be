package dev.ripple.io.device;

import java.nio.file.Path;

/**
 * A storage device as its {@link DeviceProfile}'s cost model describes it, so that reads on the
 * machine at hand can be made to take the time they would take on that device
 * ({@link EmulatedReader}).
 *
 * <p><b>The model.</b> The device has one command queue of {@link #commandQueueDepth()} entries
 * (the deepest modelled queue depth: 32 for the UFS presets) and serves reads one after another
 * in arrival order. A request of {@code k} reads issued by a reader whose queue depth is {@code q}
 * keeps {@code d = min(q, k, commandQueueDepth)} reads in flight, and each of its reads occupies
 * the device for the cost line at depth {@code d}: {@code a_d + n / b_d} µs for {@code n} bytes
 * (the time one read takes when {@code d} are kept in flight, 1/IOPS at that depth; at depth 1 its
 * latency). So read {@code i} of the request completes at
 * {@code max(issue, device free) + Σ_{j ≤ i} (a_d + n_j / b_d)}, and the request's time on an idle
 * device is {@code k·a_d + B/b_d}: exactly the figure the read planner optimises and
 * {@code ModelledIo} projects. Requests of concurrent callers queue behind each other, each
 * priced at its own depth. Per-operation latency, bandwidth by request size (the line's
 * {@code n / (a + n/b)}) and the bounded queue all come from the profile: a preset built from
 * published figures (docs/DEVICES.md) or one calibrated on a real device.
 *
 * <p>Thread-safe; one instance is one device (share it between the readers of files on the same
 * device).
 *
 * <pre>{@code
 * DeviceEmulator ufs = DeviceEmulator.of(DevicePresets.resolve("ufs-4.0"));
 * try (ExtentReader reader = EmulatedReader.wrap(ReaderKind.DIRECT.open(path, 8), ufs)) { ... }
 * }</pre>
 */
public final class DeviceEmulator {

    private final DeviceProfile profile;
    private final int commandQueueDepth;
    private long busyUntil = Long.MIN_VALUE;

    private DeviceEmulator(DeviceProfile profile, int commandQueueDepth) {
        if (commandQueueDepth < 1) {
            throw new IllegalArgumentException("command queue depth must be >= 1, got " + commandQueueDepth);
        }
        String problem = emulationProblem(profile);
        if (problem != null) {
            throw new IllegalArgumentException("device profile " + profile.name() + ": " + problem);
        }
        this.profile = profile;
        this.commandQueueDepth = commandQueueDepth;
    }

    /** The slowest 4 KiB read an emulated device may take: 1 s, slower than any storage device there is. */
    static final double MAX_SMALL_READ_MICROS = 1e6;

    /** The slowest 1 MiB read an emulated device may take: 10 s (0.1 MB/s). */
    static final double MAX_LARGE_READ_MICROS = 1e7;

    /**
     * Refuses, naming {@code file}, a profile read from it whose reads would take longer than any
     * device's: for callers that read the profile from a file, so the one-line error names the file
     * the user gave (the profile's {@code source} is where its figures came from, not where it is).
     */
    public static void requireEmulable(DeviceProfile profile, Path file) {
        String problem = emulationProblem(profile);
        if (problem != null) {
            throw new IllegalArgumentException(file + ": " + problem);
        }
    }

    /**
     * Why {@code profile} cannot be emulated, or null. Such a profile is valid for planning
     * (CostLine's bounds keep its arithmetic finite), but emulating it makes every read sleep for
     * minutes or days: a run that looks hung, with no word why.
     */
    private static String emulationProblem(DeviceProfile profile) {
        for (CostLine line : profile.costModel().lines()) {
            double small = line.costMicros(4096);
            double large = line.costMicros(1 << 20);
            if (small > MAX_SMALL_READ_MICROS || large > MAX_LARGE_READ_MICROS) {
                return String.format(
                        "at queue depth %d a 4 KiB read would take %.3g s and a 1 MiB read %.3g s;"
                                + " an emulated device may take at most %.0f s and %.0f s (no storage device is slower)",
                        line.queueDepth(),
                        small / 1e6,
                        large / 1e6,
                        MAX_SMALL_READ_MICROS / 1e6,
                        MAX_LARGE_READ_MICROS / 1e6);
            }
        }
        return null;
    }

    /** The device of {@code profile}, with the deepest modelled queue depth as its command queue. */
    public static DeviceEmulator of(DeviceProfile profile) {
        return new DeviceEmulator(profile, profile.costModel().lines().getLast().queueDepth());
    }

    /** The device of {@code profile} with an explicit command queue depth. */
    public static DeviceEmulator of(DeviceProfile profile, int commandQueueDepth) {
        return new DeviceEmulator(profile, commandQueueDepth);
    }

    public DeviceProfile profile() {
        return profile;
    }

    /** Reads the device holds at once; deeper requests are priced at this depth. */
    public int commandQueueDepth() {
        return commandQueueDepth;
    }

    /** The depth a request of {@code reads} reads from a reader of {@code queueDepth} runs at. */
    public int depthOf(int reads, int queueDepth) {
        return Math.max(1, Math.min(Math.min(queueDepth, reads), commandQueueDepth));
    }

    /** Modelled µs of a request of {@code count} reads of {@code bytes[i]} bytes on an idle device. */
    public double requestMicros(long[] bytes, int count, int queueDepth) {
        CostLine line = profile.costModel().lineAt(depthOf(count, queueDepth));
        double micros = 0;
        for (int i = 0; i < count; i++) {
            micros += line.costMicros(bytes[i]);
        }
        return micros;
    }

    /**
     * Books a request issued at {@code issuedAt} (a {@link System#nanoTime()} value) on the device
     * and writes each read's modelled completion time into {@code completions[0, count)}.
     *
     * @return the completion time of the request's last read
     */
    public synchronized long schedule(long issuedAt, long[] bytes, int count, int queueDepth, long[] completions) {
        CostLine line = profile.costModel().lineAt(depthOf(count, queueDepth));
        double t = Math.max(issuedAt, busyUntil);
        for (int i = 0; i < count; i++) {
            t += line.costMicros(bytes[i]) * 1000.0;
            completions[i] = (long) Math.ceil(t);
        }
        long end = count == 0 ? issuedAt : completions[count - 1];
        busyUntil = Math.max(busyUntil, end);
        return end;
    }

    /** Name of the emulated device, for reports ("emulated ufs-4.0"). */
    public String describe() {
        return "emulated " + profile.name() + " (" + profile.source().split(";")[0] + "; command queue "
                + commandQueueDepth + ")";
    }
}
