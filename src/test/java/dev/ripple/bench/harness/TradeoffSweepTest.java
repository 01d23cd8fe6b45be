package dev.ripple.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.ripple.core.activity.ThresholdRule;
import dev.ripple.core.activity.TopKRule;
import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.core.format.FfnLayerSpec;
import dev.ripple.core.model.bert.BertConfig;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.Tensor;
import dev.ripple.core.tensor.TensorMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link TradeoffSweep#runAll} on a two-layer encoder with random weights (hidden size 8): a
 * configuration's point does not depend on what runs beside it, and one given twice runs once.
 * Three passages on two threads, so the passages do not divide evenly over the threads.
 */
class TradeoffSweepTest {
    private static final int H = 8;
    private static final int N = 32;
    private static final int LAYERS = 2;
    private static final int VOCAB = 12;
    private static final int POSITIONS = 8;

    private static final TradeoffSweep.Config DENSE =
            TradeoffSweep.Config.oracle("dense", TopKRule.ofFraction(1.0), null);
    private static final TradeoffSweep.Config POSITIVE =
            TradeoffSweep.Config.oracle("act > t", ThresholdRule.value(0f), null);

    private static float[] gaussian(Random r, int n, float scale, float offset) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = offset + (float) r.nextGaussian() * scale;
        }
        return a;
    }

    private static TradeoffSweep sweep() {
        Random r = new Random(11);
        List<Tensor> tensors = new ArrayList<>();
        tensors.add(Tensor.ofFloats("word", new long[] {VOCAB, H}, gaussian(r, VOCAB * H, 1f, 0f)));
        tensors.add(Tensor.ofFloats("position", new long[] {POSITIONS, H}, gaussian(r, POSITIONS * H, 0.3f, 0f)));
        tensors.add(Tensor.ofFloats("norm.w", new long[] {H}, gaussian(r, H, 0.1f, 1f)));
        tensors.add(Tensor.ofFloats("norm.b", new long[] {H}, gaussian(r, H, 0.1f, 0f)));
        List<BertConfig.Layer> described = new ArrayList<>();
        List<FfnLayerWeights> ffn = new ArrayList<>();
        for (int l = 0; l < LAYERS; l++) {
            String p = "l" + l + ".";
            for (String linear : List.of("q", "k", "v", "o")) {
                tensors.add(Tensor.ofFloats(p + linear, new long[] {H, H}, gaussian(r, H * H, 0.4f, 0f)));
                tensors.add(Tensor.ofFloats(p + linear + ".b", new long[] {H}, gaussian(r, H, 0.1f, 0f)));
            }
            for (String norm : List.of("an", "on")) {
                tensors.add(Tensor.ofFloats(p + norm + ".w", new long[] {H}, gaussian(r, H, 0.1f, 1f)));
                tensors.add(Tensor.ofFloats(p + norm + ".b", new long[] {H}, gaussian(r, H, 0.1f, 0f)));
            }
            described.add(new BertConfig.Layer(
                    p + "q",
                    p + "q.b",
                    p + "k",
                    p + "k.b",
                    p + "v",
                    p + "v.b",
                    p + "o",
                    p + "o.b",
                    p + "an.w",
                    p + "an.b",
                    p + "on.w",
                    p + "on.b"));
            ffn.add(new FfnLayerWeights(
                    new FfnLayerSpec(l, H, N, Activation.GELU, false, DType.F32),
                    gaussian(r, N * H, 0.4f, 0f),
                    null,
                    gaussian(r, N * H, 0.3f, 0f),
                    gaussian(r, N, 0.5f, 0f),
                    null,
                    gaussian(r, H, 0.1f, 0f)));
        }
        BertConfig config = new BertConfig(
                H,
                N,
                2,
                LAYERS,
                1e-12f,
                VOCAB,
                POSITIONS,
                0,
                "gelu",
                "mean",
                true,
                "word",
                "position",
                null,
                "norm.w",
                "norm.b",
                described);
        List<int[]> passages = List.of(new int[] {0, 3, 5, 1}, new int[] {0, 7, 1}, new int[] {0, 2, 9, 11, 4, 1});
        List<float[]> reference = passages.stream()
                .map(p -> gaussian(new Random(p.length), H, 1f, 0f))
                .toList();
        return new TradeoffSweep(config, new TensorMap("test encoder", tensors), ffn, passages, reference, 2);
    }

    @Test
    void eachPointIsTheOneItsConfigurationGivesAlone() throws InterruptedException {
        TradeoffSweep sweep = sweep();
        TradeoffPoint dense = sweep.runAll(List.of(DENSE), _ -> {}).getFirst();
        TradeoffPoint positive = sweep.runAll(List.of(POSITIVE), _ -> {}).getFirst();
        assertNotEquals(dense, positive, "the two rules must give different points for the check to mean anything");
        assertEquals(List.of(dense, positive), sweep.runAll(List.of(DENSE, POSITIVE), _ -> {}));
    }

    @Test
    void aConfigurationGivenTwiceRunsOnceAndBothEntriesGetItsPoint() throws InterruptedException {
        TradeoffSweep sweep = sweep();
        AtomicLong reports = new AtomicLong();
        AtomicLong highest = new AtomicLong();
        List<TradeoffPoint> points = sweep.runAll(List.of(DENSE, POSITIVE, DENSE), d -> {
            reports.incrementAndGet();
            highest.accumulateAndGet(d, Math::max);
        });
        assertEquals(3, points.size());
        assertSame(points.get(0), points.get(2));
        assertNotEquals(points.get(0), points.get(1));
        // one report per passage run: two configurations' passages, not three
        assertEquals(2L * sweep.passages(), reports.get());
        assertEquals(2L * sweep.passages(), highest.get());
    }
}
