package dev.ripple.placement.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.core.format.FfnLayerSpec;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import org.junit.jupiter.api.Test;

class RuleErrorTest {
    @Test
    void relativeErrorOfDroppingNeurons() {
        // dModel 2, three neurons with down columns (1,0), (0,1), (1,1); down bias (0, 1).
        FfnLayerSpec spec = new FfnLayerSpec(0, 2, 3, Activation.RELU, false, DType.F32);
        FfnLayerWeights w = new FfnLayerWeights(
                spec, new float[6], null, new float[] {1, 0, 0, 1, 1, 1}, new float[3], null, new float[] {0, 1});
        float[] acts = {9, 2, -1, 3}; // offset 1: a = (2, -1, 3)
        // dense = (0,1) + 2(1,0) - 1(0,1) + 3(1,1) = (5, 3); keeping {0, 2} drops -1·(0,1) = (0, -1).
        boolean[] keep = {true, false, true};
        assertEquals(
                1 / Math.sqrt(34),
                new RuleError(2).relative(DownProjection.of(w), w.spec().dFfn(), acts, 1, keep),
                1e-12);
        assertEquals(
                0.0,
                new RuleError(2)
                        .relative(DownProjection.of(w), w.spec().dFfn(), acts, 1, new boolean[] {true, true, true}),
                0);
    }
}
