package dev.ripple.placement.synthetic;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON text as Python's {@code json.dumps(obj, indent=2, sort_keys=True)} writes it, which is how
 * transformers saves {@code config.json} and the safetensors index: keys sorted, two-space indent,
 * {@code ", "}-free item separators, non-ASCII escaped, floats in Python's {@code repr} form
 * ({@code 1e-05}, {@code 10000.0}, {@code 0.02}). Values are maps, lists, strings, integers
 * (Integer, Long), doubles, booleans and null.
 */
final class PythonJson {
    private PythonJson() {}

    /** The document with a trailing newline, as transformers' {@code to_json_string} returns it. */
    static String dumps(Object value) {
        StringBuilder b = new StringBuilder();
        write(b, value, 0);
        return b.append('\n').toString();
    }

    private static void write(StringBuilder b, Object v, int indent) {
        switch (v) {
            case null -> b.append("null");
            case Map<?, ?> m -> writeMap(b, m, indent);
            case List<?> l -> writeList(b, l, indent);
            case String s -> string(b, s);
            case Boolean x -> b.append(x ? "true" : "false");
            case Integer x -> b.append(x);
            case Long x -> b.append(x);
            case Double x -> b.append(pythonFloat(x));
            case Float x -> b.append(pythonFloat(x.doubleValue()));
            default -> throw new IllegalArgumentException("not a JSON value: " + v.getClass());
        }
    }

    private static void writeMap(StringBuilder b, Map<?, ?> m, int indent) {
        if (m.isEmpty()) {
            b.append("{}");
            return;
        }
        TreeMap<String, Object> sorted = new TreeMap<>();
        m.forEach((k, v) -> sorted.put((String) k, v));
        b.append("{\n");
        int i = 0;
        for (Map.Entry<String, Object> e : sorted.entrySet()) {
            pad(b, indent + 2);
            string(b, e.getKey());
            b.append(": ");
            write(b, e.getValue(), indent + 2);
            b.append(++i < sorted.size() ? ",\n" : "\n");
        }
        pad(b, indent);
        b.append('}');
    }

    private static void writeList(StringBuilder b, List<?> l, int indent) {
        if (l.isEmpty()) {
            b.append("[]");
            return;
        }
        b.append("[\n");
        for (int i = 0; i < l.size(); i++) {
            pad(b, indent + 2);
            write(b, l.get(i), indent + 2);
            b.append(i + 1 < l.size() ? ",\n" : "\n");
        }
        pad(b, indent);
        b.append(']');
    }

    private static void pad(StringBuilder b, int n) {
        b.repeat(' ', n);
    }

    static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7E) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    /** Python's {@code repr(float)}: shortest round-trip digits, scientific below 1e-4 and from 1e16. */
    static String pythonFloat(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "Infinity" : "-Infinity";
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0.0" : "0.0";
        }
        BigDecimal d = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros();
        String digits = d.unscaledValue().toString();
        int exp = digits.length() - 1 - d.scale(); // v = d.ddd × 10^exp
        StringBuilder b = new StringBuilder(v < 0 ? "-" : "");
        if (exp >= -4 && exp < 16) {
            if (exp >= digits.length() - 1) {
                b.append(digits).repeat('0', exp - digits.length() + 1).append(".0");
            } else if (exp >= 0) {
                b.append(digits, 0, exp + 1).append('.').append(digits, exp + 1, digits.length());
            } else {
                b.append("0.").repeat('0', -exp - 1).append(digits);
            }
        } else {
            b.append(digits.charAt(0));
            if (digits.length() > 1) {
                b.append('.').append(digits, 1, digits.length());
            }
            b.append('e').append(exp < 0 ? '-' : '+');
            String e = Integer.toString(Math.abs(exp));
            b.append(e.length() < 2 ? "0" + e : e);
        }
        return b.toString();
    }
}
