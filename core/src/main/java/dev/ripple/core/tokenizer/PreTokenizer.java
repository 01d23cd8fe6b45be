package dev.ripple.core.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ripple.core.tokenizer.Patterns.Behavior;
import dev.ripple.core.tokenizer.TokenizerFormatException.Problem;
import java.util.function.IntPredicate;

/**
 * A tokenizer.json {@code pre_tokenizer}: cuts each normalized piece of the input into the words the
 * model tokenizes one by one. Empty pieces are dropped after every step, as in the Rust library.
 */
interface PreTokenizer {

    /** Receives the pieces; {@code atStart} says that the piece begins at offset 0 of the original input. */
    interface Sink {
        void piece(String piece, boolean atStart);
    }

    void split(String piece, boolean atStart, Sink out);

    /** GPT-2's pattern, which the ByteLevel pre-tokenizer uses when {@code use_regex} is on. */
    String GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    /** When Metaspace prepends its replacement character to a piece. */
    enum PrependScheme {
        ALWAYS,
        FIRST,
        NEVER;

        /** {@code prepend_scheme}, or the legacy {@code add_prefix_space} (false means NEVER); default ALWAYS. */
        static PrependScheme parse(JsonSource src, JsonNode node, String path) throws TokenizerFormatException {
            String s = src.optString(node, path, "prepend_scheme", null);
            PrependScheme scheme = null;
            if (s != null) {
                scheme = switch (s) {
                    case "always" -> ALWAYS;
                    case "first" -> FIRST;
                    case "never" -> NEVER;
                    default ->
                        throw src.fail(
                                JsonSource.child(path, "prepend_scheme"),
                                Problem.UNSUPPORTED,
                                "\"" + s + "\" (supported: always, first, never)");
                };
            }
            JsonNode legacy = JsonSource.opt(node, "add_prefix_space");
            if (legacy != null && !src.optBool(node, path, "add_prefix_space", true)) {
                if (scheme != null && scheme != NEVER) {
                    throw src.fail(
                            JsonSource.child(path, "add_prefix_space"),
                            Problem.INCONSISTENT,
                            "add_prefix_space false does not match prepend_scheme \"" + s + "\"");
                }
                scheme = NEVER;
            }
            return scheme == null ? ALWAYS : scheme;
        }
    }

    static PreTokenizer parse(JsonSource src, JsonNode node, String path, int depth) throws TokenizerFormatException {
        String type = src.componentType(node, path, depth);
        return switch (type) {
            case "Sequence" ->
                new Sequence(src.components(node, path, "pretokenizers", depth, PreTokenizer::parse)
                        .toArray(PreTokenizer[]::new));
            case "ByteLevel" ->
                new ByteLevel(
                        src.optBool(node, path, "add_prefix_space", true), src.optBool(node, path, "use_regex", true));
            case "Split" -> {
                Patterns.TextPattern pattern = Patterns.parse(src, node, path);
                Behavior behavior = Behavior.parse(src, node, path, null);
                if (behavior == null) {
                    throw src.fail(JsonSource.child(path, "behavior"), Problem.MALFORMED, "missing");
                }
                yield new Split(pattern, behavior, src.optBool(node, path, "invert", false));
            }
            case "Metaspace" ->
                new Metaspace(
                        requiredChar(src, node, path, "replacement"),
                        PrependScheme.parse(src, node, path),
                        src.optBool(node, path, "split", true));
            case "Whitespace" -> new Whitespace();
            case "WhitespaceSplit" -> new CharSplit(Chars::isWhitespace, Behavior.REMOVED);
            case "BertPreTokenizer" ->
                new Sequence(new PreTokenizer[] {
                    new CharSplit(Chars::isWhitespace, Behavior.REMOVED),
                    new CharSplit(Chars::isPunctuation, Behavior.ISOLATED)
                });
            case "Punctuation" ->
                new CharSplit(Chars::isPunctuation, Behavior.parse(src, node, path, Behavior.ISOLATED));
            case "Digits" ->
                new CharSplit(
                        Chars::isNumeric,
                        src.optBool(node, path, "individual_digits", false) ? Behavior.ISOLATED : Behavior.CONTIGUOUS);
            case "CharDelimiterSplit" -> {
                int delimiter = requiredChar(src, node, path, "delimiter");
                yield new CharSplit(cp -> cp == delimiter, Behavior.REMOVED);
            }
            default ->
                throw src.unsupported(
                        path,
                        "type",
                        "pre-tokenizer type",
                        type,
                        "Sequence, ByteLevel, Split, Metaspace, Whitespace, WhitespaceSplit, BertPreTokenizer, Punctuation, Digits, CharDelimiterSplit");
        };
    }

    private static int requiredChar(JsonSource src, JsonNode node, String path, String name)
            throws TokenizerFormatException {
        int c = src.optChar(node, path, name, -1);
        if (c < 0) {
            throw src.fail(JsonSource.child(path, name), Problem.MALFORMED, "missing");
        }
        return c;
    }

    record Sequence(PreTokenizer[] parts) implements PreTokenizer {
        @Override
        public void split(String piece, boolean atStart, Sink out) {
            run(0, piece, atStart, out);
        }

        private void run(int k, String piece, boolean atStart, Sink out) {
            if (k == parts.length) {
                out.piece(piece, atStart);
                return;
            }
            parts[k].split(piece, atStart, (p, s) -> run(k + 1, p, s, out));
        }
    }

    /** GPT-2's pre-tokenizer: optionally a leading space, GPT-2's pattern, then every byte as a character. */
    record ByteLevel(boolean addPrefixSpace, boolean useRegex) implements PreTokenizer {
        @Override
        public void split(String piece, boolean atStart, Sink out) {
            String s = addPrefixSpace && !piece.startsWith(" ") ? " " + piece : piece;
            if (useRegex) {
                Gpt2Splitter.split(s, (p, start) -> out.piece(ByteLevelAlphabet.encode(p), atStart && start == 0));
            } else {
                out.piece(ByteLevelAlphabet.encode(s), atStart);
            }
        }
    }

    record Split(Patterns.TextPattern pattern, Behavior behavior, boolean invert) implements PreTokenizer {
        @Override
        public void split(String piece, boolean atStart, Sink out) {
            Patterns.split(piece, pattern, invert, behavior, (p, start) -> out.piece(p, atStart && start == 0));
        }
    }

    /** SentencePiece style: spaces become the replacement character, which starts each word. */
    record Metaspace(int replacement, PrependScheme scheme, boolean splitWords) implements PreTokenizer {
        @Override
        public void split(String piece, boolean atStart, Sink out) {
            String r = Character.toString(replacement);
            String s = piece.replace(" ", r);
            boolean prepend = switch (scheme) {
                case ALWAYS -> !s.startsWith(r);
                case FIRST -> !s.startsWith(r) && atStart;
                case NEVER -> false;
            };
            if (prepend) {
                s = r + s;
            }
            if (splitWords) {
                Patterns.split(
                        s,
                        new Patterns.CharClass(cp -> cp == replacement),
                        false,
                        Behavior.MERGED_WITH_NEXT,
                        (p, start) -> out.piece(p, atStart && start == 0));
            } else if (!s.isEmpty()) {
                out.piece(s, atStart);
            }
        }
    }

    /** Runs of word characters and runs of other non-space characters; spaces dropped ({@code \w+|[^\w\s]+}). */
    record Whitespace() implements PreTokenizer {
        @Override
        public void split(String piece, boolean atStart, Sink out) {
            int n = piece.length();
            int i = 0;
            while (i < n) {
                int cp = piece.codePointAt(i);
                if (Chars.isWhitespace(cp)) {
                    i += Character.charCount(cp);
                    continue;
                }
                boolean word = Chars.isWordChar(cp);
                int j = i + Character.charCount(cp);
                while (j < n) {
                    int c = piece.codePointAt(j);
                    if (word ? !Chars.isWordChar(c) : Chars.isWordChar(c) || Chars.isWhitespace(c)) {
                        break;
                    }
                    j += Character.charCount(c);
                }
                out.piece(piece.substring(i, j), atStart && i == 0);
                i = j;
            }
        }
    }

    /** A split at every character of a class. */
    record CharSplit(IntPredicate test, Behavior behavior) implements PreTokenizer {
        @Override
        public void split(String piece, boolean atStart, Sink out) {
            Patterns.split(
                    piece,
                    new Patterns.CharClass(test),
                    false,
                    behavior,
                    (p, start) -> out.piece(p, atStart && start == 0));
        }
    }
}
