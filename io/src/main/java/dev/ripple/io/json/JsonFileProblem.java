package dev.ripple.io.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Jackson parse or mapping error told in the terms of the file being read: the field that is
 * missing or wrong (by its path, {@code costModel.lines[0].bytesPerMicro}), that the JSON ends early,
 * or the value's own complaint, then the line and column; without Jackson's class names, feature
 * switches and {@code [Source: ...]} notes, which say nothing to someone editing the file. The
 * caller puts the file's name in front ("FILE: not a valid ...: " + {@link #describe}).
 *
 * <pre>{@code
 * catch (JsonProcessingException e) { throw new IOException(file + ": " + JsonFileProblem.describe(e), e); }
 * }</pre>
 */
public final class JsonFileProblem {
    private JsonFileProblem() {}

    /** The problem and where it is: {@code missing field 'name' (line 1, column 8)}. */
    public static String describe(JsonProcessingException e) {
        return problem(e) + where(e.getLocation());
    }

    private static String problem(JsonProcessingException e) {
        if (e instanceof ValueInstantiationException && e.getCause() != null) {
            return e.getCause().getMessage(); // the record's own check ("name must not be blank")
        }
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

    /** Parts of Jackson's messages that name its own switches, classes and sources rather than the file's problem. */
    private static final Pattern JACKSON_INTERNALS = Pattern.compile("\\s*\\(start marker at \\[Source:.*?\\]\\)"
            + "|;?\\s*`[A-Za-z.]+Feature\\.[A-Z_]+` (enabled|disabled)"
            + "|\\s*\\(bound as `[^`]*`\\)"
            + "|:?\\s*not allowed as per `[A-Za-z.]+Feature\\.[A-Z_]+`"
            + "|\\s*\\(class [A-Za-z0-9_.$]+\\)"
            + "|\\s*\\(for `[A-Za-z0-9_.$]+`\\)");

    private static String where(JsonLocation location) {
        if (location == null || location.getLineNr() < 0) {
            return "";
        }
        return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }
}
