package dev.ripple.core.tokenizer;

import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;

/**
 * WordPiece (BERT): the longest vocabulary entry at the start of the word, then the longest entry
 * with the continuing-subword prefix ({@code ##}) at each following position; a word with a
 * position no entry covers, or longer than {@code max_input_chars_per_word}, is the unknown token.
 * Candidates never run past the longest entry of the vocabulary, so a long word costs
 * O(length × longest entry) lookups rather than O(length²).
 */
final class WordPieceModel implements Model {
    private final Vocabulary vocab;
    private final String unkToken;
    private final String prefix;
    private final int maxInputChars;
    /** Longest vocabulary entry, in chars. */
    private final int longest;

    WordPieceModel(Vocabulary vocab, String unkToken, String prefix, int maxInputChars) {
        this.vocab = vocab;
        this.unkToken = unkToken;
        this.prefix = prefix;
        this.maxInputChars = maxInputChars;
        int[] max = {0};
        vocab.forEach((t, id) -> max[0] = Math.max(max[0], t.length()));
        this.longest = max[0];
    }

    @Override
    public Vocabulary vocabulary() {
        return vocab;
    }

    private int unkId() {
        int id = vocab.id(unkToken);
        if (id < 0) {
            throw new IllegalStateException(
                    "the unknown token \"" + unkToken + "\" of this WordPiece model is not in its vocabulary");
        }
        return id;
    }

    @Override
    public void tokenize(String word, IntArrayList out) {
        int n = word.length();
        if (word.codePointCount(0, n) > maxInputChars) {
            out.add(unkId());
            return;
        }
        int mark = out.size();
        int start = 0;
        while (start < n) {
            int room = longest - (start > 0 ? prefix.length() : 0);
            int end = (int) Math.min(n, (long) start + Math.max(0, room));
            if (end < n
                    && end > start
                    && Character.isLowSurrogate(word.charAt(end))
                    && Character.isHighSurrogate(word.charAt(end - 1))) {
                end--; // never cut a character in two
            }
            int found = -1;
            while (start < end) {
                String piece = word.substring(start, end);
                int id = vocab.id(start > 0 ? prefix + piece : piece);
                if (id >= 0) {
                    found = id;
                    break;
                }
                end -= Character.charCount(word.codePointBefore(end));
            }
            if (found < 0) {
                truncate(out, mark);
                out.add(unkId());
                return;
            }
            out.add(found);
            start = end;
        }
    }

    private static void truncate(IntArrayList out, int size) {
        while (out.size() > size) {
            out.removeAtIndex(out.size() - 1);
        }
    }
}
