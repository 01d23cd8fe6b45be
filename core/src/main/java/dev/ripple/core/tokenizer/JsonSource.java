package dev.ripple.core.tokenizer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.core.tokenizer.TokenizerFormatException.Problem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed access to one JSON document with errors that name the source and the JSON path. Jackson
 * parses with a nesting limit, so a deeply nested document fails as {@link Problem#TOO_LARGE}
 * instead of exhausting the stack.
 */
final class JsonSource {
    /** JSON nesting accepted by the parser; real tokenizer files nest about 6 deep. */
    static final int MAX_JSON_DEPTH = 200;
    /** Nesting of Sequence components (normalizers, pre-tokenizers, processors, decoders). */
    static final int MAX_COMPONENT_DEPTH = 32;

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_JSON_DEPTH)
                    .build())
            .build());

    final String source;

    JsonSource(String source) {
        this.source = source;
    }

    JsonNode parse(byte[] bytes) throws TokenizerFormatException {
        JsonNode root = readTree(bytes);
        if (root == null || root.isMissingNode()) { // outside readTree's catch, which would wrap it in "cannot read"
            throw fail("(document)", Problem.MALFORMED, "empty document");
        }
        return root;
    }

    private JsonNode readTree(byte[] bytes) throws TokenizerFormatException {
        try {
            return MAPPER.readTree(bytes);
        } catch (StreamConstraintsException e) {
            throw new TokenizerFormatException(
                    source, "(document)", Problem.TOO_LARGE, firstLine(e.getOriginalMessage()), e);
        } catch (JsonProcessingException e) {
            throw new TokenizerFormatException(
                    source,
                    "(document)",
                    Problem.MALFORMED,
                    "not JSON: " + firstLine(e.getOriginalMessage()) + locationOf(e),
                    e);
        } catch (IOException e) {
            throw new TokenizerFormatException(
                    source, "(document)", Problem.MALFORMED, "cannot read: " + e.getMessage(), e);
        }
    }

    private static String locationOf(JsonProcessingException e) {
        var loc = e.getLocation();
        return loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    TokenizerFormatException fail(String path, Problem problem, String detail) {
        return new TokenizerFormatException(source, path, problem, detail);
    }

    /**
     * The failure for a field whose value names something this library does not implement, listing
     * what it does: {@code <what> "<value>" (supported: <supported>)} at {@code path.field}.
     */
    TokenizerFormatException unsupported(String path, String field, String what, String value, String supported) {
        return fail(
                child(path, field), Problem.UNSUPPORTED, what + " \"" + value + "\" (supported: " + supported + ")");
    }

    /** Reads one component (a normalizer, pre-tokenizer, processor or decoder) at a nesting depth. */
    @FunctionalInterface
    interface ComponentReader<T> {
        T read(JsonSource src, JsonNode node, String path, int depth) throws TokenizerFormatException;
    }

    /**
     * The {@code type} of a component object, after the checks every component kind makes: an
     * object, and Sequences nested no deeper than {@link #MAX_COMPONENT_DEPTH}.
     */
    String componentType(JsonNode node, String path, int depth) throws TokenizerFormatException {
        if (!node.isObject()) {
            throw fail(path, Problem.MALFORMED, "expected an object, found " + node.getNodeType());
        }
        if (depth > MAX_COMPONENT_DEPTH) {
            throw fail(path, Problem.TOO_LARGE, "sequences nested deeper than " + MAX_COMPONENT_DEPTH);
        }
        return string(node, path, "type");
    }

    /** The members of a Sequence component: the array {@code key}, each read one level deeper. */
    <T> List<T> components(JsonNode node, String path, String key, int depth, ComponentReader<T> reader)
            throws TokenizerFormatException {
        JsonNode list = array(node, path, key);
        List<T> parts = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            parts.add(reader.read(this, list.get(i), index(child(path, key), i), depth + 1));
        }
        return parts;
    }

    static String child(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    static String index(String path, int i) {
        return path + "[" + i + "]";
    }

    /** The field, or null when it is absent or JSON null. */
    static JsonNode opt(JsonNode obj, String name) {
        JsonNode n = obj.get(name);
        return n == null || n.isNull() ? null : n;
    }

    JsonNode object(JsonNode obj, String path, String name) throws TokenizerFormatException {
        JsonNode n = opt(obj, name);
        if (n == null) {
            throw fail(child(path, name), Problem.MALFORMED, "missing");
        }
        if (!n.isObject()) {
            throw fail(child(path, name), Problem.MALFORMED, "expected an object, found " + n.getNodeType());
        }
        return n;
    }

    JsonNode array(JsonNode obj, String path, String name) throws TokenizerFormatException {
        JsonNode n = opt(obj, name);
        if (n == null) {
            throw fail(child(path, name), Problem.MALFORMED, "missing");
        }
        if (!n.isArray()) {
            throw fail(child(path, name), Problem.MALFORMED, "expected an array, found " + n.getNodeType());
        }
        return n;
    }

    String string(JsonNode obj, String path, String name) throws TokenizerFormatException {
        String s = optString(obj, path, name, null);
        if (s == null) {
            throw fail(child(path, name), Problem.MALFORMED, "missing");
        }
        return s;
    }

    String optString(JsonNode obj, String path, String name, String def) throws TokenizerFormatException {
        JsonNode n = opt(obj, name);
        if (n == null) {
            return def;
        }
        if (!n.isTextual()) {
            throw fail(child(path, name), Problem.MALFORMED, "expected a string, found " + n.getNodeType());
        }
        return n.textValue();
    }

    boolean optBool(JsonNode obj, String path, String name, boolean def) throws TokenizerFormatException {
        JsonNode n = opt(obj, name);
        if (n == null) {
            return def;
        }
        if (!n.isBoolean()) {
            throw fail(child(path, name), Problem.MALFORMED, "expected true or false, found " + n.getNodeType());
        }
        return n.booleanValue();
    }

    /** A non-negative integer that fits an int. */
    int optCount(JsonNode obj, String path, String name, int def) throws TokenizerFormatException {
        JsonNode n = opt(obj, name);
        return n == null ? def : count(n, child(path, name));
    }

    int count(JsonNode n, String path) throws TokenizerFormatException {
        if (!n.isIntegralNumber()) {
            throw fail(path, Problem.MALFORMED, "expected a non-negative integer, found " + describe(n));
        }
        if (n.canConvertToInt() && n.intValue() < 0
                || n.isBigInteger() && n.bigIntegerValue().signum() < 0
                || n.isLong() && n.longValue() < 0) {
            throw fail(path, Problem.MALFORMED, "expected a non-negative integer, found " + n.asText());
        }
        if (!n.canConvertToInt()) {
            throw fail(
                    path,
                    Problem.TOO_LARGE,
                    "expected an integer up to " + Integer.MAX_VALUE + ", found " + n.asText());
        }
        return n.intValue();
    }

    /** A token id: a non-negative integer below {@link Vocabulary#MAX_ID}. */
    int id(JsonNode n, String path) throws TokenizerFormatException {
        int id = count(n, path);
        if (id > Vocabulary.MAX_ID) {
            throw fail(
                    path, Problem.TOO_LARGE, "token id " + id + " is above the supported maximum " + Vocabulary.MAX_ID);
        }
        return id;
    }

    /** A field holding exactly one Unicode character (a Rust {@code char}); returns its code point. */
    int optChar(JsonNode obj, String path, String name, int def) throws TokenizerFormatException {
        String s = optString(obj, path, name, null);
        if (s == null) {
            return def;
        }
        if (s.isEmpty()
                || s.codePointCount(0, s.length()) != 1
                || Character.isSurrogate(s.charAt(0)) && s.length() == 1) {
            throw fail(child(path, name), Problem.MALFORMED, "expected exactly one character, found \"" + s + "\"");
        }
        return s.codePointAt(0);
    }

    static String describe(JsonNode n) {
        String text = n.isValueNode() ? n.asText() : n.getNodeType().toString();
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }
}
