package dev.ripple.cache;

import java.util.Arrays;
import org.eclipse.collections.impl.map.mutable.primitive.LongIntHashMap;

/**
 * An intrusive doubly linked list of distinct long keys with O(1) add, remove, move and lookup, plus
 * a small int tag per key (S3-FIFO's frequency). Nodes live in parallel arrays recycled through a
 * free list, so no objects are allocated per key. Head = oldest.
 */
final class KeyList {
    private static final int NIL = -1;
    private final LongIntHashMap index = new LongIntHashMap();
    private long[] keys = new long[16];
    private int[] prev = new int[16];
    private int[] next = new int[16];
    private int[] tags = new int[16];
    private long[] weights = new long[16];
    private int head = NIL;
    private int tail = NIL;
    private int freeHead = NIL;
    private int used;
    private int size;
    private long weight;

    int size() {
        return size;
    }

    /** Sum of the weights (bytes) of the keys held. */
    long weight() {
        return weight;
    }

    boolean contains(long key) {
        return index.containsKey(key);
    }

    void addLast(long key, long w, int tag) {
        if (index.containsKey(key)) {
            throw new IllegalStateException("key already present: " + key);
        }
        int n = newNode();
        keys[n] = key;
        weights[n] = w;
        tags[n] = tag;
        index.put(key, n);
        linkLast(n);
    }

    boolean remove(long key) {
        int n = index.getIfAbsent(key, NIL);
        if (n == NIL) {
            return false;
        }
        index.remove(key);
        unlink(n);
        free(n);
        return true;
    }

    void moveToLast(long key) {
        int n = index.getIfAbsent(key, NIL);
        if (n == NIL || n == tail) {
            return;
        }
        unlink(n);
        linkLast(n);
    }

    long first() {
        return head == NIL ? CachePolicy.NO_KEY : keys[head];
    }

    long pollFirst() {
        if (head == NIL) {
            return CachePolicy.NO_KEY;
        }
        long k = keys[head];
        remove(k);
        return k;
    }

    int tag(long key) {
        int n = index.getIfAbsent(key, NIL);
        return n == NIL ? 0 : tags[n];
    }

    void setTag(long key, int tag) {
        int n = index.getIfAbsent(key, NIL);
        if (n != NIL) {
            tags[n] = tag;
        }
    }

    long weightOf(long key) {
        int n = index.getIfAbsent(key, NIL);
        return n == NIL ? 0 : weights[n];
    }

    /** Keys from head (oldest) to tail. */
    long[] toArray() {
        long[] out = new long[size];
        int i = 0;
        for (int n = head; n != NIL; n = next[n]) {
            out[i++] = keys[n];
        }
        return out;
    }

    /** Appends node {@code n} at the tail and counts it; {@link #unlink} is the inverse. */
    private void linkLast(int n) {
        prev[n] = tail;
        next[n] = NIL;
        if (tail != NIL) {
            next[tail] = n;
        } else {
            head = n;
        }
        tail = n;
        size++;
        weight += weights[n];
    }

    private void unlink(int n) {
        if (prev[n] != NIL) {
            next[prev[n]] = next[n];
        } else {
            head = next[n];
        }
        if (next[n] != NIL) {
            prev[next[n]] = prev[n];
        } else {
            tail = prev[n];
        }
        size--;
        weight -= weights[n];
    }

    private int newNode() {
        if (freeHead != NIL) {
            int n = freeHead;
            freeHead = next[n];
            return n;
        }
        if (used == keys.length) {
            int cap = keys.length * 2;
            keys = Arrays.copyOf(keys, cap);
            prev = Arrays.copyOf(prev, cap);
            next = Arrays.copyOf(next, cap);
            tags = Arrays.copyOf(tags, cap);
            weights = Arrays.copyOf(weights, cap);
        }
        return used++;
    }

    private void free(int n) {
        next[n] = freeHead;
        freeHead = n;
    }
}
