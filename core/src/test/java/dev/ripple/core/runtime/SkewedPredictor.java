package dev.ripple.core.runtime;

import dev.ripple.core.activity.ActivationPredictor;
import java.util.Random;
import org.eclipse.collections.api.list.primitive.MutableIntList;

/**
 * A test predictor that picks a sparse, skewed set of neurons from the input's bits: a hot first
 * quarter of the layer is chosen often, the rest rarely. The same input always gets the same set,
 * whichever thread or token it comes with, so outputs can be compared across threads, while the
 * sets differ enough between inputs that the cache admits, hits and evicts all the time (the dense
 * predictor reads every bundle of a layer every token, which leaves a cache little to do).
 */
final class SkewedPredictor implements ActivationPredictor {
    private final int dFfn;
    private final double hot;
    private final double cold;

    SkewedPredictor(int dFfn, double hot, double cold) {
        this.dFfn = dFfn;
        this.hot = hot;
        this.cold = cold;
    }

    @Override
    public String name() {
        return "skewed";
    }

    @Override
    public void predict(int layer, float[] x, MutableIntList out) {
        long seed = layer;
        for (float v : x) {
            seed = seed * 31 + Float.floatToRawIntBits(v);
        }
        Random rnd = new Random(seed);
        for (int i = 0; i < dFfn; i++) {
            if (rnd.nextDouble() < (i < dFfn / 4 ? hot : cold)) {
                out.add(i);
            }
        }
    }
}
