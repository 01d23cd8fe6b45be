package dev.ripple.core.runtime;

import dev.ripple.core.ffn.BundleRefs;
import dev.ripple.core.ffn.SparseFfnExecutor;
import dev.ripple.core.format.FfnLayerSection;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.model.FeedForward;
import dev.ripple.core.model.TokenStats;
import java.util.List;

/**
 * Every FFN layer of a {@code .ripple} file computed densely on its mapped bundles, in place: no
 * predictor, no cache, no reads (the OS pages the file in once). It is the reference the flash
 * runtime is checked against ("dense from flash equals dense in memory"), the FFN of the Java
 * profiler of decoders, which also needs each neuron's activation ({@link ActivationListener}), and
 * the "weights in DRAM" baseline of the benchmarks.
 *
 * <pre>{@code
 * try (RippleFile f = RippleFile.open(path)) {
 *     DecoderModel reference = DecoderModel.load(f, MappedFfn.of(f));
 * }
 * }</pre>
 *
 * <p>Thread-safe when its listener is.
 */
public final class MappedFfn implements FeedForward {

    /** Sees every token's FFN input and each neuron's exact activation (original neuron order). */
    @FunctionalInterface
    public interface ActivationListener {
        void onToken(int layer, float[] input, float[] activationByNeuron);
    }

    private final List<FfnLayerSection> layers;
    private final SparseFfnExecutor[] executors;
    /** Per layer, every slot's bundle in the mapped file: read-only once built, so shared by threads. */
    private final BundleRefs[] all;

    private final ActivationListener listener;

    private MappedFfn(RippleFile file, boolean fillIn, ActivationListener listener) {
        this.layers = file.layers();
        this.listener = listener;
        this.executors = new SparseFfnExecutor[layers.size()];
        this.all = new BundleRefs[layers.size()];
        for (FfnLayerSection l : layers) {
            int i = l.spec().index();
            executors[i] = RippleModel.executorFor(file, l, fillIn);
            BundleRefs refs = new BundleRefs();
            for (int slot = 0; slot < l.spec().dFfn(); slot++) {
                refs.add(slot, file.mapped(), l.bundleOffset(slot));
            }
            all[i] = refs;
        }
    }

    /** The dense FFN of every layer of {@code file}, exact (no fill-in). Valid while the file is open. */
    public static MappedFfn of(RippleFile file) {
        return new MappedFfn(file, false, null);
    }

    /** As {@link #of}, telling {@code listener} every token's input and activations. */
    public static MappedFfn recording(RippleFile file, ActivationListener listener) {
        return new MappedFfn(file, false, listener);
    }

    @Override
    public TokenStats forward(int layer, float[] x, float[] out) {
        return forwardAll(layer, new float[][] {x}, 1, new float[][] {out});
    }

    @Override
    public TokenStats forwardAll(int layer, float[][] xs, int n, float[][] outs) {
        long start = System.nanoTime();
        SparseFfnExecutor executor = executors[layer];
        int dFfn = layers.get(layer).spec().dFfn();
        if (listener != null || n == 1) {
            float[] bySlot = listener == null ? null : new float[dFfn];
            float[] byNeuron = listener == null ? null : new float[dFfn];
            int[] order = listener == null ? null : layers.get(layer).slotToNeuron();
            for (int t = 0; t < n; t++) {
                executor.forward(xs[t], all[layer], outs[t], bySlot);
                if (listener != null) {
                    for (int slot = 0; slot < dFfn; slot++) {
                        byNeuron[order[slot]] = bySlot[slot];
                    }
                    listener.onToken(layer, xs[t], byNeuron);
                }
            }
        } else {
            // Every token uses every bundle: each bundle is loaded once for the whole sequence.
            int[] usersStart = new int[dFfn + 1];
            int[] users = new int[dFfn * n];
            for (int i = 0; i < dFfn; i++) {
                usersStart[i + 1] = (i + 1) * n;
                for (int t = 0; t < n; t++) {
                    users[i * n + t] = t;
                }
            }
            executor.forwardAll(xs, n, all[layer], usersStart, users, outs);
        }
        return TokenStats.inMemory(layer, n, dFfn, System.nanoTime() - start);
    }
}
