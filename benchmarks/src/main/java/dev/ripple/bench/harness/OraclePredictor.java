package dev.ripple.bench.harness;

import dev.ripple.core.activity.ActivationPredictor;
import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.format.FfnLayerSection;
import dev.ripple.core.format.FfnLayerSpec;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.tensor.kernels.KernelProvider;
import dev.ripple.core.tensor.kernels.Kernels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import org.eclipse.collections.api.list.primitive.MutableIntList;

/**
 * A perfect predictor for measurements: it computes every neuron's exact activation from the
 * up and gate rows of a mapped copy of the model (in DRAM, not counted as flash I/O) and predicts
 * exactly the neurons the activity rule keeps. With it, strategies differ only in placement,
 * collapse and caching, as the encoder bench's trace replay makes them, but on real generation.
 * Its dense compute is in the step's wall time, so tokens per second mean nothing with it.
 */
public final class OraclePredictor implements ActivationPredictor {
    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat SINGLE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final RippleFile file;
    private final List<FfnLayerSection> layers;
    private final ActivityRule rule;
    private final Kernels kernels = KernelProvider.best();

    /** @param file a file of the same model (any placement), kept open by the caller */
    public OraclePredictor(RippleFile file, ActivityRule rule) {
        this.file = file;
        this.layers = file.layers();
        this.rule = rule;
    }

    @Override
    public String name() {
        return "oracle";
    }

    @Override
    public void predict(int layer, float[] x, MutableIntList out) {
        FfnLayerSection l = layers.get(layer);
        FfnLayerSpec s = l.spec();
        int d = s.dModel();
        int[] order = l.slotToNeuron();
        float[] acts = new float[s.dFfn()];
        float[] scratch = new float[d];
        MemorySegment m = file.mapped();
        for (int slot = 0; slot < s.dFfn(); slot++) {
            long base = l.bundleOffset(slot);
            float u = kernels.dot(s.dtype(), m, base, x, d, scratch) + bias(s, m, base + s.upBiasOffsetBytes());
            float g = s.gated()
                    ? kernels.dot(s.dtype(), m, base + s.gateOffsetBytes(), x, d, scratch)
                            + bias(s, m, base + s.gateBiasOffsetBytes())
                    : 0f;
            acts[order[slot]] = s.neuron(u, g);
        }
        rule.select(layer, acts, acts.length, out);
    }

    private static float bias(FfnLayerSpec s, MemorySegment m, long at) {
        return s.biasType().size() == 4 ? m.get(SINGLE, at) : s.biasType().decode(m.get(HALF, at));
    }
}
