package dev.ripple.core.ffn;

import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.RandomModels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

/**
 * Child-JVM side of {@link SparseFfnExecutorTest#outputsAreBitForBitTheSameFromTheFirstCallOn}: a
 * seeded MiniLM-shaped GELU layer (384 × 1536) in f32, f16 and Q8_0, a sequence through
 * {@code forwardAll} (two parts), its first token through {@code forward} over the same bundles
 * (one part) and over every bundle (four parts), computed first while the JVM is cold (the
 * kernels interpreted: the Vector API's Java fallbacks) and again after {@code calls} calls
 * (C2-compiled: its intrinsics). Run in a fresh JVM, since in a test JVM other tests may have
 * compiled the kernels already.
 *
 * <p>Argument: calls. Prints two lines, {@code cold} and {@code warm}, each the outputs' float bits in hex.
 */
public final class FirstCallProbe {
    static final DType[] DTYPES = {DType.F32, DType.F16, DType.Q8_0};
    private static final int D = 384;
    private static final int N = 1536;
    private static final int TOKENS = 9;
    /**
     * Every 16th neuron active: 96 bundles, 864 activations per layer through the vector GELU per
     * call (of which a few round differently when the exponential is not the same cold and warm),
     * and work enough for {@code forwardAll} to run in two parts.
     */
    private static final int STEP = 16;

    private FirstCallProbe() {}

    /** One layer of the probe with its active bundles and inputs, ready to be called repeatedly. */
    record Case(SparseFfnExecutor ffn, BundleRefs active, BundleRefs all, int[] usersStart, int[] users, float[][] xs) {
        /** The layer stored in each of {@link #DTYPES} (one set of seeded weights), with the same inputs. */
        static Case[] all(Arena arena) {
            Random rnd = new Random(11);
            FfnLayerWeights w32 = RandomModels.layer(rnd, 0, D, N, Activation.GELU, false, DType.F32);
            int[] order = RandomModels.shuffled(rnd, N);
            float[][] xs = new float[TOKENS][];
            for (int t = 0; t < TOKENS; t++) {
                xs[t] = RandomModels.randomFloats(rnd, D, 1f);
            }
            int[] usersStart = new int[(N + STEP - 1) / STEP + 1];
            int[] users = new int[(usersStart.length - 1) * TOKENS];
            for (int i = 0; i + 1 < usersStart.length; i++) {
                for (int t = 0; t < TOKENS; t++) {
                    users[i * TOKENS + t] = t;
                }
                usersStart[i + 1] = (i + 1) * TOKENS;
            }
            Case[] cases = new Case[DTYPES.length];
            for (int c = 0; c < cases.length; c++) {
                FfnLayerWeights w = new FfnLayerWeights(
                        w32.spec().withDtype(DTYPES[c]),
                        w32.up(),
                        null,
                        w32.downColumns(),
                        w32.upBias(),
                        null,
                        w32.downBias());
                MemorySegment seg = RandomModels.bundles(arena, w, order);
                BundleRefs active = new BundleRefs();
                BundleRefs all = new BundleRefs();
                for (int slot = 0; slot < N; slot++) {
                    all.add(slot, seg, (long) slot * w.spec().bundleBytes());
                    if (slot % STEP == 0) {
                        active.add(slot, seg, (long) slot * w.spec().bundleBytes());
                    }
                }
                cases[c] = new Case(new SparseFfnExecutor(w.spec(), w.downBias()), active, all, usersStart, users, xs);
            }
            return cases;
        }

        /**
         * The sequence's outputs, then the first token's through {@code forward} over the active
         * bundles and over all: (TOKENS + 2) × 384 floats.
         */
        float[] outputs() {
            float[][] outs = new float[TOKENS][D];
            ffn.forwardAll(xs, active, usersStart, users, outs);
            float[] values = new float[(TOKENS + 2) * D];
            for (int t = 0; t < TOKENS; t++) {
                System.arraycopy(outs[t], 0, values, t * D, D);
            }
            float[] one = new float[D];
            ffn.forward(xs[0], active, one, null);
            System.arraycopy(one, 0, values, TOKENS * D, D);
            ffn.forward(xs[0], all, one, null);
            System.arraycopy(one, 0, values, (TOKENS + 1) * D, D);
            return values;
        }
    }

    public static void main(String[] args) {
        int calls = Integer.parseInt(args[0]);
        try (Arena arena = Arena.ofShared()) {
            Case[] cases = Case.all(arena);
            StringBuilder cold = new StringBuilder("cold");
            for (Case k : cases) {
                append(cold, k.outputs());
            }
            for (int c = 0;
                    c < calls;
                    c++) { // the kernels and the executor's loops reach C2; splits add no loop of their own
                for (Case k : cases) {
                    k.ffn.forwardAll(k.xs, k.active, k.usersStart, k.users, new float[TOKENS][D]);
                    k.ffn.forward(k.xs[0], k.active, new float[D], null);
                }
            }
            StringBuilder warm = new StringBuilder("warm");
            for (Case k : cases) {
                append(warm, k.outputs());
            }
            System.out.println(cold);
            System.out.println(warm);
        }
    }

    static void append(StringBuilder line, float[] values) {
        for (float v : values) {
            line.append(' ').append(Integer.toHexString(Float.floatToRawIntBits(v)));
        }
    }
}
