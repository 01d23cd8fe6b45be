package dev.ripple.placement.stats;

import java.util.List;
import org.roaringbitmap.ImmutableBitmapDataProvider;
import org.roaringbitmap.IntIterator;

/**
 * A block of tokens' active sets flattened into one sorted id array with offsets (compressed
 * rows): the counting loops read plain ints instead of walking bitmap containers, and a block of
 * a few thousand tokens keeps this copy small whatever the trace length.
 */
final class TokenSets {
    final int[] offsets;
    final int[] ids;

    private TokenSets(int[] offsets, int[] ids) {
        this.offsets = offsets;
        this.ids = ids;
    }

    static TokenSets of(List<? extends ImmutableBitmapDataProvider> tokens, int from, int to) {
        int[] offsets = new int[to - from + 1];
        long total = 0;
        for (int t = from; t < to; t++) {
            total += tokens.get(t).getCardinality();
        }
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(
                    "token block " + from + ".." + to + " holds " + total + " ids, too many");
        }
        int[] ids = new int[(int) total];
        int pos = 0;
        for (int t = from; t < to; t++) {
            offsets[t - from] = pos;
            IntIterator it = tokens.get(t).getIntIterator();
            while (it.hasNext()) {
                ids[pos++] = it.next();
            }
        }
        offsets[to - from] = pos;
        return new TokenSets(offsets, ids);
    }

    int size() {
        return offsets.length - 1;
    }
}
