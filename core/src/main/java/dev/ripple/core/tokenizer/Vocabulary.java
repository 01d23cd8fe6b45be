package dev.ripple.core.tokenizer;

import java.util.function.ObjIntConsumer;
import org.eclipse.collections.impl.map.mutable.primitive.IntObjectHashMap;
import org.eclipse.collections.impl.map.mutable.primitive.ObjectIntHashMap;

/**
 * A model's token ↔ id table. Ids may have gaps; the reverse table is an array when they are dense
 * and a hash map when they are not, so a sparse id in a file cannot make the reader allocate an
 * array the size of the id.
 */
final class Vocabulary {
    /** Largest id accepted: ids index arrays in the runtime, and 2^30 leaves headroom for added tokens. */
    static final int MAX_ID = (1 << 30) - 1;

    private final ObjectIntHashMap<String> ids;
    private final String[] dense;
    private final IntObjectHashMap<String> sparse;
    private final int maxId;

    /** Builds from tokens and ids in file order; a token listed twice keeps its last id, an id listed twice its last token. */
    Vocabulary(String[] tokens, int[] tokenIds, int count) {
        ids = new ObjectIntHashMap<>(Math.max(16, count));
        int max = -1;
        for (int i = 0; i < count; i++) {
            ids.put(tokens[i], tokenIds[i]);
            max = Math.max(max, tokenIds[i]);
        }
        // keep only the surviving (token, id) pairs for the reverse table
        maxId = max;
        if ((long) max < 4L * ids.size() + 1024) {
            dense = new String[max + 1];
            sparse = null;
            for (int i = 0; i < count; i++) {
                if (ids.get(tokens[i]) == tokenIds[i]) {
                    dense[tokenIds[i]] = tokens[i];
                }
            }
        } else {
            dense = null;
            sparse = new IntObjectHashMap<>(ids.size());
            for (int i = 0; i < count; i++) {
                if (ids.get(tokens[i]) == tokenIds[i]) {
                    sparse.put(tokenIds[i], tokens[i]);
                }
            }
        }
    }

    /** The id of a token, or -1. */
    int id(String token) {
        return ids.getIfAbsent(token, -1);
    }

    /** The token of an id, or null. */
    String token(int id) {
        if (id < 0) {
            return null;
        }
        if (dense != null) {
            return id < dense.length ? dense[id] : null;
        }
        return sparse.get(id);
    }

    /** Number of distinct tokens (the Rust library's {@code get_vocab_size}). */
    int size() {
        return ids.size();
    }

    /** The largest id, or -1 when empty. */
    int maxId() {
        return maxId;
    }

    void forEach(ObjIntConsumer<String> action) {
        ids.forEachKeyValue(action::accept);
    }
}
