package dev.ripple.core.tokenizer;

import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;

/** A tokenizer.json {@code model}: turns one pre-tokenized word into ids. */
interface Model {

    /** Appends the ids of {@code word} (never empty) to {@code out}. */
    void tokenize(String word, IntArrayList out);

    Vocabulary vocabulary();
}
