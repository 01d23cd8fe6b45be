package dev.ripple.placement.stats;

/**
 * One token block transposed: for each neuron a bitset over the block's tokens, so that the joint
 * count of two neurons is the popcount of the AND of their bitsets. Dense counting uses this when
 * the block is dense enough that {@code n^2/2 x T/64} word operations beat {@code sum_t |S_t|^2/2}
 * scattered increments (see {@link CoActivationCounter}).
 */
final class NeuronBitsets {
    private final int words;
    /** Neuron {@code i}'s bits are {@code bits[i*words .. (i+1)*words)}; bit {@code t} is token {@code t}. */
    private final long[] bits;

    private NeuronBitsets(int words, long[] bits) {
        this.words = words;
        this.bits = bits;
    }

    /** Whether the bitsets of {@code sets} over {@code n} neurons fit one array. */
    static boolean fits(TokenSets sets, int n) {
        return (long) n * words(sets.size()) <= Integer.MAX_VALUE - 16;
    }

    static NeuronBitsets of(TokenSets sets, int n) {
        int words = words(sets.size());
        long[] bits = new long[n * words];
        for (int t = 0; t < sets.size(); t++) {
            long bit = 1L << t; // shifts by t mod 64
            int word = t >>> 6;
            for (int p = sets.offsets[t]; p < sets.offsets[t + 1]; p++) {
                bits[sets.ids[p] * words + word] |= bit;
            }
        }
        return new NeuronBitsets(words, bits);
    }

    /** Words of one neuron's bitset over {@code tokens} tokens. */
    static int words(int tokens) {
        return (tokens + 63) >>> 6;
    }

    /** Adds this block's {@code f(i,j)}, {@code i} in {@code r0..r1-1}, {@code j > i}, to the triangle. */
    void addRows(int r0, int r1, int n, int[] rowBase, int[] triangle) {
        for (int i = r0; i < r1; i++) {
            int a = i * words;
            int base = rowBase[i];
            for (int j = i + 1; j < n; j++) {
                int b = j * words;
                int joint = 0;
                for (int w = 0; w < words; w++) {
                    joint += Long.bitCount(bits[a + w] & bits[b + w]);
                }
                triangle[base + j] += joint;
            }
        }
    }
}
