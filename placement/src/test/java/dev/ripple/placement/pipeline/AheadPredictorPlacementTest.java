package dev.ripple.placement.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.RippleFormat;
import dev.ripple.core.format.SectionEntry;
import dev.ripple.core.model.decoder.DecoderModel;
import dev.ripple.core.model.decoder.Session;
import dev.ripple.core.runtime.MappedFfn;
import dev.ripple.core.runtime.RippleModel;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.Tensor;
import dev.ripple.placement.algorithm.PlacementAlgorithms;
import dev.ripple.placement.importer.ImportedModel;
import dev.ripple.placement.profile.DecoderProfiler;
import dev.ripple.placement.profile.ProfileOptions;
import dev.ripple.placement.profile.ProfileProgress;
import dev.ripple.placement.synthetic.SyntheticDecoder;
import dev.ripple.placement.synthetic.SyntheticDecoderWriter;
import dev.ripple.placement.trace.ActivationTrace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read-ahead's predictor from profiling to the file, on a generated OPT checkpoint: a trace
 * with ahead moments places into a file with {@code ffn.<i>.ahead.*} factors of the low-rank
 * predictor's shapes (and the same low-rank factors as without), a trace without them into a file
 * with none; and on held-out tokens the stored ahead factors, given the layer input, find more of
 * the FFN's active neurons than the low-rank factors given the same input, at equal count.
 */
class AheadPredictorPlacementTest {
    private static final String[] PARTS = {"a", "b", "bias", "residual"};

    @TempDir
    Path dir;

    @Test
    void aTraceWithAheadMomentsPlacesTheReadAheadPredictorAndItPredictsBetterAhead() throws Exception {
        SyntheticDecoder spec = SyntheticDecoder.tinyOpt()
                .withInitStd(0.1)
                .withActiveFraction(0.1)
                .withSeed(11);
        Path hf = dir.resolve("hf");
        SyntheticDecoderWriter.write(spec, hf, "F32", 1);
        Path prepared = PlacementPipeline.prepareDecoder(hf, dir.resolve("work"), DType.F32, PipelineListener.NONE)
                .file();
        ActivationTrace calibration = profile(prepared, passages(spec, 1, 30), 1_000);
        assertEquals(spec.numLayers(), calibration.aheadMoments().size(), "a decoder's trace has them by default");
        ImportedModel model =
                PlacementPipeline.importModel(hf, ImportOptions.defaults().withBundles(DType.F32));
        Placement identity = PlacementPipeline.place(
                        calibration, null, List.of(PlacementAlgorithms.byName("identity")), PipelineListener.NONE)
                .first();

        Path with = dir.resolve("with.ripple");
        WrittenModel written = PlacementPipeline.write(
                model, identity, calibration, LayoutOptions.defaults(), with, PipelineListener.NONE);
        assertTrue(written.aheadPredictor());
        Path without = dir.resolve("without.ripple");
        WrittenModel plain = PlacementPipeline.write(
                model,
                identity,
                calibration.withAheadMoments(List.of()),
                LayoutOptions.defaults(),
                without,
                PipelineListener.NONE);
        assertFalse(plain.aheadPredictor());
        int rank = written.predictorRank();
        try (RippleFile a = RippleFile.open(with);
                RippleFile b = RippleFile.open(without)) {
            assertEquals(
                    "layer inputs",
                    a.provenance().path("predictor").path("ahead").asText());
            assertTrue(b.provenance().path("predictor").path("ahead").isMissingNode());
            assertTrue(
                    b.sections().stream().map(SectionEntry::name).noneMatch(n -> n.contains(".ahead.")),
                    "no ahead moments, no read-ahead factors");
            for (int l = 0; l < spec.numLayers(); l++) {
                int d = a.layers().get(l).spec().dModel();
                int n = a.layers().get(l).spec().dFfn();
                long[][] shapes = {{d, rank}, {rank, n}, {n}, {n}};
                for (int p = 0; p < PARTS.length; p++) {
                    Tensor t = a.tensor(RippleFormat.aheadTensor(l, PARTS[p])).orElseThrow();
                    assertArrayEquals(shapes[p], t.shape(), "layer " + l + " " + PARTS[p]);
                    assertEquals(DType.F32, t.dtype());
                    String lowRank = RippleFormat.lowRankTensor(l, PARTS[p]);
                    assertArrayEquals(
                            floats(b.tensor(lowRank).orElseThrow()),
                            floats(a.tensor(lowRank).orElseThrow()),
                            "layer " + l + ": the low-rank factors do not change");
                }
            }

            // Held-out tokens: each predictor ranks the neurons from the layer input, the top |S| are
            // its guess (seed 11: ahead 45% and 60% of the active neurons, low-rank 30% and 45%)
            Recall recall = heldOutRecall(a, passages(spec, 2, 10));
            for (int l = 0; l < spec.numLayers(); l++) {
                assertTrue(
                        recall.ahead[l] > recall.lowRank[l] + 0.05,
                        "layer " + l + ": ahead " + recall.ahead[l] + ", low-rank " + recall.lowRank[l]);
            }
        }
        // and the runtime's read-ahead runs what place wrote: the whole path, profile to prefetch
        try (RippleModel m = RippleModel.open(with, RuntimeOptions.defaults());
                RippleModel plainModel = RippleModel.open(without, RuntimeOptions.defaults())) {
            assertEquals("lowrank-ahead", m.readAheadPredictor().orElseThrow().name());
            assertEquals(
                    "lowrank", plainModel.readAheadPredictor().orElseThrow().name());
        }
    }

    /** Per layer, the mean recall of each predictor at the true active count. */
    private record Recall(double[] ahead, double[] lowRank) {}

    /**
     * Runs {@code passages} through the file's dense decoder, and scores, per token and layer, the
     * top-|S| neurons of each stored predictor given the layer input against the true active set S.
     */
    private static Recall heldOutRecall(RippleFile f, List<int[]> passages) {
        int layers = f.layers().size();
        List<List<float[]>> inputs = new ArrayList<>();
        List<List<float[]>> acts = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            inputs.add(new ArrayList<>());
            acts.add(new ArrayList<>());
        }
        DecoderModel m = DecoderModel.load(
                        f, MappedFfn.recording(f, (l, x, act) -> acts.get(l).add(act.clone())))
                .withLayerInputs((l, x) -> inputs.get(l).add(x.clone()));
        for (int[] p : passages) {
            try (Session s = m.newSession(64)) {
                m.prefill(s, p);
            }
        }
        double[] ahead = new double[layers];
        double[] lowRank = new double[layers];
        for (int l = 0; l < layers; l++) {
            Factors fa = Factors.of(f, l, true);
            Factors fl = Factors.of(f, l, false);
            int counted = 0;
            for (int t = 0; t < inputs.get(l).size(); t++) {
                float[] act = acts.get(l).get(t);
                int[] active =
                        IntStream.range(0, act.length).filter(i -> act[i] > 0).toArray();
                if (active.length == 0) {
                    continue;
                }
                float[] x = inputs.get(l).get(t);
                ahead[l] += hits(fa.scores(x), active);
                lowRank[l] += hits(fl.scores(x), active);
                counted++;
            }
            ahead[l] /= counted;
            lowRank[l] /= counted;
        }
        return new Recall(ahead, lowRank);
    }

    /** The share of {@code active} among the {@code active.length} highest scores. */
    private static double hits(float[] scores, int[] active) {
        Integer[] order = IntStream.range(0, scores.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> -scores[i]));
        boolean[] top = new boolean[scores.length];
        for (int k = 0; k < active.length; k++) {
            top[order[k]] = true;
        }
        return Arrays.stream(active).filter(i -> top[i]).count() / (double) active.length;
    }

    /** One stored set of factors: ẑ = (x·A)·B + bias. */
    private record Factors(int d, int r, int n, float[] a, float[] b, float[] bias) {
        static Factors of(RippleFile f, int layer, boolean ahead) {
            float[][] parts = new float[3][];
            for (int p = 0; p < 3; p++) {
                String name =
                        ahead ? RippleFormat.aheadTensor(layer, PARTS[p]) : RippleFormat.lowRankTensor(layer, PARTS[p]);
                parts[p] = floats(f.tensor(name).orElseThrow());
            }
            int n = parts[2].length;
            int r = parts[1].length / n;
            return new Factors(parts[0].length / r, r, n, parts[0], parts[1], parts[2]);
        }

        float[] scores(float[] x) {
            float[] h = new float[r];
            for (int i = 0; i < d; i++) {
                for (int k = 0; k < r; k++) {
                    h[k] += x[i] * a[i * r + k];
                }
            }
            float[] z = bias.clone();
            for (int k = 0; k < r; k++) {
                for (int j = 0; j < n; j++) {
                    z[j] += h[k] * b[k * n + j];
                }
            }
            return z;
        }
    }

    private static float[] floats(Tensor t) {
        float[] v = new float[(int) t.elementCount()];
        t.copyTo(0, v, 0, v.length);
        return v;
    }

    private static List<int[]> passages(SyntheticDecoder spec, long seed, int count) {
        Random rnd = new Random(seed);
        List<int[]> out = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            out.add(rnd.ints(40, 0, spec.vocabSize()).toArray());
        }
        return out;
    }

    private static ActivationTrace profile(Path file, List<int[]> passages, int tokens) throws Exception {
        try (DecoderProfiler profiler = DecoderProfiler.open(
                file, ProfileOptions.defaults().withMaxTokens(tokens).withAheadMoments(true))) {
            return profiler.profile(passages, "random ids", ProfileProgress.NONE)
                    .trace();
        }
    }
}
