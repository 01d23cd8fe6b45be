package dev.ripple.core.testing;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.core.format.BundleEncoder;
import dev.ripple.core.format.FfnLayerSpec;
import dev.ripple.core.format.Permutations;
import dev.ripple.core.format.PlacedLayer;
import dev.ripple.core.format.ResidentTensor;
import dev.ripple.core.format.RippleContents;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Seeded random models for tests: weights, placements, resident tensors and a blob. */
public final class RandomModels {
    private RandomModels() {}

    public static float[] randomFloats(Random rnd, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextGaussian() * scale);
        }
        return a;
    }

    public static FfnLayerWeights layer(
            Random rnd, int index, int dModel, int dFfn, Activation act, boolean gated, DType dtype) {
        FfnLayerSpec spec = new FfnLayerSpec(index, dModel, dFfn, act, gated, dtype);
        int m = dModel * dFfn;
        float scale = (float) (1.0 / Math.sqrt(dModel));
        return new FfnLayerWeights(
                spec,
                randomFloats(rnd, m, scale),
                gated ? randomFloats(rnd, m, scale) : null,
                randomFloats(rnd, m, scale),
                randomFloats(rnd, dFfn, 0.1f),
                gated ? randomFloats(rnd, dFfn, 0.1f) : null,
                randomFloats(rnd, dModel, 0.1f));
    }

    /** A random permutation of 0..n-1 (Fisher–Yates). */
    public static int[] shuffled(Random rnd, int n) {
        return Permutations.random(n, rnd::nextInt);
    }

    /** A small model: {@code layers} FFN layers with random placements, two tensors and a blob. */
    public static RippleContents model(
            long seed, int layers, int dModel, int dFfn, Activation act, boolean gated, DType dtype) {
        Random rnd = new Random(seed);
        ObjectNode arch = JsonNodeFactory.instance.objectNode();
        arch.put("type", "test");
        arch.put("hiddenSize", dModel);
        arch.put("layers", layers);
        ObjectNode prov = JsonNodeFactory.instance.objectNode();
        prov.put("sourceModel", "random seed " + seed);
        prov.putObject("placement").put("algorithm", "random");
        RippleContents c = new RippleContents()
                .architecture(arch)
                .provenance(prov)
                .addTensor(new ResidentTensor(
                        "embeddings.word", DType.F32, new long[] {7, dModel}, randomFloats(rnd, 7 * dModel, 1f)))
                .addTensor(new ResidentTensor("norm.weight", dtype, new long[] {dModel}, randomFloats(rnd, dModel, 1f)))
                .addBlob("tokenizer.json", ("{\"seed\":" + seed + "}").getBytes(StandardCharsets.UTF_8));
        for (int l = 0; l < layers; l++) {
            c.addLayer(new PlacedLayer(layer(rnd, l, dModel, dFfn, act, gated, dtype), shuffled(rnd, dFfn)));
        }
        return c;
    }

    /** Layer {@code layer}'s weights in a model built by {@link #model}. */
    public static FfnLayerWeights weights(RippleContents c, int layer) {
        return (FfnLayerWeights) c.layers().get(layer).weights();
    }

    /** Lays out the bundles of {@code w} in slot order {@code order} in one segment, as on flash. */
    public static MemorySegment bundles(Arena arena, FfnLayerWeights w, int[] order) {
        FfnLayerSpec s = w.spec();
        MemorySegment seg = arena.allocate((long) s.dFfn() * s.bundleBytes(), 64);
        float[] bundle = new float[s.bundleElements()];
        BundleEncoder encoder = new BundleEncoder(s);
        for (int slot = 0; slot < order.length; slot++) {
            w.bundleOf(order[slot], bundle, 0);
            MemorySegment.copy(encoder.encode(bundle), 0, seg, (long) slot * s.bundleBytes(), s.bundleBytes());
        }
        return seg;
    }

    /** ‖a − b‖ / ‖b‖, in double precision. */
    public static double relativeError(float[] a, float[] b) {
        double num = 0;
        double den = 0;
        for (int k = 0; k < b.length; k++) {
            num += Math.pow(a[k] - b[k], 2);
            den += Math.pow(b[k], 2);
        }
        return Math.sqrt(num / Math.max(den, 1e-30));
    }
}
