package dev.ripple.core.model;

/**
 * The FFN of every layer of a model, however it is computed: densely from DRAM (reference) or
 * sparsely from flash ({@code FlashFfn}). Lets one forward pass run against either.
 */
@FunctionalInterface
public interface FeedForward {

    /**
     * out = FFN_layer(x), including the down-projection bias.
     *
     * @param token the token's position in the caller's stream of tokens (trace replay uses it)
     */
    void forward(int layer, int token, float[] x, float[] out);
}
