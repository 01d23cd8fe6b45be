package dev.ripple.core.model;

/**
 * The FFN of every layer of a model, however it is computed: densely from DRAM (reference) or
 * sparsely from flash ({@code RippleModel}). Lets one forward pass run against either.
 */
@FunctionalInterface
public interface FeedForward {

    /**
     * out = FFN_layer(x), including the down-projection bias.
     *
     * @param token the token's position in the caller's stream of tokens (trace replay uses it)
     */
    void forward(int layer, int token, float[] x, float[] out);

    /**
     * The FFN of a whole sequence (prefill): {@code out[t] = FFN_layer(x[t])}. The flash runtime
     * overrides it to read the union of the tokens' active neurons once instead of once per token;
     * the results are the same.
     *
     * @param firstToken position of {@code x[0]} in the caller's stream of tokens
     */
    default void forwardAll(int layer, int firstToken, float[][] x, float[][] out) {
        for (int t = 0; t < x.length; t++) {
            forward(layer, firstToken + t, x[t], out[t]);
        }
    }
}
