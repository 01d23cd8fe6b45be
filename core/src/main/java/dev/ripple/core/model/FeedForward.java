package dev.ripple.core.model;

/**
 * The FFN of every layer of a model, however it is computed: sparsely from flash
 * ({@code RippleModel}), or from the mapped bundles in DRAM ({@code MappedFfn}: the dense
 * reference and the profiler). Lets one forward pass, encoder or decoder, run against either.
 * Callers give inputs only: which token of which stream a call serves is the caller's business,
 * never the FFN's (a position would be confused with a KV-cache position).
 */
public interface FeedForward {

    /** {@code out = FFN_layer(x)}, including the down-projection bias; returns what it cost. */
    TokenStats forward(int layer, float[] x, float[] out);

    /**
     * The FFN of the first {@code n} rows of a sequence (prefill): {@code outs[t] = FFN_layer(xs[t])}.
     * The flash runtime reads the union of the tokens' active neurons once instead of once per
     * token; the results equal token-by-token calls.
     */
    TokenStats forwardAll(int layer, float[][] xs, int n, float[][] outs);

    /**
     * A hint before a layer's attention: its FFN input will probably resemble {@code layerInput},
     * so an FFN on flash may start reading what that predicts while attention runs. Never changes
     * a result; {@code layerInput} must stay unchanged until this layer's next {@link #forward} on
     * this thread. An FFN in DRAM ignores it.
     */
    default void prefetch(int layer, float[] layerInput) {}

    /**
     * Begins a call that this FFN, and the model it belongs to, may not be closed under: a close
     * from another thread waits until the returned call ends, and calls begun after a close are
     * refused. A pass that also reads the model's other weights (attention, embeddings) holds one
     * around the whole pass. Nested calls on one thread are allowed.
     *
     * @throws IllegalStateException naming the model once it is closed
     */
    default ModelCall begin() {
        return ModelCall.NONE;
    }
}
