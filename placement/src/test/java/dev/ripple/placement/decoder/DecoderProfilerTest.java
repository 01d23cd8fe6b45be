package dev.ripple.placement.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.activity.ActivityRule;
import dev.ripple.core.activity.PredictorKind;
import dev.ripple.core.activity.TracePredictor;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.model.decoder.DecoderModel;
import dev.ripple.core.model.decoder.Session;
import dev.ripple.core.runtime.MappedFfn;
import dev.ripple.core.runtime.RippleModel;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.core.tensor.DType;
import dev.ripple.io.reader.ReaderKind;
import dev.ripple.placement.importer.SafetensorsImporter;
import dev.ripple.placement.predictor.AheadMoments;
import dev.ripple.placement.profile.DecoderProfiler;
import dev.ripple.placement.profile.ProfileOptions;
import dev.ripple.placement.profile.ProfileProgress;
import dev.ripple.placement.profile.ProfileResult;
import dev.ripple.placement.synthetic.SyntheticDecoder;
import dev.ripple.placement.synthetic.SyntheticDecoderWriter;
import dev.ripple.placement.trace.ActivationTrace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Profiling a decoder with its own Java forward: the trace holds the true active sets (replaying
 * them reads only those neurons and gives the dense model's outputs), the planted sparsity is what
 * it records, and fill-in means and input moments come with it.
 */
class DecoderProfilerTest {
    @TempDir
    Path dir;

    @Test
    void theTraceHoldsTheTrueActiveSetsOfAReluDecoder() throws Exception {
        SyntheticDecoder spec = SyntheticDecoder.tinyOpt()
                .withInitStd(0.1)
                .withActiveFraction(0.1)
                .withSeed(5);
        Path file = imported(spec, "opt");
        Random rnd = new Random(1);
        List<int[]> passages = new ArrayList<>();
        for (int p = 0; p < 6; p++) {
            passages.add(rnd.ints(10 + p, 0, spec.vocabSize()).toArray());
        }
        ProfileResult r;
        try (DecoderProfiler profiler =
                DecoderProfiler.open(file, ProfileOptions.defaults().withMaxTokens(60))) {
            assertEquals("act > 0", profiler.rule().describe(), "ReLU's default rule");
            r = profiler.profile(passages, "random ids", ProfileProgress.NONE);
        }
        ActivationTrace t = r.trace();
        assertEquals(60, r.tokens(), "the token budget cuts the last passage");
        String layers = ",0".repeat(t.layers());
        IllegalArgumentException tooMany;
        try (DecoderProfiler profiler = DecoderProfiler.open(
                file, ProfileOptions.defaults().withRule(ActivityRule.parse("act > 0" + layers)))) {
            tooMany = assertThrows(
                    IllegalArgumentException.class,
                    () -> profiler.profile(passages, "random ids", ProfileProgress.NONE),
                    "a threshold per layer and one more");
        }
        assertTrue(
                tooMany.getMessage().contains((t.layers() + 1) + " thresholds, one per layer"), tooMany.getMessage());
        assertEquals(
                dir.resolve("opt").toRealPath().toString(),
                t.info().checkpoint(),
                "the checkpoint imported, for placing to tell it by its files");
        assertEquals(spec.numLayers(), t.layers());
        assertEquals(spec.numLayers(), r.inputMoments().size());
        assertEquals(60, r.inputMoments().getFirst().count());
        for (int l = 0; l < t.layers(); l++) {
            double share = r.meanActiveFraction()[l];
            assertTrue(share > 0.04 && share < 0.2, "layer " + l + ": planted 10%, recorded " + share);
            assertEquals(0.0, r.meanRelativeError()[l], 1e-6, "ReLU drops only zeros under act > 0");
        }

        // Replaying the recorded sets through the flash runtime reads only them and gives the dense outputs.
        List<List<int[]>> sets = new ArrayList<>();
        for (int l = 0; l < t.layers(); l++) {
            List<int[]> layer = new ArrayList<>();
            for (int k = 0; k < t.tokens(l); k++) {
                layer.add(t.active(l, k).toArray());
            }
            sets.add(layer);
        }
        RuntimeOptions dense = RuntimeOptions.defaults()
                .withReader(ReaderKind.POSITIONAL)
                .withPredictor(PredictorKind.DENSE)
                .withCache("none", 0);
        try (RippleModel m = RippleModel.open(file, dense);
                RippleModel replay = RippleModel.open(file, dense, new TracePredictor(sets), null)) {
            DecoderModel a = m.decoder().orElseThrow().withPrefillChunk(1);
            DecoderModel b = replay.decoder().orElseThrow().withPrefillChunk(1);
            for (int p = 0; p < 3; p++) {
                try (Session sa = a.newSession(32);
                        Session sb = b.newSession(32)) {
                    float[] la = a.prefill(sa, passages.get(p)).logits();
                    float[] lb = b.prefill(sb, passages.get(p)).logits();
                    Assertions.assertArrayEquals(la, lb, "passage " + p);
                }
            }
            assertTrue(
                    replay.stats().predicted() < m.stats().predicted() / 4, "the replay read the active neurons only");
        }
    }

    @Test
    void aGatedReluModelCountsNegativeActivationsAsActive() throws Exception {
        SyntheticDecoder spec = SyntheticDecoder.tinyLlama()
                .withInitStd(0.1)
                .withHiddenAct("fatrelu")
                .withActiveFraction(0.2)
                .withSeed(9);
        Path file = imported(spec, "llama");
        List<int[]> passages =
                List.of(new Random(2).ints(20, 0, spec.vocabSize()).toArray());
        try (DecoderProfiler profiler = DecoderProfiler.open(file, ProfileOptions.defaults())) {
            assertEquals("|act| > 0", profiler.rule().describe(), "relu(gate)·up is negative when up is");
            ProfileResult r = profiler.profile(passages, "random ids", ProfileProgress.NONE);
            for (int l = 0; l < spec.numLayers(); l++) {
                assertEquals(0.0, r.meanRelativeError()[l], 1e-6, "only exact zeros are dropped");
                assertTrue(
                        r.meanActiveFraction()[l] > 0.1 && r.meanActiveFraction()[l] < 0.35,
                        "planted 20%: " + r.meanActiveFraction()[l]);
            }
        }
    }

    @Test
    void layerInputsArePairedWithTheirFfnInputsForTheReadAhead() throws Exception {
        for (SyntheticDecoder spec : List.of(
                SyntheticDecoder.tinyOpt().withSeed(3),
                SyntheticDecoder.tinyOptPostLn().withSeed(4))) {
            Path file = imported(spec, spec.doLayerNormBefore() ? "pre" : "post");
            Random rnd = new Random(7);
            List<int[]> passages = List.of(
                    rnd.ints(9, 0, spec.vocabSize()).toArray(),
                    rnd.ints(14, 0, spec.vocabSize()).toArray());
            // 20 tokens: the second passage is cut at 11, so the pairs must stop where the budget does
            int budget = 20;
            ProfileResult r;
            try (DecoderProfiler profiler = DecoderProfiler.open(
                    file, ProfileOptions.defaults().withMaxTokens(budget).withAheadMoments(true))) {
                r = profiler.profile(passages, "random ids", ProfileProgress.NONE);
            }
            List<AheadMoments> ahead = r.trace().aheadMoments();
            assertEquals(spec.numLayers(), ahead.size());
            // The same tokens replayed with a listener on the model (layer inputs) and a recording FFN
            // (FFN inputs), paired token by token: the cross moment is the one figure that depends on
            // the pairing (up to float rounding: the profiler's FFN sums a layer's output in another order)
            List<AheadMoments.Builder> paired = new ArrayList<>();
            try (RippleFile f = RippleFile.open(file)) {
                int d = f.layers().getFirst().spec().dModel();
                for (int l = 0; l < spec.numLayers(); l++) {
                    paired.add(AheadMoments.builder(d));
                }
                int left = budget;
                for (int[] p : passages) {
                    int[] cut = Arrays.copyOf(p, Math.min(p.length, left));
                    left -= cut.length;
                    List<List<float[]>> ffnRows = new ArrayList<>();
                    List<List<float[]>> layerRows = new ArrayList<>();
                    for (int l = 0; l < spec.numLayers(); l++) {
                        ffnRows.add(new ArrayList<>());
                        layerRows.add(new ArrayList<>());
                    }
                    DecoderModel m = DecoderModel.load(
                                    f,
                                    MappedFfn.recording(
                                            f,
                                            (layer, x, byNeuron) ->
                                                    ffnRows.get(layer).add(x.clone())))
                            .withLayerInputs((layer, x) -> layerRows.get(layer).add(x.clone()));
                    try (Session s = m.newSession(32)) {
                        m.prefill(s, cut);
                    }
                    for (int l = 0; l < spec.numLayers(); l++) {
                        assertEquals(cut.length, layerRows.get(l).size());
                        for (int t = 0; t < cut.length; t++) {
                            paired.get(l)
                                    .add(ffnRows.get(l).get(t), layerRows.get(l).get(t), 1);
                        }
                    }
                }
            }
            for (int l = 0; l < spec.numLayers(); l++) {
                AheadMoments a = ahead.get(l);
                assertEquals(r.inputMoments().get(l), a.ffn(), "layer " + l + ": the FFN side is the input moments");
                AheadMoments expected = paired.get(l).build();
                assertEquals(budget, a.layer().count());
                assertArrayEquals(expected.layer().mean(), a.layer().mean(), 1e-5, "layer " + l);
                assertArrayEquals(expected.layer().second(), a.layer().second(), 1e-5, "layer " + l);
                assertArrayEquals(expected.cross(), a.cross(), 1e-5, "layer " + l + ": each token's two inputs paired");
            }
            try (DecoderProfiler profiler = DecoderProfiler.open(
                    file, ProfileOptions.defaults().withMaxTokens(budget).withAheadMoments(false))) {
                ProfileResult without = profiler.profile(passages, "random ids", ProfileProgress.NONE);
                assertTrue(without.trace().aheadMoments().isEmpty(), "turned off");
                assertEquals(r.inputMoments(), without.inputMoments(), "the same input moments either way");
            }
        }
    }

    /** The generated checkpoint imported with f32 bundles into {@code name}.ripple in the test's folder. */
    private Path imported(SyntheticDecoder spec, String name) throws Exception {
        Path hf = dir.resolve(name);
        SyntheticDecoderWriter.write(spec, hf, "F32", 1);
        Path file = dir.resolve(name + ".ripple");
        RippleFileWriter.write(
                file, SafetensorsImporter.importModel(hf, DType.F32).toContents());
        return file;
    }
}
