package dev.ripple.placement.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.activity.MissingPredictorException;
import dev.ripple.core.activity.PredictorKind;
import dev.ripple.core.activity.TrainedPredictor;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.runtime.RippleModel;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.placement.algorithm.PlacementAlgorithms;
import dev.ripple.placement.importer.ImportedModel;
import dev.ripple.placement.profile.ProfileOptions;
import dev.ripple.placement.profile.ProfileResult;
import dev.ripple.placement.testdata.RealData;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trained predictor through the pipeline on the real all-MiniLM-L6-v2: trained on profiled
 * Europarl text (deterministic whatever the threads), stored by {@code write} with
 * {@link LayoutOptions#withTrained}, read back from the file predicting bit for bit what the
 * in-memory one predicts, and loaded by the runtime when asked; the default layout stores none.
 */
class TrainedPredictorPipelineTest {
    @TempDir
    static Path dir;

    static Path onnx;
    static Path tokenizer;
    static List<String> passages;
    static ProfileResult calibration;
    static ImportedModel model;
    static TrainedFit fit;
    static Map<String, long[]> progress = new HashMap<>();

    static TrainingOptions small(int threads) {
        return TrainingOptions.defaults()
                .withRank(16)
                .withMaxTokens(700)
                .withEpochs(1)
                .withSeed(7)
                .withThreads(threads);
    }

    @BeforeAll
    static void train() throws Exception {
        onnx = RealData.file(RealData.MINILM_ONNX);
        tokenizer = RealData.file(RealData.MINILM_TOKENIZER);
        passages = RealData.europarlHalfHeldOut().calibration().subList(0, 60);
        calibration = PlacementPipeline.profile(
                onnx,
                tokenizer,
                passages,
                "europarl, calibration",
                ProfileOptions.defaults().withMaxTokens(800),
                PipelineListener.NONE);
        model = PlacementPipeline.importModel(onnx, ImportOptions.defaults());
        fit = PlacementPipeline.trainPredictor(
                onnx,
                tokenizer,
                passages,
                calibration.trace(),
                small(2),
                (step, done, total) -> progress.put(step, new long[] {done, total}));
    }

    @Test
    void trainingReportsItsSplitAndProgressAndIsDeterministicWhateverTheThreads() throws Exception {
        assertEquals(6, fit.predictor().layers());
        assertEquals(16, fit.hidden());
        assertEquals(calibration.rule().describe(), fit.rule());
        assertTrue(fit.trainTokens() > 0 && fit.validationTokens() > 0, fit.toString());
        assertTrue(fit.trainTokens() + fit.validationTokens() <= 700);
        assertArrayEquals(new long[] {6, 6}, progress.get("train the predictor"));
        long[] profiled = progress.get("profile for the trained predictor");
        assertEquals(fit.trainTokens() + fit.validationTokens(), profiled[0]);
        for (int l = 0; l < 6; l++) {
            assertTrue(fit.validationRecall()[l] >= 0.975, "layer " + l + " recall " + fit.validationRecall()[l]);
            assertTrue(fit.validationReadShare()[l] > 0 && fit.validationReadShare()[l] <= 1);
        }
        TrainedFit again = PlacementPipeline.trainPredictor(
                onnx, tokenizer, passages, calibration.trace(), small(1), PipelineListener.NONE);
        for (int l = 0; l < 6; l++) {
            TrainedPredictor.Layer a = fit.predictor().layer(l);
            TrainedPredictor.Layer b = again.predictor().layer(l);
            assertArrayEquals(a.w1(), b.w1(), "layer " + l);
            assertArrayEquals(a.w2(), b.w2(), "layer " + l);
            assertArrayEquals(a.b2(), b.b2(), "layer " + l);
            assertEquals(a.threshold(), b.threshold(), "layer " + l);
        }
    }

    @Test
    void storedInTheFileItPredictsBitForBitWhatTheInMemoryOneDoes() throws Exception {
        Path out = writeIdentity(
                "trained.ripple", LayoutOptions.defaults().withPredictorRank(16).withTrained(fit));
        TrainedPredictor memory = fit.predictor();
        Random r = new Random(5);
        try (RippleFile f = RippleFile.open(out)) {
            f.verify();
            assertTrue(TrainedPredictor.isStoredIn(f));
            var prov = f.provenance().path(TrainedPredictor.PROVENANCE);
            assertFalse(prov.path("relu").asBoolean(true), "the low-rank start is linear");
            assertEquals(0.975, prov.path("recallTarget").asDouble());
            assertEquals(7, prov.path("seed").asLong());
            assertEquals(
                    "lowrank", f.provenance().path("predictor").path("kind").asText(), "low-rank stays");
            TrainedPredictor stored = TrainedPredictor.read(f);
            for (int t = 0; t < 30; t++) {
                int l = t % 6;
                float[] x = new float[384];
                for (int k = 0; k < x.length; k++) {
                    x[k] = (float) r.nextGaussian();
                }
                assertArrayEquals(memory.logits(l, x), stored.logits(l, x), "layer " + l);
                IntArrayList a = new IntArrayList();
                IntArrayList b = new IntArrayList();
                memory.predict(l, x, a);
                stored.predict(l, x, b);
                assertEquals(a, b, "layer " + l);
                assertEquals(memory.layer(l).threshold(), stored.layer(l).threshold());
            }
        }
        try (RippleModel m = RippleModel.open(
                out,
                RuntimeOptions.defaults().withPredictor(PredictorKind.TRAINED).withCache("none", 0))) {
            assertEquals("trained", m.predictor().name());
            float[] embedding = m.encoder().orElseThrow().embed(new int[] {101, 7592, 2088, 102});
            assertEquals(384, embedding.length);
        }
    }

    @Test
    void theDefaultLayoutStoresNoneAndTheRuntimeRefusesItNamingTheFile() throws Exception {
        Path out = writeIdentity("plain.ripple", LayoutOptions.defaults().withPredictorRank(8));
        try (RippleFile f = RippleFile.open(out)) {
            assertFalse(TrainedPredictor.isStoredIn(f));
        }
        MissingPredictorException e = assertThrows(
                MissingPredictorException.class,
                () -> RippleModel.open(out, RuntimeOptions.defaults().withPredictor(PredictorKind.TRAINED)));
        assertEquals(out, e.file());
        try (RippleModel m = RippleModel.open(out, RuntimeOptions.defaults().withCache("none", 0))) {
            assertEquals("lowrank", m.predictor().name());
        }
    }

    @Test
    void aDecoderOrTooFewPassagesAreRefused() {
        IllegalArgumentException few = assertThrows(
                IllegalArgumentException.class,
                () -> PlacementPipeline.trainPredictor(
                        onnx, tokenizer, passages.subList(0, 3), calibration.trace(), small(1), PipelineListener.NONE));
        assertTrue(few.getMessage().contains("at least 5 passages"), few.getMessage());
        IllegalArgumentException decoder = assertThrows(
                IllegalArgumentException.class,
                () -> PlacementPipeline.trainPredictor(
                        dir, tokenizer, passages, calibration.trace(), small(1), PipelineListener.NONE));
        assertTrue(decoder.getMessage().contains("decoders are not supported"), decoder.getMessage());
    }

    /** The model in identity order with {@code options}, written to {@code name} in the test's folder. */
    private static Path writeIdentity(String name, LayoutOptions options) throws Exception {
        Placement identity = PlacementPipeline.place(
                        calibration.trace(),
                        null,
                        List.of(PlacementAlgorithms.byName("identity")),
                        PipelineListener.NONE)
                .first();
        Path out = dir.resolve(name);
        PlacementPipeline.write(model, identity, calibration.trace(), options, out, PipelineListener.NONE);
        return out;
    }
}
