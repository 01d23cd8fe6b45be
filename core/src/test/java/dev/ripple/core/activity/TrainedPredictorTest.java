package dev.ripple.core.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.tensor.kernels.KernelProvider;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;
import org.junit.jupiter.api.Test;

/** The trained predictor's evaluation: the best kernels against the scalar reference, and its decision rule. */
class TrainedPredictorTest {
    private static TrainedPredictor.Layer layer(long seed, int d, int h, int n, float threshold) {
        Random r = new Random(seed);
        return new TrainedPredictor.Layer(
                d,
                h,
                n,
                gaussian(r, d * h),
                gaussian(r, h),
                gaussian(r, h * n),
                gaussian(r, n),
                threshold,
                seed % 2 == 1,
                null);
    }

    private static float[] gaussian(Random r, int size) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = (float) r.nextGaussian() * 0.2f;
        }
        return a;
    }

    /** Reference: the two products written out in double precision. */
    private static float[] reference(TrainedPredictor.Layer f, float[] x) {
        double[] hid = new double[f.hidden()];
        for (int j = 0; j < f.hidden(); j++) {
            double s = f.b1()[j];
            for (int k = 0; k < f.dModel(); k++) {
                s += (double) x[k] * f.w1()[k * f.hidden() + j];
            }
            hid[j] = f.relu() ? Math.max(0, s) : s;
        }
        float[] z = new float[f.dFfn()];
        for (int i = 0; i < f.dFfn(); i++) {
            double s = f.b2()[i];
            for (int j = 0; j < f.hidden(); j++) {
                s += hid[j] * f.w2()[j * f.dFfn() + i];
            }
            z[i] = (float) s;
        }
        return z;
    }

    /** Odd sizes, so the vector kernels' tails are exercised too. */
    @Test
    void bestKernelsMatchTheScalarTwinAndTheReference() {
        List<TrainedPredictor.Layer> layers = List.of(layer(1, 37, 13, 101, 0.1f), layer(2, 64, 32, 256, -0.2f));
        TrainedPredictor best = new TrainedPredictor(layers, KernelProvider.best());
        TrainedPredictor scalar = new TrainedPredictor(layers, KernelProvider.scalar());
        Random r = new Random(3);
        for (int trial = 0; trial < 50; trial++) {
            int l = trial % 2;
            float[] x = gaussian(r, layers.get(l).dModel());
            float[] zb = best.logits(l, x);
            float[] zs = scalar.logits(l, x);
            float[] zr = reference(layers.get(l), x);
            for (int i = 0; i < zb.length; i++) {
                assertEquals(zr[i], zs[i], 1e-4f, "scalar vs reference, neuron " + i);
                assertEquals(zs[i], zb[i], 1e-4f, "best vs scalar, neuron " + i);
            }
            IntArrayList pb = new IntArrayList();
            IntArrayList ps = new IntArrayList();
            best.predict(l, x, pb);
            scalar.predict(l, x, ps);
            float t = layers.get(l).threshold();
            for (int i = 0; i < zs.length; i++) {
                if (Math.abs(zs[i] - t) > 1e-3f) {
                    assertEquals(zs[i] > t, pb.contains(i), "best kernels, neuron " + i);
                    assertEquals(zs[i] > t, ps.contains(i), "scalar kernels, neuron " + i);
                }
            }
        }
    }

    @Test
    void thresholdsMoveTheCut() {
        TrainedPredictor p = new TrainedPredictor(List.of(layer(4, 8, 4, 50, 0f)));
        float[] x = gaussian(new Random(5), 8);
        IntArrayList all = new IntArrayList();
        p.withThresholds(new float[] {Float.NEGATIVE_INFINITY}).predict(0, x, all);
        assertEquals(50, all.size());
        IntArrayList none = new IntArrayList();
        p.withThresholds(new float[] {Float.POSITIVE_INFINITY}).predict(0, x, none);
        assertTrue(none.isEmpty());
        IntArrayList some = new IntArrayList();
        p.predict(0, x, some);
        assertTrue(some.size() > 0 && some.size() < 50, "threshold 0 splits random logits: " + some.size());
        assertEquals(4L * (8 + 50), p.layer(0).multiplyAdds());
        TrainedPredictor.Layer base = p.layer(0);
        float[] dip = new float[50];
        Arrays.fill(dip, Float.NEGATIVE_INFINITY);
        float[] z = p.logits(0, x);
        dip[7] = z[7] + 1;
        TrainedPredictor withDip = new TrainedPredictor(List.of(new TrainedPredictor.Layer(
                8, 4, 50, base.w1(), base.b1(), base.w2(), base.b2(), Float.POSITIVE_INFINITY, base.relu(), dip)));
        IntArrayList dipped = new IntArrayList();
        withDip.predict(0, x, dipped);
        assertEquals(IntArrayList.newListWith(7), dipped, "a logit below its dip bound is predicted active");
    }

    @Test
    void rejectsBadShapes() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new TrainedPredictor.Layer(
                        4, 2, 3, new float[7], new float[2], new float[6], new float[3], 0f, true, null));
        assertThrows(IllegalArgumentException.class, () -> new TrainedPredictor(List.of()));
        TrainedPredictor p = new TrainedPredictor(List.of(layer(4, 8, 4, 50, 0f)));
        assertThrows(IllegalArgumentException.class, () -> p.withThresholds(new float[2]));
    }
}
