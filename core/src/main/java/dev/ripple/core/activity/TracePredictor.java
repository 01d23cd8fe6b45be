package dev.ripple.core.activity;

import java.util.List;
import org.eclipse.collections.api.list.primitive.MutableIntList;

/**
 * Replays recorded active sets (from profiling the same tokens): measures I/O and caching with a
 * perfect predictor, so placement and cache effects are not mixed with prediction error.
 *
 * @param sets per layer, per token, the ascending active neuron ids
 */
public record TracePredictor(List<List<int[]>> sets) implements ActivationPredictor {

    public TracePredictor {
        sets = List.copyOf(sets);
    }

    @Override
    public String name() {
        return "trace";
    }

    @Override
    public void predict(int layer, float[] x, int token, MutableIntList out) {
        List<int[]> layerSets = sets.get(layer);
        if (token < 0 || token >= layerSets.size()) {
            throw new IllegalArgumentException("trace predictor: token " + token + " not recorded for layer " + layer
                    + " (" + layerSets.size() + " tokens)");
        }
        out.addAll(layerSets.get(token));
    }
}
