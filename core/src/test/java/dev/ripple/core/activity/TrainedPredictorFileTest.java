package dev.ripple.core.activity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.format.FileFormatException.Problem;
import dev.ripple.core.format.ResidentTensor;
import dev.ripple.core.format.RippleContents;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.format.RippleFormat;
import dev.ripple.core.format.RippleFormatException;
import dev.ripple.core.runtime.RippleModel;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.kernels.KernelProvider;
import dev.ripple.core.testing.RandomModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trained predictor stored in a {@code .ripple} file: read back it predicts bit for bit what
 * the networks it was written from predict; a file without one still opens and refuses it with a
 * typed error naming the file; a stored network of the wrong shape is a format error.
 */
class TrainedPredictorFileTest {
    private static final int LAYERS = 2;
    private static final int D = 32;
    private static final int N = 200;
    private static final int H = 12;

    @TempDir
    Path dir;

    /** Layer 0 rectified without dip bounds, layer 1 with them and an infinite threshold in layer 1. */
    private static List<TrainedPredictor.Layer> networks(boolean relu) {
        Random r = new Random(11);
        List<TrainedPredictor.Layer> out = new ArrayList<>();
        for (int l = 0; l < LAYERS; l++) {
            float[] dip = l == 1 ? RandomModels.randomFloats(r, N, 3f) : null;
            out.add(new TrainedPredictor.Layer(
                    D,
                    H,
                    N,
                    RandomModels.randomFloats(r, D * H, 0.3f),
                    RandomModels.randomFloats(r, H, 0.3f),
                    RandomModels.randomFloats(r, H * N, 0.3f),
                    RandomModels.randomFloats(r, N, 0.3f),
                    l == 0 ? 0.05f : -0.1f,
                    relu,
                    dip));
        }
        return out;
    }

    /** Says in the provenance whether the hidden layer is rectified, as the placement pipeline writes it. */
    private static void flag(RippleContents c, boolean relu) {
        ObjectNode prov = c.provenance();
        prov.putObject(TrainedPredictor.PROVENANCE).put("relu", relu);
        c.provenance(prov);
    }

    private Path write(String name, List<TrainedPredictor.Layer> networks, boolean relu) throws Exception {
        RippleContents c = RandomModels.model(5, LAYERS, D, N, Activation.GELU, false, DType.F32);
        if (networks != null) {
            for (int l = 0; l < networks.size(); l++) {
                TrainedPredictor.tensors(l, networks.get(l)).forEach(c::addTensor);
            }
            flag(c, relu);
        }
        Path file = dir.resolve(name);
        RippleFileWriter.write(file, c);
        return file;
    }

    @Test
    void readBackItPredictsBitForBitWhatItWasWrittenFrom() throws Exception {
        for (boolean relu : new boolean[] {true, false}) {
            List<TrainedPredictor.Layer> networks = networks(relu);
            Path file = write("trained-" + relu + ".ripple", networks, relu);
            TrainedPredictor memory = new TrainedPredictor(networks, KernelProvider.best());
            try (RippleFile f = RippleFile.open(file)) {
                f.verify();
                assertTrue(TrainedPredictor.isStoredIn(f));
                TrainedPredictor stored = TrainedPredictor.read(f);
                assertEquals(LAYERS, stored.layers());
                assertEquals(relu, stored.layer(0).relu());
                assertEquals(null, stored.layer(0).dip());
                assertArrayEquals(networks.get(1).dip(), stored.layer(1).dip());
                Random r = new Random(3);
                for (int t = 0; t < 40; t++) {
                    int l = t % LAYERS;
                    float[] x = RandomModels.randomFloats(r, D, 1f);
                    assertArrayEquals(memory.logits(l, x), stored.logits(l, x), "layer " + l + " token " + t);
                    IntArrayList a = new IntArrayList();
                    IntArrayList b = new IntArrayList();
                    memory.predict(l, x, a);
                    stored.predict(l, x, b);
                    assertEquals(a, b, "layer " + l + " token " + t);
                }
            }
            // the runtime loads the same predictor when asked for it
            RuntimeOptions options = RuntimeOptions.defaults()
                    .withPredictor(PredictorKind.TRAINED)
                    .withCache("none", 0);
            try (RippleModel m = RippleModel.open(file, options)) {
                assertEquals("trained", m.predictor().name());
                float[] x = RandomModels.randomFloats(new Random(9), D, 1f);
                IntArrayList a = new IntArrayList();
                IntArrayList b = new IntArrayList();
                m.predictor().predict(1, x, a);
                memory.predict(1, x, b);
                assertEquals(b, a);
            }
        }
    }

    @Test
    void anInfiniteThresholdSurvivesTheFile() throws Exception {
        List<TrainedPredictor.Layer> networks = new ArrayList<>(networks(true));
        networks.set(0, networks.get(0).withThreshold(Float.POSITIVE_INFINITY));
        Path file = write("inf.ripple", networks, true);
        try (RippleFile f = RippleFile.open(file)) {
            assertEquals(
                    Float.POSITIVE_INFINITY, TrainedPredictor.read(f).layer(0).threshold());
        }
    }

    @Test
    void aFileWithoutOneStillOpensAndRefusesItWithATypedErrorNamingTheFile() throws Exception {
        Path file = write("plain.ripple", null, false);
        try (RippleFile f = RippleFile.open(file)) {
            assertFalse(TrainedPredictor.isStoredIn(f));
            MissingPredictorException e = assertThrows(MissingPredictorException.class, () -> TrainedPredictor.read(f));
            assertEquals(file, e.file());
            assertEquals(PredictorKind.TRAINED, e.kind());
        }
        try (RippleModel m = RippleModel.open(
                file,
                RuntimeOptions.defaults().withPredictor(PredictorKind.DENSE).withCache("none", 0))) {
            assertEquals(LAYERS, m.layerCount());
        }
        MissingPredictorException e = assertThrows(
                MissingPredictorException.class,
                () -> RippleModel.open(file, RuntimeOptions.defaults().withPredictor(PredictorKind.TRAINED)));
        assertTrue(e.getMessage().startsWith(file + ": has no trained predictor"), e.getMessage());
        assertTrue(e.getMessage().contains("ripple place --predictor trained"), e.getMessage());
        MissingPredictorException low = assertThrows(
                MissingPredictorException.class,
                () -> RippleModel.open(file, RuntimeOptions.defaults().withPredictor(PredictorKind.LOWRANK)));
        assertEquals(PredictorKind.LOWRANK, low.kind());
    }

    @Test
    void aTensorOfTheWrongShapeIsAFormatErrorNamingIt() throws Exception {
        List<TrainedPredictor.Layer> networks = networks(true);
        RippleContents c = RandomModels.model(5, LAYERS, D, N, Activation.GELU, false, DType.F32);
        for (int l = 0; l < LAYERS; l++) {
            for (ResidentTensor t : TrainedPredictor.tensors(l, networks.get(l))) {
                if (l == 1 && t.name().equals(RippleFormat.trainedTensor(1, "w2"))) {
                    // a w2 cut short by one neuron, as a damaged or hand-edited file might hold
                    c.addTensor(new ResidentTensor(t.name(), DType.F32, new long[] {H, N - 1}, new float[H * (N - 1)]));
                } else {
                    c.addTensor(t);
                }
            }
        }
        flag(c, true);
        Path file = dir.resolve("bad-shape.ripple");
        RippleFileWriter.write(file, c);
        try (RippleFile f = RippleFile.open(file)) {
            RippleFormatException e = assertThrows(RippleFormatException.class, () -> TrainedPredictor.read(f));
            assertEquals(Problem.INCONSISTENT, e.problem());
            assertEquals("tensor " + RippleFormat.trainedTensor(1, "w2"), e.section());
            assertTrue(e.getMessage().contains("[12, 199]"), e.getMessage());
        }
        Exception e = assertThrows(
                Exception.class,
                () -> RippleModel.open(file, RuntimeOptions.defaults().withPredictor(PredictorKind.TRAINED)));
        assertInstanceOf(RippleFormatException.class, e);
    }

    @Test
    void aMissingLayerTensorOrRectifierFlagIsAFormatError() throws Exception {
        List<TrainedPredictor.Layer> networks = networks(false);
        RippleContents c = RandomModels.model(5, LAYERS, D, N, Activation.GELU, false, DType.F32);
        TrainedPredictor.tensors(0, networks.get(0)).forEach(c::addTensor); // layer 1 has none
        flag(c, false);
        Path file = dir.resolve("one-layer.ripple");
        RippleFileWriter.write(file, c);
        try (RippleFile f = RippleFile.open(file)) {
            RippleFormatException e = assertThrows(RippleFormatException.class, () -> TrainedPredictor.read(f));
            assertEquals("tensor " + RippleFormat.trainedTensor(1, "w1"), e.section());
        }
        RippleContents noFlag = RandomModels.model(5, LAYERS, D, N, Activation.GELU, false, DType.F32);
        for (int l = 0; l < LAYERS; l++) {
            TrainedPredictor.tensors(l, networks.get(l)).forEach(noFlag::addTensor);
        }
        Path file2 = dir.resolve("no-flag.ripple");
        RippleFileWriter.write(file2, noFlag);
        try (RippleFile f = RippleFile.open(file2)) {
            RippleFormatException e = assertThrows(RippleFormatException.class, () -> TrainedPredictor.read(f));
            assertTrue(e.getMessage().contains("trainedPredictor.relu"), e.getMessage());
        }
    }
}
