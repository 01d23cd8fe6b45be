package dev.ripple.io.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

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
                // Jackson's path ends at the missing field, or stops at its object
                return "missing field '" + within(fieldPath(m), missing.group(1)) + "'";
            }
        }
        if (e instanceof JsonEOFException) {
            return "the JSON ends before it is complete (a truncated file?)";
        }
        if (e instanceof MismatchedInputException m) {
            if (message.startsWith("No content to map due to end-of-input")) {
                return "the file is empty";
            }
            Matcher nullValue = NULL_PROPERTY.matcher(message);
            if (nullValue.find()) {
                return "field '" + within(fieldPath(m), nullValue.group(1)) + "' must not be null";
            }
            Matcher wrongKind = WRONG_KIND.matcher(message);
            if (wrongKind.find()) {
                String path = fieldPath(m);
                String subject = path.isEmpty() ? "the document" : "field '" + path + "'";
                Class<?> target = m.getTargetType();
                if (target != null && target.isEnum()) { // a string, but not a name Jackson accepts
                    return subject + " must be one of " + names(target) + ", not " + given(m, wrongKind.group(2));
                }
                return subject + " must be " + expected(wrongKind.group(1)) + ", not " + found(wrongKind.group(2));
            }
        }
        Matcher nonStandard = NON_STANDARD_NUMBER.matcher(message);
        if (nonStandard.find()) {
            return nonStandard.group(1) + " is not a number JSON allows (give a finite number)";
        }
        return JACKSON_INTERNALS.matcher(message).replaceAll("");
    }

    /** {@code field} under {@code path}, where Jackson's path may or may not already end at it. */
    private static String within(String path, String field) {
        return path.endsWith(field) ? path : path.isEmpty() ? field : path + "." + field;
    }

    /**
     * The values an enum field takes, as Jackson reads them (by name): "must be an object, not a
     * string" told someone who wrote {@code "dtype": "f99"} the wrong fix.
     */
    private static String names(Class<?> enumType) {
        return Arrays.stream(enumType.getEnumConstants())
                .map(c -> ((Enum<?>) c).name())
                .collect(Collectors.joining(", "));
    }

    /** The value the file gave, {@code "f99"} or {@code 7}, when Jackson kept it; else its kind. */
    private static String given(MismatchedInputException e, String jacksonKind) {
        if (e instanceof InvalidFormatException f && f.getValue() != null) {
            return f.getValue() instanceof String s ? '"' + s + '"' : String.valueOf(f.getValue());
        }
        return found(jacksonKind);
    }

    /** What a Java type reads from JSON, in JSON's words: {@code double} is a number, a list an array. */
    private static String expected(String javaType) {
        return switch (javaType) {
            case "double", "float", "int", "long", "short", "java.lang.Double", "java.lang.Integer", "java.lang.Long" ->
                "a number";
            case "boolean", "java.lang.Boolean" -> "true or false";
            case "java.lang.String" -> "a string";
            default -> javaType.startsWith("java.util.") || javaType.endsWith("[]") ? "an array" : "an object";
        };
    }

    /** The kind of JSON value Jackson found ({@code Array}, {@code String}, {@code Integer}, ...), in JSON's words. */
    private static String found(String jacksonKind) {
        return switch (jacksonKind) {
            case "Array" -> "an array";
            case "Object" -> "an object";
            case "String" -> "a string";
            case "Boolean" -> "true or false";
            case "Integer", "Floating-point", "Double" -> "a number";
            default -> jacksonKind.toLowerCase(Locale.ROOT);
        };
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
    private static final Pattern NULL_PROPERTY = Pattern.compile("Null value for creator property '([^']+)'");
    private static final Pattern WRONG_KIND =
            Pattern.compile("Cannot deserialize value of type `([^`<]+)(?:<[^`]*>)?` from ([A-Za-z-]+)");
    private static final Pattern NON_STANDARD_NUMBER = Pattern.compile("Non-standard token '([^']+)'");

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
