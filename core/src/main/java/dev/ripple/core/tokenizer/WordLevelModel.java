package dev.ripple.core.tokenizer;

import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;

/** WordLevel: each word is one vocabulary entry, or the unknown token. */
final class WordLevelModel implements Model {
    private final Vocabulary vocab;
    private final String unkToken;

    WordLevelModel(Vocabulary vocab, String unkToken) {
        this.vocab = vocab;
        this.unkToken = unkToken;
    }

    @Override
    public Vocabulary vocabulary() {
        return vocab;
    }

    @Override
    public void tokenize(String word, IntArrayList out) {
        int id = vocab.id(word);
        if (id < 0) {
            id = vocab.id(unkToken);
            if (id < 0) {
                throw new IllegalStateException(
                        "the unknown token \"" + unkToken + "\" of this WordLevel model is not in its vocabulary");
            }
        }
        out.add(id);
    }
}
