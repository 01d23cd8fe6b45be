package dev.ripple.core.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A tokenizer.json {@code decoder}: turns the tokens of a sequence into pieces of text that are
 * joined at the end ({@code decode_chain} of the Rust library). Each decoder receives the previous
 * one's pieces.
 */
interface Decoder {

    List<String> decodeChain(List<String> tokens);

    /** Whether this decoder (or one it contains) is of the given kind. */
    default boolean uses(Class<? extends Decoder> kind) {
        return kind.isInstance(this);
    }

    /** A decoder that turns each token into one piece on its own, knowing only where it stands. */
    interface PerToken extends Decoder {
        /** The piece for {@code token}, the {@code index}-th of {@code count}. */
        String decodeToken(String token, int index, int count);

        @Override
        default List<String> decodeChain(List<String> tokens) {
            List<String> out = new ArrayList<>(tokens.size());
            for (int i = 0; i < tokens.size(); i++) {
                out.add(decodeToken(tokens.get(i), i, tokens.size()));
            }
            return out;
        }
    }

    static Decoder parse(JsonSource src, JsonNode node, String path, int depth) throws TokenizerFormatException {
        String type = src.componentType(node, path, depth);
        return switch (type) {
            case "Sequence" ->
                new Sequence(src.components(node, path, "decoders", depth, Decoder::parse)
                        .toArray(Decoder[]::new));
            case "ByteLevel" -> new ByteLevel();
            case "ByteFallback" -> new ByteFallback();
            case "Fuse" -> new Fuse();
            case "Strip" ->
                new Strip(
                        src.optChar(node, path, "content", ' '),
                        src.optCount(node, path, "start", 0),
                        src.optCount(node, path, "stop", 0));
            case "Replace" -> new Replace(Patterns.parse(src, node, path, true), src.string(node, path, "content"));
            case "Metaspace" ->
                new Metaspace(
                        src.optChar(node, path, "replacement", '\u2581'),
                        PreTokenizer.PrependScheme.parse(src, node, path) != PreTokenizer.PrependScheme.NEVER);
            case "WordPiece" ->
                new WordPiece(src.optString(node, path, "prefix", "##"), src.optBool(node, path, "cleanup", true));
            case "BPEDecoder" -> new BpeSuffix(src.optString(node, path, "suffix", "</w>"));
            default ->
                throw src.unsupported(
                        path,
                        "type",
                        "decoder type",
                        type,
                        "Sequence, ByteLevel, ByteFallback, Fuse, Strip, Replace, Metaspace, WordPiece, BPEDecoder");
        };
    }

    record Sequence(Decoder[] parts) implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            for (Decoder d : parts) {
                tokens = d.decodeChain(tokens);
            }
            return tokens;
        }

        @Override
        public boolean uses(Class<? extends Decoder> kind) {
            for (Decoder d : parts) {
                if (d.uses(kind)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** All tokens' bytes concatenated and decoded as UTF-8, invalid sequences as U+FFFD. */
    record ByteLevel() implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            ByteLevelAlphabet.ByteSink bytes = new ByteLevelAlphabet.ByteSink();
            for (String t : tokens) {
                ByteLevelAlphabet.appendBytes(t, bytes);
            }
            return List.of(Utf8.decodeLossy(bytes.bytes, 0, bytes.size));
        }
    }

    /**
     * Runs of {@code <0xXX>} tokens become the text of their bytes when those are valid UTF-8 as a
     * whole, else one U+FFFD per byte.
     */
    record ByteFallback() implements Decoder {
        /** The byte a token such as {@code <0x0A>} stands for, or -1. */
        static int byteOf(String token) {
            if (token.length() != 6 || !token.startsWith("<0x") || token.charAt(5) != '>') {
                return -1;
            }
            return parseHexByte(token.charAt(3), token.charAt(4));
        }

        /** Rust's {@code u8::from_str_radix(s, 16)} of two characters (which accepts a leading '+'). */
        private static int parseHexByte(char a, char b) {
            int lo = Character.digit(b, 16);
            if (lo < 0 || b > 127) {
                return -1;
            }
            if (a == '+') {
                return lo;
            }
            int hi = Character.digit(a, 16);
            return hi < 0 || a > 127 ? -1 : hi * 16 + lo;
        }

        @Override
        public List<String> decodeChain(List<String> tokens) {
            List<String> out = new ArrayList<>(tokens.size());
            byte[] run = new byte[16];
            int n = 0;
            for (String t : tokens) {
                int b = byteOf(t);
                if (b >= 0) {
                    if (n == run.length) {
                        run = Arrays.copyOf(run, n * 2);
                    }
                    run[n++] = (byte) b;
                    continue;
                }
                flush(run, n, out);
                n = 0;
                out.add(t);
            }
            flush(run, n, out);
            return out;
        }

        private static void flush(byte[] run, int n, List<String> out) {
            if (n == 0) {
                return;
            }
            if (strictlyValid(run, n)) {
                out.add(Utf8.decodeLossy(run, 0, n));
            } else {
                for (int i = 0; i < n; i++) {
                    out.add("\uFFFD");
                }
            }
        }

        private static boolean strictlyValid(byte[] run, int n) {
            var decoder = StandardCharsets.UTF_8.newDecoder();
            try {
                decoder.decode(ByteBuffer.wrap(run, 0, n));
                return true;
            } catch (CharacterCodingException e) {
                return false;
            }
        }
    }

    record Fuse() implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            return List.of(String.join("", tokens));
        }
    }

    /** Removes up to {@code start} leading and {@code stop} trailing {@code content} characters of each token. */
    record Strip(int content, int start, int stop) implements PerToken {
        @Override
        public String decodeToken(String t, int index, int count) {
            int[] cps = t.codePoints().toArray();
            int from = 0;
            for (int i = 0; i < Math.min(start, cps.length) && cps[i] == content; i++) {
                from = i + 1;
            }
            int to = cps.length;
            for (int i = 0; i < stop && cps.length - i - 1 >= 0; i++) {
                int at = cps.length - i - 1;
                if (cps[at] != content) {
                    break;
                }
                to = at;
            }
            return from >= to ? "" : new String(cps, from, to - from);
        }
    }

    record Replace(Patterns.TextPattern pattern, String content) implements PerToken {
        @Override
        public String decodeToken(String t, int index, int count) {
            return Patterns.replaceAll(pattern, t, content);
        }
    }

    /** The replacement character back to spaces; in the first token it is dropped unless nothing is prepended. */
    record Metaspace(int replacement, boolean dropInFirst) implements PerToken {
        @Override
        public String decodeToken(String t, int index, int count) {
            StringBuilder b = new StringBuilder(t.length());
            boolean drop = index == 0 && dropInFirst;
            t.codePoints().forEach(cp -> {
                if (cp != replacement) {
                    b.appendCodePoint(cp);
                } else if (!drop) {
                    b.append(' ');
                }
            });
            return b.toString();
        }
    }

    /** Joins word pieces: a piece with the prefix continues the word, others start a new one after a space. */
    record WordPiece(String prefix, boolean cleanup) implements PerToken {
        @Override
        public String decodeToken(String t, int index, int count) {
            if (index != 0) {
                t = t.startsWith(prefix) ? t.substring(prefix.length()) : " " + t;
            }
            return cleanup ? cleanup(t) : t;
        }

        static String cleanup(String s) {
            return s.replace(" .", ".")
                    .replace(" ?", "?")
                    .replace(" !", "!")
                    .replace(" ,", ",")
                    .replace(" ' ", "'")
                    .replace(" n't", "n't")
                    .replace(" 'm", "'m")
                    .replace(" do not", " don't")
                    .replace(" 's", "'s")
                    .replace(" 've", "'ve")
                    .replace(" 're", "'re");
        }
    }

    /** Classic BPE end-of-word suffix: a space, except after the last token. */
    record BpeSuffix(String suffix) implements PerToken {
        @Override
        public String decodeToken(String t, int index, int count) {
            return t.replace(suffix, index == count - 1 ? "" : " ");
        }
    }
}
