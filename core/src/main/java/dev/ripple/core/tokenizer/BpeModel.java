package dev.ripple.core.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;
import org.eclipse.collections.impl.map.mutable.primitive.IntIntHashMap;
import org.eclipse.collections.impl.map.mutable.primitive.LongIntHashMap;

/**
 * Byte-pair encoding as the Rust library's {@code BPE} model does it, for both kinds in use: byte-level
 * vocabularies (GPT-2, OPT, Llama 3, Qwen: the pre-tokenizer has turned every byte into a character)
 * and SentencePiece-style ones with byte fallback (Llama 2, Mistral: a character missing from the
 * vocabulary becomes its {@code <0xXX>} byte tokens, else the unknown token).
 *
 * <p><b>Merging.</b> A word starts as one symbol per character. All adjacent pairs that have a merge
 * go into a binary min-heap keyed by (merge rank, position); the lowest is merged, its neighbours'
 * new pairs are pushed, and stale entries are skipped when popped (an entry is stale when its left
 * symbol was merged away, it has no right neighbour, or the pair now at its position merges into a
 * different token). That is O(n log n) per word, never a rescan of all pairs, and it reproduces the
 * Rust library's choices exactly, including its rule that an entry stays valid while the current
 * pair merges into the same token.
 *
 * <p><b>Cache.</b> Words shorter than 256 chars are cached (up to {@link #CACHE_CAPACITY} of them,
 * after which the cache stops growing), as the Rust library does; the cache never changes results.
 */
final class BpeModel implements Model {
    static final int CACHE_CAPACITY = 10_000;
    private static final int CACHE_MAX_WORD = 256;

    private final Vocabulary vocab;
    /** (left id << 32 | right id) → rank. */
    private final LongIntHashMap mergeRank;
    /** Rank → id of the merged token. */
    private final int[] mergeResult;
    /** Code point → id of the single-character token, for words without prefix or suffix. */
    private final IntIntHashMap charIds;

    private final int[] byteIds;
    private final String unkToken;
    private final String prefix;
    private final String suffix;
    private final boolean fuseUnk;
    private final boolean byteFallback;
    private final boolean ignoreMerges;
    private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

    BpeModel(
            Vocabulary vocab,
            LongIntHashMap mergeRank,
            int[] mergeResult,
            String unkToken,
            String prefix,
            String suffix,
            boolean fuseUnk,
            boolean byteFallback,
            boolean ignoreMerges) {
        this.vocab = vocab;
        this.mergeRank = mergeRank;
        this.mergeResult = mergeResult;
        this.unkToken = unkToken;
        this.prefix = prefix;
        this.suffix = suffix;
        this.fuseUnk = fuseUnk;
        this.byteFallback = byteFallback;
        this.ignoreMerges = ignoreMerges;
        this.charIds = new IntIntHashMap();
        vocab.forEach((token, id) -> {
            if (!token.isEmpty() && token.codePointCount(0, token.length()) == 1) {
                charIds.put(token.codePointAt(0), id);
            }
        });
        this.byteIds = new int[256];
        for (int b = 0; b < 256; b++) {
            byteIds[b] = vocab.id(String.format("<0x%02X>", b));
        }
    }

    static long pair(int left, int right) {
        return (long) left << 32 | right & 0xFFFFFFFFL;
    }

    @Override
    public Vocabulary vocabulary() {
        return vocab;
    }

    @Override
    public void tokenize(String word, IntArrayList out) {
        if (word.isEmpty()) {
            return;
        }
        if (ignoreMerges) {
            int id = vocab.id(word);
            if (id >= 0) {
                out.add(id);
                return;
            }
        }
        int[] hit = cache.get(word);
        if (hit != null) {
            out.addAll(hit);
            return;
        }
        int[] ids = merge(word);
        if (word.length() < CACHE_MAX_WORD && cache.size() < CACHE_CAPACITY) {
            cache.putIfAbsent(word, ids);
        }
        out.addAll(ids);
    }

    /** The symbols of a word: parallel arrays, linked both ways; c = -1 marks a symbol merged away. */
    private static final class Word {
        int[] c;
        int[] prev;
        int[] next;
        int size;

        Word(int capacity) {
            c = new int[capacity];
            prev = new int[capacity];
            next = new int[capacity];
        }

        void add(int id) {
            if (size == c.length) {
                int cap = Math.max(8, size * 2);
                c = Arrays.copyOf(c, cap);
                prev = Arrays.copyOf(prev, cap);
                next = Arrays.copyOf(next, cap);
            }
            c[size] = id;
            prev[size] = size - 1;
            next[size] = -1;
            if (size > 0) {
                next[size - 1] = size;
            }
            size++;
        }
    }

    private int[] merge(String w) {
        Word word = new Word(w.length() + 2);
        int n = w.length();
        int unk = -1; // pending unknown-token id
        for (int i = 0; i < n; ) {
            int cp = w.codePointAt(i);
            int end = i + Character.charCount(cp);
            boolean first = i == 0;
            boolean last = end == n;
            boolean decorated = prefix != null && !first || suffix != null && last;
            String s = null;
            int id;
            if (decorated) {
                s = (prefix != null && !first ? prefix : "")
                        + w.substring(i, end)
                        + (suffix != null && last ? suffix : "");
                id = vocab.id(s);
            } else {
                id = charIds.getIfAbsent(cp, -1);
            }
            i = end;
            if (id >= 0) {
                if (unk >= 0) {
                    word.add(unk);
                    unk = -1;
                }
                word.add(id);
                continue;
            }
            if (byteFallback) {
                byte[] bytes = (s != null ? s : Character.toString(cp)).getBytes(StandardCharsets.UTF_8);
                boolean all = true;
                for (byte b : bytes) {
                    all &= byteIds[b & 0xFF] >= 0;
                }
                if (all) {
                    for (byte b : bytes) {
                        word.add(byteIds[b & 0xFF]);
                    }
                    continue;
                }
            }
            if (unkToken != null) {
                int unkId = vocab.id(unkToken);
                if (unkId < 0) {
                    throw new IllegalStateException(
                            "the unknown token \"" + unkToken + "\" of this BPE model is not in its vocabulary");
                }
                if (unk >= 0 && !fuseUnk) {
                    word.add(unk);
                }
                unk = unkId;
            }
        }
        if (unk >= 0) {
            word.add(unk);
        }
        mergeAll(word);
        int live = 0;
        for (int k = 0; k < word.size; k++) {
            if (word.c[k] >= 0) {
                live++;
            }
        }
        int[] ids = new int[live];
        for (int k = 0, j = 0; k < word.size; k++) {
            if (word.c[k] >= 0) {
                ids[j++] = word.c[k];
            }
        }
        return ids;
    }

    private void mergeAll(Word w) {
        if (w.size < 2) {
            return;
        }
        LongHeap heap = new LongHeap(w.size);
        for (int k = 0; k + 1 < w.size; k++) {
            int rank = mergeRank.getIfAbsent(pair(w.c[k], w.c[k + 1]), -1);
            if (rank >= 0) {
                heap.push((long) rank << 32 | k);
            }
        }
        int[] c = w.c;
        int[] prev = w.prev;
        int[] next = w.next;
        while (!heap.isEmpty()) {
            long top = heap.pop();
            int rank = (int) (top >>> 32);
            int pos = (int) top;
            if (c[pos] < 0) {
                continue; // merged away
            }
            int right = next[pos];
            if (right < 0) {
                continue; // last symbol
            }
            int newId = mergeResult[rank];
            int current = mergeRank.getIfAbsent(pair(c[pos], c[right]), -1);
            if (current < 0 || mergeResult[current] != newId) {
                continue; // stale entry
            }
            c[pos] = newId;
            int after = next[right];
            next[pos] = after;
            c[right] = -1;
            if (after >= 0) {
                prev[after] = pos;
            }
            int before = prev[pos];
            if (before >= 0) {
                int r = mergeRank.getIfAbsent(pair(c[before], newId), -1);
                if (r >= 0) {
                    heap.push((long) r << 32 | before);
                }
            }
            if (after >= 0) {
                int r = mergeRank.getIfAbsent(pair(newId, c[after]), -1);
                if (r >= 0) {
                    heap.push((long) r << 32 | pos);
                }
            }
        }
    }

    /** A binary min-heap of longs. */
    static final class LongHeap {
        private long[] a;
        private int size;

        LongHeap(int capacity) {
            a = new long[Math.max(4, capacity)];
        }

        boolean isEmpty() {
            return size == 0;
        }

        void push(long v) {
            if (size == a.length) {
                a = Arrays.copyOf(a, size * 2);
            }
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (a[parent] <= v) {
                    break;
                }
                a[i] = a[parent];
                i = parent;
            }
            a[i] = v;
        }

        long pop() {
            long top = a[0];
            long v = a[--size];
            int i = 0;
            int half = size >>> 1;
            while (i < half) {
                int child = 2 * i + 1;
                if (child + 1 < size && a[child + 1] < a[child]) {
                    child++;
                }
                if (v <= a[child]) {
                    break;
                }
                a[i] = a[child];
                i = child;
            }
            if (size > 0) {
                a[i] = v;
            }
            return top;
        }
    }
}
