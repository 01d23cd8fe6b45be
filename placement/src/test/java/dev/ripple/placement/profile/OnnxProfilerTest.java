package dev.ripple.placement.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.activity.ThresholdRule;
import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.core.tensor.Activation;
import dev.ripple.placement.importer.GeneratedFfnModel;
import dev.ripple.placement.trace.ActivationTrace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.roaringbitmap.ImmutableBitmapDataProvider;

/**
 * Profiles generated models in a real ONNX Runtime session and checks every recorded active set
 * against the activations computed in Java from the generated weights.
 */
class OnnxProfilerTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = GeneratedFfnModel.Style.class)
    void activeSetsMatchJavaReference(GeneratedFfnModel.Style style) throws Exception {
        long seed = 1234 + style.ordinal();
        int vocab = 17;
        int d = 12;
        int f = 40;
        GeneratedFfnModel g = new GeneratedFfnModel(style, 3, vocab, d, f, seed, false);
        Path file = dir.resolve(style + ".onnx");
        Files.write(file, g.bytes);
        Random rnd = new Random(seed);
        List<EncodedPassage> passages = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            int n = 3 + rnd.nextInt(6);
            long[] ids = new long[n];
            for (int i = 0; i < n; i++) {
                ids[i] = rnd.nextInt(vocab);
            }
            passages.add(new EncodedPassage(ids, new long[n], new long[n]));
        }
        boolean byValue = style.ordinal() % 2 == 0;
        ThresholdRule rule = byValue
                ? new ThresholdRule(ThresholdRule.Mode.VALUE, new float[] {0f, 0f, 0.1f})
                : new ThresholdRule(ThresholdRule.Mode.MAGNITUDE, new float[] {0.05f, 0.05f, 0.2f});
        ProfileOptions opts = ProfileOptions.defaults().withRule(rule).withThreads(1);
        long[] progressTokens = {0};
        try (OnnxProfiler profiler = OnnxProfiler.open(file, null, opts)) {
            ProfileResult r = profiler.profileEncoded(passages, "generated", (t, max, n) -> progressTokens[0] = t);
            int total = passages.stream().mapToInt(EncodedPassage::length).sum();
            assertEquals(total, r.tokens());
            assertEquals(total, progressTokens[0]);
            ActivationTrace trace = r.trace();
            assertEquals(total, trace.info().tokens());
            assertEquals(rule.describe(), trace.info().rule());
            int[] starts = trace.passageStarts();
            assertEquals(passages.size(), starts.length);
            for (int p = 1; p < starts.length; p++) {
                assertEquals(starts[p - 1] + passages.get(p - 1).length(), starts[p]);
            }
            List<FfnLayerWeights> layers = profiler.model().weights();
            int token = 0;
            int borderline = 0;
            double[][] sumAct = new double[layers.size()][f];
            double[][] sumIn = new double[layers.size()][d];
            double[][] sumOuter = new double[layers.size()][d * d];
            for (EncodedPassage p : passages) {
                for (long id : p.ids()) {
                    float[] h = new float[d];
                    System.arraycopy(g.embedding, (int) id * d, h, 0, d);
                    for (int l = 0; l < layers.size(); l++) {
                        FfnLayerWeights w = layers.get(l);
                        for (int a = 0; a < d; a++) {
                            sumIn[l][a] += h[a];
                            for (int b = 0; b < d; b++) {
                                sumOuter[l][a * d + b] += (double) h[a] * h[b];
                            }
                        }
                        ImmutableBitmapDataProvider recorded = trace.active(l, token);
                        for (int i = 0; i < f; i++) {
                            float a = w.activationOf(i, h);
                            sumAct[l][i] += a;
                            float margin = Math.abs((byValue ? a : Math.abs(a)) - rule.threshold(l));
                            if (margin < 1e-4f && a != 0f) {
                                borderline++;
                                continue;
                            }
                            assertEquals(
                                    rule.isActive(l, a),
                                    recorded.contains(i),
                                    style + " seed " + seed + " token " + token + " layer " + l + " neuron " + i
                                            + " act " + a);
                        }
                        float[] y = new float[d];
                        w.denseForward(h, y);
                        for (int k = 0; k < d; k++) {
                            h[k] += y[k];
                        }
                    }
                    token++;
                }
            }
            float[][] meanAct = r.meanActivation();
            for (int l = 0; l < layers.size(); l++) {
                for (int i = 0; i < f; i++) {
                    assertEquals(
                            sumAct[l][i] / total, meanAct[l][i], 1e-4, "mean activation, layer " + l + " neuron " + i);
                }
            }
            // The FFN inputs came back from ONNX Runtime as extra outputs: their moments are the
            // Java reference's, and the trace carries them to 'ripple place'.
            assertEquals(layers.size(), r.inputMoments().size());
            assertEquals(r.inputMoments(), trace.inputMoments());
            for (int l = 0; l < layers.size(); l++) {
                var m = r.inputMoments().get(l);
                assertEquals(total, m.count());
                for (int a = 0; a < d; a++) {
                    assertEquals(sumIn[l][a] / total, m.mean()[a], 1e-4, "input mean, layer " + l);
                    for (int b = 0; b < d; b++) {
                        assertEquals(
                                sumOuter[l][a * d + b] / total,
                                m.second()[a * d + b],
                                1e-4 * (1 + Math.abs(m.second()[a * d + b])),
                                "input second moment, layer " + l);
                    }
                }
            }
            if (byValue) {
                for (float m : r.meanInactiveActivation()[0]) {
                    assertTrue(m <= 1e-5f, "inactive under act > 0 means a non-positive mean, got " + m);
                }
            }
            assertTrue(borderline < total * f / 100, "too many borderline activations: " + borderline);
            for (double frac : r.meanActiveFraction()) {
                assertTrue(frac > 0 && frac < 1, "active fraction " + frac);
            }
            for (int l = 0; l < r.meanRelativeError().length; l++) {
                double e = r.meanRelativeError()[l];
                assertTrue(e >= 0 && e < 1.5, "relative error " + e);
                if (style == GeneratedFfnModel.Style.RELU && l < 2) {
                    assertEquals(0.0, e, "act > 0 drops only zeros of a ReLU, so it loses nothing");
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GeneratedFfnModel.Style.class)
    void withoutARuleTheModelsActivationChoosesIt(GeneratedFfnModel.Style style) throws Exception {
        GeneratedFfnModel g = new GeneratedFfnModel(style, 2, 9, 8, 16, 7, false);
        Path file = dir.resolve(style + "-default.onnx");
        Files.write(file, g.bytes);
        try (OnnxProfiler profiler =
                OnnxProfiler.open(file, null, ProfileOptions.defaults().withThreads(1))) {
            boolean relu = style.activation == Activation.RELU;
            String expected =
                    style.gated() ? (relu ? "|act| > 0" : "|act| > 0.05") : (relu ? "act > 0" : "act > -0.05");
            assertEquals(expected, profiler.rule().describe());
            ProfileResult r = profiler.profileEncoded(
                    List.of(new EncodedPassage(new long[] {1, 2, 3}, new long[3], new long[3])),
                    "generated",
                    (t, max, n) -> {});
            assertEquals(expected, r.trace().info().rule());
        }
    }
}
