package dev.ripple.cache;

import java.util.Arrays;
import org.eclipse.collections.impl.map.mutable.primitive.LongIntHashMap;

/** A binary min-heap of distinct long keys on double scores, with O(log n) update and removal by key. Ties: smaller key first. */
final class IndexedMinHeap {
    private long[] keys = new long[64];
    private double[] scores = new double[64];
    private int size;
    private final LongIntHashMap position = new LongIntHashMap();

    int size() {
        return size;
    }

    boolean contains(long key) {
        return position.containsKey(key);
    }

    void add(long key, double score) {
        if (position.containsKey(key)) {
            throw new IllegalStateException("key already present: " + key);
        }
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            scores = Arrays.copyOf(scores, size * 2);
        }
        keys[size] = key;
        scores[size] = score;
        position.put(key, size);
        size++;
        siftUp(size - 1);
    }

    /** Changes the score of a present key; no-op when absent. */
    void update(long key, double score) {
        int p = position.getIfAbsent(key, -1);
        if (p >= 0) {
            scores[p] = score;
            siftDown(p);
            siftUp(p);
        }
    }

    long peekKey() {
        return size == 0 ? CachePolicy.NO_KEY : keys[0];
    }

    double peekScore() {
        return size == 0 ? Double.NaN : scores[0];
    }

    long poll() {
        if (size == 0) {
            return CachePolicy.NO_KEY;
        }
        long k = keys[0];
        removeAt(0);
        return k;
    }

    boolean remove(long key) {
        int p = position.getIfAbsent(key, -1);
        if (p < 0) {
            return false;
        }
        removeAt(p);
        return true;
    }

    private void removeAt(int p) {
        position.remove(keys[p]);
        size--;
        if (p != size) {
            keys[p] = keys[size];
            scores[p] = scores[size];
            position.put(keys[p], p);
            siftDown(p);
            siftUp(p);
        }
    }

    private boolean less(int a, int b) {
        return scores[a] < scores[b] || (scores[a] == scores[b] && keys[a] < keys[b]);
    }

    private void swap(int a, int b) {
        long k = keys[a];
        double s = scores[a];
        keys[a] = keys[b];
        scores[a] = scores[b];
        keys[b] = k;
        scores[b] = s;
        position.put(keys[a], a);
        position.put(keys[b], b);
    }

    private void siftUp(int p) {
        while (p > 0) {
            int parent = (p - 1) / 2;
            if (!less(p, parent)) {
                return;
            }
            swap(p, parent);
            p = parent;
        }
    }

    private void siftDown(int p) {
        while (true) {
            int l = 2 * p + 1;
            if (l >= size) {
                return;
            }
            int c = (l + 1 < size && less(l + 1, l)) ? l + 1 : l;
            if (!less(c, p)) {
                return;
            }
            swap(p, c);
            p = c;
        }
    }
}
