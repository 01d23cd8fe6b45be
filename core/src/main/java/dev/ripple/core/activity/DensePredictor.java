package dev.ripple.core.activity;

import org.eclipse.collections.api.list.primitive.MutableIntList;

/** Predicts every neuron active: the sparse path then computes the dense FFN exactly. */
public record DensePredictor(int[] neuronsPerLayer) implements ActivationPredictor {

    public DensePredictor {
        neuronsPerLayer = neuronsPerLayer.clone();
    }

    @Override
    public String name() {
        return "dense";
    }

    /** Stateless: a prediction on the layer input may start its reads early. */
    @Override
    public boolean predictsAhead() {
        return true;
    }

    @Override
    public void predict(int layer, float[] x, MutableIntList out) {
        for (int i = 0; i < neuronsPerLayer[layer]; i++) {
            out.add(i);
        }
    }
}
