package dev.ripple.core.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A tokenizer.json {@code normalizer}: a function from text to text, applied to each piece of the
 * input between added tokens (as the Rust library does, so a {@code Prepend} adds its prefix to every
 * such piece). Offsets are not tracked: the runtime needs ids, not alignments.
 */
interface Normalizer {

    String normalize(String s);

    /** Reads {@code node} (the value at {@code path}); depth counts nested sequences. */
    static Normalizer parse(JsonSource src, JsonNode node, String path, int depth) throws TokenizerFormatException {
        String type = src.componentType(node, path, depth);
        return switch (type) {
            case "Sequence" ->
                new Sequence(src.components(node, path, "normalizers", depth, Normalizer::parse)
                        .toArray(Normalizer[]::new));
            case "NFC" -> new Unicode(java.text.Normalizer.Form.NFC);
            case "NFD" -> new Unicode(java.text.Normalizer.Form.NFD);
            case "NFKC" -> new Unicode(java.text.Normalizer.Form.NFKC);
            case "NFKD" -> new Unicode(java.text.Normalizer.Form.NFKD);
            case "Lowercase" -> new Lowercase();
            case "Strip" ->
                new Strip(src.optBool(node, path, "strip_left", true), src.optBool(node, path, "strip_right", true));
            case "StripAccents" -> new StripAccents();
            case "Prepend" -> new Prepend(src.string(node, path, "prepend"));
            case "Replace" -> new Replace(Patterns.parse(src, node, path, true), src.string(node, path, "content"));
            case "ByteLevel" -> new ByteLevelNormalizer();
            case "BertNormalizer" -> {
                boolean lowercase = src.optBool(node, path, "lowercase", true);
                JsonNode strip = JsonSource.opt(node, "strip_accents");
                boolean stripAccents = strip == null ? lowercase : src.optBool(node, path, "strip_accents", lowercase);
                yield new Bert(
                        src.optBool(node, path, "clean_text", true),
                        src.optBool(node, path, "handle_chinese_chars", true),
                        stripAccents,
                        lowercase);
            }
            default ->
                throw src.unsupported(
                        path,
                        "type",
                        "normalizer type",
                        type,
                        "Sequence, NFC, NFD, NFKC, NFKD, Lowercase, Strip, StripAccents, Prepend, Replace, ByteLevel, BertNormalizer");
        };
    }

    record Sequence(Normalizer[] parts) implements Normalizer {
        @Override
        public String normalize(String s) {
            for (Normalizer n : parts) {
                s = n.normalize(s);
            }
            return s;
        }
    }

    record Unicode(java.text.Normalizer.Form form) implements Normalizer {
        @Override
        public String normalize(String s) {
            return UnicodeCompat.normalize(s, form);
        }
    }

    /** Each character's full lowercase mapping, without context (so Σ always becomes σ). */
    record Lowercase() implements Normalizer {
        @Override
        public String normalize(String s) {
            int n = s.length();
            int i = 0;
            while (i < n) { // fast path: nothing to change
                char c = s.charAt(i);
                if (c >= 'A' && c <= 'Z' || c >= 128) {
                    break;
                }
                i++;
            }
            if (i == n) {
                return s;
            }
            StringBuilder b = new StringBuilder(n + 4).append(s, 0, i);
            while (i < n) {
                int cp = s.codePointAt(i);
                Chars.appendLowercase(b, cp);
                i += Character.charCount(cp);
            }
            return b.toString();
        }
    }

    record Strip(boolean left, boolean right) implements Normalizer {
        @Override
        public String normalize(String s) {
            int start = 0;
            int end = s.length();
            if (left) {
                while (start < end) {
                    int cp = s.codePointAt(start);
                    if (!Chars.isWhitespace(cp)) {
                        break;
                    }
                    start += Character.charCount(cp);
                }
            }
            if (right) {
                while (end > start) {
                    int cp = s.codePointBefore(end);
                    if (!Chars.isWhitespace(cp)) {
                        break;
                    }
                    end -= Character.charCount(cp);
                }
            }
            return s.substring(start, end);
        }
    }

    /** Removes combining marks (Mn, Mc, Me); usually after NFD or NFKD. */
    record StripAccents() implements Normalizer {
        @Override
        public String normalize(String s) {
            StringBuilder b = new StringBuilder(s.length());
            s.codePoints().filter(cp -> !Chars.isMark(cp)).forEach(b::appendCodePoint);
            return b.toString();
        }
    }

    record Prepend(String prefix) implements Normalizer {
        @Override
        public String normalize(String s) {
            return s.isEmpty() ? s : prefix.concat(s);
        }
    }

    /** Every match of the pattern (a string, or an Oniguruma regex) replaced by {@code content}. */
    record Replace(Patterns.TextPattern pattern, String content) implements Normalizer {
        @Override
        public String normalize(String s) {
            return Patterns.replaceAll(pattern, s, content);
        }
    }

    /** Maps each UTF-8 byte to its byte-level character, as the ByteLevel pre-tokenizer does. */
    record ByteLevelNormalizer() implements Normalizer {
        @Override
        public String normalize(String s) {
            return ByteLevelAlphabet.encode(s);
        }
    }

    /** BERT's normalizer: control characters out, whitespace to ' ', spaces around CJK ideographs, accents, case. */
    record Bert(boolean cleanText, boolean chineseChars, boolean stripAccents, boolean lowercase)
            implements Normalizer {
        @Override
        public String normalize(String s) {
            StringBuilder b = new StringBuilder(s.length() + 8);
            int n = s.length();
            for (int i = 0; i < n; ) {
                int cp = s.codePointAt(i);
                i += Character.charCount(cp);
                if (cleanText) {
                    if (cp == 0 || cp == 0xFFFD || cp != '\t' && cp != '\n' && cp != '\r' && Chars.isOther(cp)) {
                        continue;
                    }
                    if (cp == '\t' || cp == '\n' || cp == '\r' || Chars.isWhitespace(cp)) {
                        cp = ' ';
                    }
                }
                if (chineseChars && Chars.isChineseChar(cp)) {
                    b.append(' ').appendCodePoint(cp).append(' ');
                } else {
                    b.appendCodePoint(cp);
                }
            }
            String out = b.toString();
            if (stripAccents) {
                String nfd = UnicodeCompat.normalize(out, java.text.Normalizer.Form.NFD);
                StringBuilder c = new StringBuilder(nfd.length());
                nfd.codePoints()
                        .filter(cp -> !UnicodeCompat.isNonspacingMark(cp))
                        .forEach(c::appendCodePoint);
                out = c.toString();
            }
            return lowercase ? new Lowercase().normalize(out) : out;
        }
    }
}
