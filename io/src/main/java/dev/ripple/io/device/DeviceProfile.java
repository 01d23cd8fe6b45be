package dev.ripple.io.device;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.ripple.io.IoErrorReason;
import dev.ripple.io.json.JsonFileProblem;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * What a storage device costs to read from: headline figures, the measured table, and the fitted
 * {@link CostModel} the {@link dev.ripple.io.ReadPlanner} uses to decide when reading through a gap
 * is cheaper than issuing another read.
 *
 * <p>Produced by {@link DeviceCalibrator} on the machine, or by {@link UfsPresets} from public
 * figures for projections to phones. Stored as JSON ({@link #toJson}, {@link #read}); a file that
 * cannot be read throws {@link DeviceProfileException} naming the file and the problem.
 *
 * <pre>{@code
 * DeviceProfile profile = DeviceProfile.read(Path.of("device.json"));
 * double micros = profile.costMicros(16 * 1024, 4);
 * ReadPlan plan = ReadPlanner.costModel(profile, 4).plan(neededExtents);
 * }</pre>
 *
 * @param formatVersion    JSON layout version, {@value #FORMAT_VERSION}
 * @param name             short name ("this-machine", "ufs-4.0")
 * @param source           where the figures come from: the calibrated directory, file system and
 *                         reader, or the preset's citation
 * @param measuredAt       ISO-8601 instant of the calibration (or a date), or empty for presets
 * @param sequentialMiBps  sequential read bandwidth, MiB/s
 * @param random4kQd1Iops  4 KiB random reads per second at queue depth 1
 * @param measurements     the measured table (empty for presets)
 * @param costModel        per-operation cost by size and queue depth
 */
public record DeviceProfile(
        int formatVersion,
        String name,
        String source,
        String measuredAt,
        double sequentialMiBps,
        double random4kQd1Iops,
        List<Measurement> measurements,
        CostModel costModel) {

    /** The JSON layout version this code reads and writes. */
    public static final int FORMAT_VERSION = 1;

    /**
     * The name {@code ripple calibrate --dir D} saves its profile under in {@code D}, and {@link
     * #savedIn} looks for: a profile kept beside the model files of the storage it measured is found
     * without a flag.
     */
    public static final String FILE_NAME = "device-profile.json";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    public DeviceProfile {
        if (formatVersion != FORMAT_VERSION) {
            throw new IllegalArgumentException(
                    "formatVersion " + formatVersion + " is not supported (this build reads " + FORMAT_VERSION + ")");
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        if (source == null || measuredAt == null) {
            throw new IllegalArgumentException("source and measuredAt must be present (measuredAt may be empty)");
        }
        if (!measuredAt.isEmpty() && !isIsoInstantOrDate(measuredAt)) {
            throw new IllegalArgumentException("measuredAt must be an ISO-8601 instant (2026-01-31T12:00:00Z) or"
                    + " date (2026-01-31), or empty for a preset, got '" + measuredAt + "'");
        }
        if (!(sequentialMiBps > 0) || Double.isInfinite(sequentialMiBps)) {
            throw new IllegalArgumentException(
                    "sequentialMiBps must be a positive finite number, got " + sequentialMiBps);
        }
        if (!(random4kQd1Iops > 0) || Double.isInfinite(random4kQd1Iops)) {
            throw new IllegalArgumentException(
                    "random4kQd1Iops must be a positive finite number, got " + random4kQd1Iops);
        }
        if (measurements == null || costModel == null) {
            throw new IllegalArgumentException("measurements and costModel must be present");
        }
        measurements = List.copyOf(measurements);
    }

    /** Whether {@code text} is an ISO-8601 instant ({@code 2026-01-31T12:00:00Z}, what calibrate writes) or date. */
    private static boolean isIsoInstantOrDate(String text) {
        try {
            Instant.parse(text);
            return true;
        } catch (DateTimeParseException notAnInstant) {
            try {
                LocalDate.parse(text);
                return true;
            } catch (DateTimeParseException notADate) {
                return false;
            }
        }
    }

    /** Cost of one read of {@code bytes} at {@code queueDepth}, µs, from the cost model. */
    public double costMicros(long bytes, int queueDepth) {
        return costModel.costMicros(bytes, queueDepth);
    }

    /** Gap below which the planner reads through rather than skips, at {@code queueDepth}, bytes. */
    public double breakEvenGapBytes(int queueDepth) {
        return costModel.lineAt(queueDepth).breakEvenGapBytes();
    }

    /** This profile as JSON text. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("device profile " + name + " could not be serialised", e);
        }
    }

    /** Parses JSON text; {@code origin} names the text's source in error messages. */
    public static DeviceProfile fromJson(String json, Path origin) throws DeviceProfileException {
        try {
            return JSON.readValue(json, DeviceProfile.class);
        } catch (JsonProcessingException e) {
            throw new DeviceProfileException(origin, JsonFileProblem.describe(e), e);
        }
    }

    /**
     * The profile saved in {@code dir} under {@link #FILE_NAME}, if there is one: {@code ripple
     * generate} plans a model's reads by the one beside the {@code .ripple} file it reads. A file there that is not a
     * valid profile is an error, not an absent profile, so that a broken calibration is not silently
     * replaced by exact runs.
     *
     * <pre>{@code
     * Optional<DeviceProfile> saved = DeviceProfile.savedIn(rippleFile.toAbsolutePath().getParent());
     * RuntimeOptions options = saved.map(RuntimeOptions.defaults()::withDevice).orElse(RuntimeOptions.defaults());
     * }</pre>
     *
     * @throws DeviceProfileException the file exists and is not a valid profile
     */
    public static Optional<DeviceProfile> savedIn(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        return Files.exists(file) ? Optional.of(read(file)) : Optional.empty();
    }

    /**
     * Reads a profile saved from {@link #toJson} (by {@code ripple calibrate}, which writes it with
     * {@code dev.ripple.core.format.AtomicFile}: this module is below the one that holds it).
     *
     * @throws DeviceProfileException naming the file and what is wrong with it (missing, not JSON,
     *         unknown or missing field, unsupported version, invalid value)
     */
    public static DeviceProfile read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new DeviceProfileException(file, "file does not exist (create one with `ripple calibrate`)", e);
        } catch (MalformedInputException e) {
            throw new DeviceProfileException(file, "not UTF-8 text", e);
        } catch (IOException e) {
            throw new DeviceProfileException(file, "cannot be read (" + IoErrorReason.of(e) + ")", e);
        }
        return fromJson(text, file);
    }
}
