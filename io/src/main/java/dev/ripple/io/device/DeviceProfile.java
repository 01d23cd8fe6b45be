package dev.ripple.io.device;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a storage device costs to read from: headline figures, the measured table, and the fitted
 * {@link CostModel} the {@link dev.ripple.io.ReadPlanner} uses to decide when reading through a gap
 * is cheaper than issuing another read.
 *
 * <p>Produced by {@link DeviceCalibrator} on the machine, or by {@link UfsPresets} from public
 * figures for projections to phones. Stored as JSON ({@link #write}, {@link #read}); a file that
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
 * @param measuredAt       ISO-8601 instant of the calibration, or empty for presets
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
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new DeviceProfileException(origin, cause.getMessage() + where(e.getLocation()), e);
        } catch (JsonProcessingException e) {
            throw new DeviceProfileException(origin, problem(e) + where(e.getLocation()), e);
        }
    }

    /** Jackson's complaint in the file's terms: the field missing (and where it belongs), without its feature names. */
    private static String problem(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (e instanceof MismatchedInputException m) {
            Matcher missing = MISSING_PROPERTY.matcher(message);
            if (missing.find()) {
                String path = fieldPath(m); // Jackson's path ends at the missing field, or stops at its object
                return "missing field '"
                        + (path.endsWith(missing.group(1))
                                ? path
                                : path.isEmpty() ? missing.group(1) : path + "." + missing.group(1))
                        + "'";
            }
        }
        if (e instanceof JsonEOFException) {
            return "the JSON ends before it is complete (a truncated file?)";
        }
        return JACKSON_INTERNALS.matcher(message).replaceAll("");
    }

    /** The field path of a mapping error, {@code costModel.lines[0].iops}, without a trailing dot. */
    private static String fieldPath(MismatchedInputException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                path.append(r.getFieldName()).append('.');
            } else if (r.getIndex() >= 0) {
                path.setLength(Math.max(0, path.length() - 1));
                path.append('[').append(r.getIndex()).append("].");
            }
        }
        return path.isEmpty() ? "" : path.substring(0, path.length() - 1);
    }

    private static final Pattern MISSING_PROPERTY = Pattern.compile("Missing creator property '([^']+)'");

    /** Parts of Jackson's messages that name its own switches and sources rather than the file's problem. */
    private static final Pattern JACKSON_INTERNALS = Pattern.compile("\\s*\\(start marker at \\[Source:.*?\\]\\)"
            + "|;?\\s*`[A-Za-z.]+Feature\\.[A-Z_]+` (enabled|disabled)"
            + "|\\s*\\(bound as `[^`]*`\\)"
            + "|:?\\s*not allowed as per `[A-Za-z.]+Feature\\.[A-Z_]+`");

    /**
     * Writes this profile as JSON to {@code file}, atomically (temporary file, then rename), so a
     * crash never leaves half a profile behind.
     */
    public void write(Path file) throws IOException {
        Path absolute = file.toAbsolutePath();
        Path dir = absolute.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = Files.createTempFile(dir, absolute.getFileName().toString(), ".tmp-profile");
        try {
            Files.writeString(tmp, toJson());
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Reads a profile written by {@link #write}.
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
            throw new DeviceProfileException(file, "cannot be read (" + e + ")", e);
        }
        return fromJson(text, file);
    }

    private static String where(JsonLocation location) {
        if (location == null || location.getLineNr() < 0) {
            return "";
        }
        return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }
}
