package dev.ripple.core.runtime;

import static dev.ripple.core.runtime.InvalidRuntimeOptionsException.RULES;

import dev.ripple.cache.CacheSettings;
import dev.ripple.core.activity.PredictorKind;
import dev.ripple.core.runtime.InvalidRuntimeOptionsException.Input;
import dev.ripple.io.device.DeviceProfile;
import dev.ripple.io.reader.ReaderKind;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.Objects;

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
 * <p>Each component has a wither {@code withX(x)} returning a copy with only that component changed,
 * generated into {@link RuntimeOptionsBuilder.With} (RecordBuilder); the withers below set several
 * components together or parse their argument.
 *
 * @param reader        how bundles are read ({@link ReaderKind}): DIRECT (O_DIRECT, default), IO_URING
 *                      (O_DIRECT through io_uring; the direct reader where io_uring is unavailable), MMAP
 *                      or POSITIONAL (pread through the page cache)
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
 * @param maxGapBytes   when device is null, merge reads whose gap is at most this many bytes (a device
 *                      profile takes precedence and {@code withMaxGapBytes} keeps it; {@code withDevice(null)}
 *                      drops it)
 * @param margin        low-rank predictor margin, finite and ≥ 0; NaN: the one stored in the file
 * @param emulatedDevice a device every read is made to take the time of (an
 *                      {@link dev.ripple.io.device.EmulatedReader} over the real reader); null: the
 *                      real storage's own time. The planner is not changed by it: pair with
 *                      {@code withDevice} to collapse by the same device's cost model, as {@link #emulating}
 *                      does
 */
@RecordBuilder
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
        DeviceProfile emulatedDevice)
        implements RuntimeOptionsBuilder.With {

    /**
     * @throws InvalidRuntimeOptionsException naming the first component out of range: the rules are
     *     kept here, not by the front ends, so that an app and a command line are held to the same ones
     */
    public RuntimeOptions {
        Objects.requireNonNull(reader, "reader");
        if (queueDepth < 1 || queueDepth > 1024) {
            throw RULES.refuse(Input.QUEUE_DEPTH, "must be in 1..1024, got " + queueDepth);
        }
        RULES.requireShare(Input.CACHE_FRACTION, cacheFraction);
        RULES.requireNonNegative(Input.CACHE_BYTES, cacheBytes);
        RULES.requireNonNegative(Input.MAX_GAP_BYTES, maxGapBytes);
        if (!Float.isNaN(margin) && !(margin >= 0 && margin < Float.POSITIVE_INFINITY)) {
            // NaN is no value but the default: the margin stored in the file.
            throw RULES.refuse(Input.MARGIN, "must be a finite number ≥ 0 (or NaN: the file's), got " + margin);
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

    /** The policy named {@code policy} with its default settings, on {@code fraction} of the FFN bytes. */
    public RuntimeOptions withCache(String policy, double fraction) {
        return withCache(CacheSettings.defaults(policy), fraction);
    }

    public RuntimeOptions withCache(CacheSettings settings, double fraction) {
        return with(b -> b.cache(settings).cacheFraction(fraction).cacheBytes(0));
    }

    /** The policy named {@code policy} with its default settings, on {@code bytes} of DRAM. */
    public RuntimeOptions withCacheBytes(String policy, long bytes) {
        return withCacheBytes(CacheSettings.defaults(policy), bytes);
    }

    public RuntimeOptions withCacheBytes(CacheSettings settings, long bytes) {
        return with(b -> b.cache(settings).cacheFraction(0).cacheBytes(bytes));
    }

    /** Plans reads by {@code d}'s cost model and makes every read take the time {@code d} gives it. */
    public RuntimeOptions emulating(DeviceProfile d) {
        return withDevice(d).withEmulatedDevice(d);
    }
}
