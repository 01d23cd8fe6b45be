package dev.ripple.core.activity;

import java.util.Arrays;
import java.util.List;
import org.eclipse.collections.api.list.primitive.MutableIntList;

/**
 * Replays recorded active sets (from profiling the same tokens): measures I/O and caching with a
 * perfect predictor, so placement and cache effects are not mixed with prediction error.
 *
 * <p>Each layer keeps its own cursor: the k-th prediction asked for a layer replays that layer's
 * k-th recorded set, which is the order a forward pass asks in (token by token, or a sequence's
 * tokens in order). {@link #seek} moves every cursor, e.g. to replay a passage again. Not
 * thread-safe: one replay per instance.
 *
 * <pre>{@code
 * TracePredictor truth = new TracePredictor(setsPerLayer);
 * truth.seek(firstTokenOfPassage);
 * model.ffn(l).forwardAll(xs, n, outs);      // replays the passage's sets for layer l
 * }</pre>
 *
 * @param sets per layer, per token, the ascending active neuron ids
 */
public final class TracePredictor implements ActivationPredictor {
    private final List<List<int[]>> sets;
    private final int[] cursor;

    public TracePredictor(List<List<int[]>> sets) {
        this.sets = List.copyOf(sets);
        this.cursor = new int[sets.size()];
    }

    @Override
    public String name() {
        return "trace";
    }

    /** The recorded sets, per layer and token. */
    public List<List<int[]>> sets() {
        return sets;
    }

    /** Recorded tokens of {@code layer}. */
    public int tokens(int layer) {
        return sets.get(layer).size();
    }

    /** Moves every layer's cursor to {@code token}: the next prediction of each layer replays that token. */
    public void seek(int token) {
        Arrays.fill(cursor, token);
    }

    @Override
    public void predict(int layer, float[] x, MutableIntList out) {
        List<int[]> layerSets = sets.get(layer);
        int token = cursor[layer];
        if (token < 0 || token >= layerSets.size()) {
            throw new IllegalStateException("trace predictor: token " + token + " not recorded for layer " + layer
                    + " (" + layerSets.size() + " tokens)");
        }
        cursor[layer] = token + 1;
        out.addAll(layerSets.get(token));
    }
}
