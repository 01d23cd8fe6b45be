package dev.ripple.core.runtime;

import dev.ripple.cache.CacheSettings;
import dev.ripple.core.activity.PredictorKind;
import dev.ripple.io.device.DeviceProfile;
import dev.ripple.io.reader.ReaderKind;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How a {@link RippleModel} reads, caches and predicts. Immutable; start from {@link #defaults()}
 * and change what you need:
 *
 * <pre>{@code
 * RuntimeOptions o = RuntimeOptions.defaults()
 *         .withReader(ReaderKind.DIRECT).withQueueDepth(8)
 *         .withCache("linking", 0.1)               // policy (default settings), share of the FFN bytes
 *         .withPredictor(PredictorKind.LOWRANK)    // or DENSE, TRAINED
 *         .withDevice(DeviceProfile.read(Path.of("device-profile.json")));
 * }</pre>
 *
 * @param reader        how bundles are read: DIRECT (O_DIRECT, default), MMAP or POSITIONAL
 * @param queueDepth    reads of one request in flight at once
 * @param cache         the cache policy and its settings ({@link CacheSettings}: none, lru, s3fifo, lfu,
 *                      window, linking)
 * @param cacheFraction DRAM budget as a share of all FFN bundle bytes (used when cacheBytes is 0)
 * @param cacheBytes    DRAM budget in bytes (0: use cacheFraction)
 * @param predictor     dense, lowrank (factors stored in the file) or trained (networks stored in the file by
 *                      {@code ripple place --predictor trained}); a recorded-set predictor is passed to
 *                      {@code RippleModel.open(path, options, predictor, listener)} instead
 * @param fillIn        apply mean fill-in when the file has it
 * @param device        device profile the read planner merges by; null: merge only touching extents
 * @param maxGapBytes   when device is null, merge reads whose gap is at most this many bytes
 * @param margin        low-rank predictor margin; NaN: the one stored in the file
 * @param emulatedDevice a device every read is made to take the time of (an
 *                      {@link dev.ripple.io.device.EmulatedReader} over the real reader); null: the
 *                      real storage's own time
 */
public record RuntimeOptions(
        ReaderKind reader,
        int queueDepth,
        CacheSettings cache,
        double cacheFraction,
        long cacheBytes,
        PredictorKind predictor,
        boolean fillIn,
        DeviceProfile device,
        long maxGapBytes,
        float margin,
        DeviceProfile emulatedDevice) {

    public RuntimeOptions {
        Objects.requireNonNull(reader, "reader");
        if (queueDepth < 1 || queueDepth > 1024) {
            throw new IllegalArgumentException("queue depth must be in 1..1024, got " + queueDepth);
        }
        if (!(cacheFraction >= 0 && cacheFraction <= 1) || cacheBytes < 0) {
            throw new IllegalArgumentException("cache budget must be a fraction in [0, 1] or bytes ≥ 0, got "
                    + cacheFraction + " and " + cacheBytes);
        }
        if (maxGapBytes < 0) {
            throw new IllegalArgumentException("max gap must be ≥ 0, got " + maxGapBytes);
        }
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(predictor, "predictor");
    }

    /** Reads in flight per request unless set: the depth at which this VM's disk and UFS reach most of their IOPS. */
    public static final int DEFAULT_QUEUE_DEPTH = 8;

    /** The bundle cache's share of the FFN bytes unless set. */
    public static final double DEFAULT_CACHE_FRACTION = 0.1;

    /** Direct I/O at queue depth 8, linking cache on 10% of the FFN bytes, low-rank predictor, fill-in on. */
    public static RuntimeOptions defaults() {
        return new RuntimeOptions(
                ReaderKind.DIRECT,
                DEFAULT_QUEUE_DEPTH,
                CacheSettings.defaults("linking"),
                DEFAULT_CACHE_FRACTION,
                0,
                PredictorKind.LOWRANK,
                true,
                null,
                0,
                Float.NaN,
                null);
    }

    public RuntimeOptions withReader(ReaderKind r) {
        return with(b -> b.reader = r);
    }

    public RuntimeOptions withQueueDepth(int q) {
        return with(b -> b.queueDepth = q);
    }

    /** The policy named {@code policy} with its default settings, on {@code fraction} of the FFN bytes. */
    public RuntimeOptions withCache(String policy, double fraction) {
        return withCache(CacheSettings.defaults(policy), fraction);
    }

    public RuntimeOptions withCache(CacheSettings settings, double fraction) {
        return with(b -> {
            b.cache = settings;
            b.cacheFraction = fraction;
            b.cacheBytes = 0;
        });
    }

    /** The policy named {@code policy} with its default settings, on {@code bytes} of DRAM. */
    public RuntimeOptions withCacheBytes(String policy, long bytes) {
        return withCacheBytes(CacheSettings.defaults(policy), bytes);
    }

    public RuntimeOptions withCacheBytes(CacheSettings settings, long bytes) {
        return with(b -> {
            b.cache = settings;
            b.cacheFraction = 0;
            b.cacheBytes = bytes;
        });
    }

    public RuntimeOptions withPredictor(PredictorKind p) {
        return with(b -> b.predictor = p);
    }

    public RuntimeOptions withFillIn(boolean on) {
        return with(b -> b.fillIn = on);
    }

    public RuntimeOptions withDevice(DeviceProfile d) {
        return with(b -> b.device = d);
    }

    /**
     * The gap up to which the planner merges reads when no device profile is set ({@link #withDevice}
     * takes precedence and is kept; {@code withDevice(null)} drops it).
     */
    public RuntimeOptions withMaxGapBytes(long gap) {
        return with(b -> b.maxGapBytes = gap);
    }

    public RuntimeOptions withMargin(float m) {
        return with(b -> b.margin = m);
    }

    /**
     * Makes every read take the time {@code d} would give it (an emulated device over the real
     * reads, {@link dev.ripple.io.device.DeviceEmulator}); null: no emulation. The planner is not
     * changed: pair with {@link #withDevice} to collapse by the same device's cost model, as
     * {@link #emulating} does.
     */
    public RuntimeOptions withEmulatedDevice(DeviceProfile d) {
        return with(b -> b.emulatedDevice = d);
    }

    /** Plans reads by {@code d}'s cost model and makes every read take the time {@code d} gives it. */
    public RuntimeOptions emulating(DeviceProfile d) {
        return withDevice(d).withEmulatedDevice(d);
    }

    /** The cache policy and its settings, on the budget set already (e.g. {@code new CacheSettings.Lfu(profiledCounts)}). */
    public RuntimeOptions withCacheSettings(CacheSettings settings) {
        return with(b -> b.cache = settings);
    }

    /** A copy with the fields {@code change} sets: one place that lists every component for the withers. */
    private RuntimeOptions with(Consumer<Fields> change) {
        Fields f = new Fields(this);
        change.accept(f);
        return new RuntimeOptions(
                f.reader,
                f.queueDepth,
                f.cache,
                f.cacheFraction,
                f.cacheBytes,
                f.predictor,
                f.fillIn,
                f.device,
                f.maxGapBytes,
                f.margin,
                f.emulatedDevice);
    }

    /** The components as mutable fields, only while a wither builds its copy. */
    private static final class Fields {
        ReaderKind reader;
        int queueDepth;
        CacheSettings cache;
        double cacheFraction;
        long cacheBytes;
        PredictorKind predictor;
        boolean fillIn;
        DeviceProfile device;
        long maxGapBytes;
        float margin;
        DeviceProfile emulatedDevice;

        Fields(RuntimeOptions o) {
            reader = o.reader;
            queueDepth = o.queueDepth;
            cache = o.cache;
            cacheFraction = o.cacheFraction;
            cacheBytes = o.cacheBytes;
            predictor = o.predictor;
            fillIn = o.fillIn;
            device = o.device;
            maxGapBytes = o.maxGapBytes;
            margin = o.margin;
            emulatedDevice = o.emulatedDevice;
        }
    }
}
