package dev.ripple.placement.profile;

/**
 * One tokenised passage as BERT-style models take it.
 *
 * @param ids           token ids, special tokens included
 * @param attentionMask 1 per real token
 * @param typeIds       segment ids (0 for single sentences)
 */
public record EncodedPassage(long[] ids, long[] attentionMask, long[] typeIds) {

    public EncodedPassage {
        if (ids.length != attentionMask.length || ids.length != typeIds.length) {
            throw new IllegalArgumentException("ids, mask and type ids differ in length: " + ids.length + ", "
                    + attentionMask.length + ", " + typeIds.length);
        }
    }

    public int length() {
        return ids.length;
    }

    /** The token ids as the Java encoder takes them (ONNX Runtime takes longs). */
    public int[] intIds() {
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }
}
