package dev.ripple.core.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.collections.impl.map.mutable.primitive.IntObjectHashMap;
import org.eclipse.collections.impl.map.mutable.primitive.LongIntHashMap;

/**
 * Tokens added on top of the model's vocabulary (tokenizer.json {@code added_tokens}): special
 * tokens such as {@code <s>} and {@code <|eot_id|>}, and plain added words. Before normalization the
 * input is cut at the added tokens that match the raw text ({@code normalized: false}); each piece in
 * between is normalized and cut again at the tokens that match normalized text. Matching is
 * leftmost-longest without overlaps, then {@code single_word}, {@code lstrip} and {@code rstrip}
 * apply, all as the Rust library's {@code AddedVocabulary} does.
 *
 * <p>Ids follow the Rust library too: the {@code id} written in the file is not trusted; a token
 * already in the model's vocabulary takes that id, others take the next id after the model's
 * vocabulary size or after the largest added id.
 */
final class AddedVocabulary {

    record AddedToken(
            String content, boolean singleWord, boolean lstrip, boolean rstrip, boolean normalized, boolean special) {}

    /** A piece of the input: text to pre-tokenize (id -1), or an added token's id. */
    record Segment(String text, int id, boolean atStart) {}

    private final Map<String, Integer> idOf = new HashMap<>();
    private final IntObjectHashMap<AddedToken> tokenOf = new IntObjectHashMap<>();
    private final Map<AddedToken, Integer> valueCounts = new HashMap<>();
    private final List<AddedToken> plain = new ArrayList<>();
    private final List<AddedToken> specials = new ArrayList<>();
    private final Set<String> specialSet = new HashSet<>();
    private int maxAddedId = -1;
    private TokenTrie rawTrie = new TokenTrie();
    private TokenTrie normalizedTrie = new TokenTrie();

    /** Adds tokens in order (the Rust library's {@code add_tokens}) and rebuilds the matchers. */
    void add(List<AddedToken> tokens, Vocabulary model, Normalizer normalizer) {
        for (AddedToken t : tokens) {
            if (t.special() && !t.content().isEmpty() && specialSet.add(t.content())) {
                specials.add(t);
            }
        }
        for (AddedToken t : tokens) {
            if (t.content().isEmpty() || valueCounts.containsKey(t)) {
                continue;
            }
            int id = idOf(t.content(), model);
            if (id < 0) {
                int size = model.size();
                if (maxAddedId < 0) {
                    id = size;
                } else {
                    id = maxAddedId >= size || size == 0 ? maxAddedId + 1 : size;
                }
            }
            idOf.put(t.content(), id);
            maxAddedId = Math.max(maxAddedId, id);
            AddedToken old = tokenOf.put(id, t);
            if (old != null) {
                valueCounts.computeIfPresent(old, (k, v) -> v == 1 ? null : v - 1);
            }
            valueCounts.merge(t, 1, Integer::sum);
            if (!specialSet.contains(t.content())) {
                plain.add(t);
            }
        }
        TokenTrie raw = new TokenTrie();
        TokenTrie norm = new TokenTrie();
        List<AddedToken> all = new ArrayList<>(specials);
        all.addAll(plain);
        for (AddedToken t : all) {
            int id = idOf(t.content(), model);
            if (t.normalized()) {
                norm.add(normalizer == null ? t.content() : normalizer.normalize(t.content()), id);
            } else {
                raw.add(t.content(), id);
            }
        }
        rawTrie = raw;
        normalizedTrie = norm;
    }

    private int idOf(String content, Vocabulary model) {
        Integer id = idOf.get(content);
        return id != null ? id : model.id(content);
    }

    /** The id of an added token, or -1. */
    int id(String content) {
        Integer id = idOf.get(content);
        return id == null ? -1 : id;
    }

    /** The content of an added token id, or null. */
    String content(int id) {
        AddedToken t = tokenOf.get(id);
        return t == null ? null : t.content();
    }

    boolean isSpecial(String content) {
        return specialSet.contains(content);
    }

    int maxId() {
        return maxAddedId;
    }

    boolean isEmpty() {
        return idOf.isEmpty();
    }

    List<AddedToken> specialTokens() {
        return List.copyOf(specials);
    }

    /** Cuts {@code text} at added tokens, normalizing the pieces in between (see the class comment). */
    List<Segment> extractAndNormalize(String text, Normalizer normalizer) {
        List<Segment> out = new ArrayList<>();
        if (text.isEmpty()) {
            return out;
        }
        List<Segment> raw = new ArrayList<>();
        split(text, true, rawTrie, raw);
        for (Segment s : raw) {
            if (s.id() >= 0) {
                out.add(s);
            } else {
                String n = normalizer == null ? s.text() : normalizer.normalize(s.text());
                split(n, s.atStart(), normalizedTrie, out);
            }
        }
        return out;
    }

    private void split(String s, boolean atStart, TokenTrie trie, List<Segment> out) {
        if (s.isEmpty()) {
            return;
        }
        if (trie.isEmpty()) {
            out.add(new Segment(s, -1, atStart));
            return;
        }
        int startOffset = 0;
        int from = 0;
        long[] match = new long[2];
        while (trie.find(s, from, match)) {
            int start = (int) (match[0] >>> 32);
            int stop = (int) match[0];
            int id = (int) match[1];
            from = stop;
            AddedToken t = tokenOf.get(id);
            if (t != null && t.singleWord()) {
                boolean startSpace = start == 0 || !Chars.isWordChar(s.codePointBefore(start));
                boolean stopSpace = stop == s.length() || !Chars.isWordChar(s.codePointAt(stop));
                if (!startSpace || !stopSpace) {
                    continue;
                }
            }
            if (t != null && t.lstrip()) {
                int newStart = start;
                while (newStart > 0 && Chars.isWhitespace(s.codePointBefore(newStart))) {
                    newStart -= Character.charCount(s.codePointBefore(newStart));
                }
                start = Math.max(newStart, startOffset);
            }
            if (t != null && t.rstrip()) {
                while (stop < s.length() && Chars.isWhitespace(s.codePointAt(stop))) {
                    stop += Character.charCount(s.codePointAt(stop));
                }
            }
            if (startOffset < start) {
                out.add(new Segment(s.substring(startOffset, start), -1, atStart && startOffset == 0));
            }
            out.add(new Segment(s.substring(Math.min(start, stop), stop), id, false));
            startOffset = stop;
        }
        if (startOffset != s.length()) {
            out.add(new Segment(s.substring(startOffset), -1, atStart && startOffset == 0));
        }
    }

    /**
     * Leftmost-longest matching of many literal strings: a trie over UTF-16 chars, tried at each
     * position whose first char starts some token.
     */
    static final class TokenTrie {
        private final LongIntHashMap edges = new LongIntHashMap();
        private int[] terminal = {-1};
        private int nodes = 1;
        private final BitSet firstChars = new BitSet(65536);

        void add(String token, int id) {
            if (token.isEmpty()) {
                return;
            }
            int node = 0;
            for (int i = 0; i < token.length(); i++) {
                long key = (long) node << 16 | token.charAt(i);
                int child = edges.getIfAbsent(key, -1);
                if (child < 0) {
                    child = nodes++;
                    if (child == terminal.length) {
                        int old = terminal.length;
                        terminal = Arrays.copyOf(terminal, old * 2);
                        Arrays.fill(terminal, old, terminal.length, -1);
                    }
                    edges.put(key, child);
                }
                node = child;
            }
            if (terminal[node] < 0) { // the first token with this text wins, as in Aho-Corasick
                terminal[node] = id;
            }
            firstChars.set(token.charAt(0));
        }

        boolean isEmpty() {
            return nodes == 1;
        }

        private static boolean insidePair(String s, int i) {
            return i > 0
                    && i < s.length()
                    && Character.isLowSurrogate(s.charAt(i))
                    && Character.isHighSurrogate(s.charAt(i - 1));
        }

        /** The leftmost-longest match at or after {@code from}: out[0] = start << 32 | end, out[1] = id. */
        boolean find(String s, int from, long[] out) {
            int n = s.length();
            for (int i = from; i < n; i++) {
                if (!firstChars.get(s.charAt(i)) || insidePair(s, i)) {
                    continue;
                }
                int node = 0;
                int end = -1;
                int id = -1;
                for (int j = i; j < n; j++) {
                    node = edges.getIfAbsent((long) node << 16 | s.charAt(j), -1);
                    if (node < 0) {
                        break;
                    }
                    if (terminal[node] >= 0 && !insidePair(s, j + 1)) {
                        end = j + 1;
                        id = terminal[node];
                    }
                }
                if (end >= 0) {
                    out[0] = (long) i << 32 | end;
                    out[1] = id;
                    return true;
                }
            }
            return false;
        }
    }
}
