package dev.ripple.core.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ripple.core.tokenizer.TokenizerFormatException.Problem;
import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * The patterns components match text with, and the Rust library's way of turning matches into
 * pieces ({@code SplitDelimiterBehavior}).
 */
final class Patterns {
    private Patterns() {}

    /** Receives matches as char offsets [start, end), in order. */
    interface MatchSink {
        void match(int start, int end);
    }

    /** A pattern: every match, left to right, without overlaps. */
    interface TextPattern {
        void forEachMatch(String s, MatchSink sink);
    }

    /** Every occurrence of a literal string, left to right; the empty string matches nowhere. */
    record Literal(String literal) implements TextPattern {
        @Override
        public void forEachMatch(String s, MatchSink sink) {
            if (literal.isEmpty()) {
                return;
            }
            int from = 0;
            int at;
            while ((at = s.indexOf(literal, from)) >= 0) {
                sink.match(at, at + literal.length());
                from = at + literal.length();
            }
        }
    }

    /** Each character for which the predicate holds is one match (adjacent ones are separate matches). */
    record CharClass(IntPredicate test) implements TextPattern {
        @Override
        public void forEachMatch(String s, MatchSink sink) {
            for (int i = 0; i < s.length(); ) {
                int cp = s.codePointAt(i);
                int next = i + Character.charCount(cp);
                if (test.test(cp)) {
                    sink.match(i, next);
                }
                i = next;
            }
        }
    }

    /** {@code {"String": "..."}} or {@code {"Regex": "..."}} under {@code node.pattern}, for a Split. */
    static TextPattern parse(JsonSource src, JsonNode node, String path) throws TokenizerFormatException {
        return parse(src, node, path, false);
    }

    /**
     * As {@link #parse(JsonSource, JsonNode, String)}; for a Replace ({@code forReplace}), an empty
     * string is the empty regex, which matches between every two characters, because the Rust
     * library's Replace escapes its string into a regex while Split special-cases the empty string.
     */
    static TextPattern parse(JsonSource src, JsonNode node, String path, boolean forReplace)
            throws TokenizerFormatException {
        String p = JsonSource.child(path, "pattern");
        JsonNode pattern = src.object(node, path, "pattern");
        String literal = src.optString(pattern, p, "String", null);
        String regex = src.optString(pattern, p, "Regex", null);
        if ((literal == null) == (regex == null)) {
            throw src.fail(p, Problem.MALFORMED, "expected exactly one of \"String\" and \"Regex\"");
        }
        if (literal != null) {
            return forReplace && literal.isEmpty() ? OnigRegex.compile("") : new Literal(literal);
        }
        TextPattern scanner = Cl100kSplitter.forPattern(regex);
        if (scanner != null) {
            return scanner;
        }
        try {
            return OnigRegex.compile(regex);
        } catch (IllegalArgumentException e) {
            throw src.fail(JsonSource.child(p, "Regex"), Problem.UNSUPPORTED, e.getMessage());
        }
    }

    static String replaceAll(TextPattern pattern, String s, String content) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        int[] last = {0};
        pattern.forEachMatch(s, (start, end) -> {
            b.append(s, last[0], start).append(content);
            last[0] = end;
        });
        if (last[0] == 0 && b.isEmpty()) {
            return s;
        }
        return b.append(s, last[0], s.length()).toString();
    }

    /** How a split treats the matches; the Rust library's {@code SplitDelimiterBehavior}. */
    enum Behavior {
        REMOVED,
        ISOLATED,
        MERGED_WITH_PREVIOUS,
        MERGED_WITH_NEXT,
        CONTIGUOUS;

        static Behavior parse(JsonSource src, JsonNode node, String path, Behavior def)
                throws TokenizerFormatException {
            String b = src.optString(node, path, "behavior", null);
            if (b == null) {
                return def;
            }
            return switch (b) {
                case "Removed" -> REMOVED;
                case "Isolated" -> ISOLATED;
                case "MergedWithPrevious" -> MERGED_WITH_PREVIOUS;
                case "MergedWithNext" -> MERGED_WITH_NEXT;
                case "Contiguous" -> CONTIGUOUS;
                default ->
                    throw src.unsupported(
                            path,
                            "behavior",
                            "split behavior",
                            b,
                            "Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous");
            };
        }
    }

    /** Receives the non-empty pieces of a split; {@code start} is the piece's offset in the split string. */
    interface PieceSink {
        void piece(String piece, int start);
    }

    /**
     * Splits {@code s} at the matches of {@code pattern} and emits the non-empty pieces the behavior
     * keeps, exactly as {@code NormalizedString::split} of the Rust library: the string is first cut
     * into alternating match and non-match spans covering it (with {@code invert}, the two swap
     * roles), then spans are merged or dropped by the behavior.
     */
    static void split(String s, TextPattern pattern, boolean invert, Behavior behavior, PieceSink out) {
        if (s.isEmpty()) {
            return;
        }
        Spans spans = new Spans();
        int[] prev = {0};
        pattern.forEachMatch(s, (start, end) -> {
            if (prev[0] != start) {
                spans.add(prev[0], start, invert);
            }
            spans.add(start, end, !invert);
            prev[0] = end;
        });
        if (prev[0] != s.length()) {
            spans.add(prev[0], s.length(), invert);
        }
        Spans kept = switch (behavior) {
            case ISOLATED, REMOVED -> spans;
            case CONTIGUOUS -> merge(spans, false, (match, previous) -> match == previous);
            case MERGED_WITH_PREVIOUS -> merge(spans, false, (match, previous) -> match && !previous);
            case MERGED_WITH_NEXT -> merge(spans, true, (match, previous) -> match && !previous);
        };
        for (int k = 0; k < kept.size; k++) {
            int start = kept.start[k];
            int end = kept.end[k];
            if (end > start && !(behavior == Behavior.REMOVED && kept.match[k])) {
                out.piece(s.substring(start, end), start);
            }
        }
    }

    private interface MergeRule {
        boolean merges(boolean match, boolean previousMatch);
    }

    /** The Rust library's folds: a span joins the one before it (or after it, reversed) when the rule holds. */
    private static Spans merge(Spans in, boolean reversed, MergeRule rule) {
        Spans out = new Spans();
        boolean previous = false;
        for (int i = 0; i < in.size; i++) {
            int k = reversed ? in.size - 1 - i : i;
            boolean match = in.match[k];
            if (rule.merges(match, previous) && out.size > 0) {
                if (reversed) {
                    out.start[out.size - 1] = in.start[k];
                } else {
                    out.end[out.size - 1] = in.end[k];
                }
            } else {
                out.add(in.start[k], in.end[k], false);
            }
            previous = match;
        }
        if (reversed) {
            out.reverse();
        }
        return out;
    }

    /** A growable list of spans. */
    private static final class Spans {
        int[] start = new int[8];
        int[] end = new int[8];
        boolean[] match = new boolean[8];
        int size;

        void add(int s, int e, boolean m) {
            if (size == start.length) {
                start = Arrays.copyOf(start, size * 2);
                end = Arrays.copyOf(end, size * 2);
                match = Arrays.copyOf(match, size * 2);
            }
            start[size] = s;
            end[size] = e;
            match[size] = m;
            size++;
        }

        void reverse() {
            for (int i = 0, j = size - 1; i < j; i++, j--) {
                int t = start[i];
                start[i] = start[j];
                start[j] = t;
                t = end[i];
                end[i] = end[j];
                end[j] = t;
                boolean b = match[i];
                match[i] = match[j];
                match[j] = b;
            }
        }
    }
}
