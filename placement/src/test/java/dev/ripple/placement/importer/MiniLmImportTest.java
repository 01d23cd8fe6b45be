package dev.ripple.placement.importer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.placement.testdata.RealData;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end import of the real all-MiniLM-L6-v2 (from the langchain4j jar on the test class path). */
class MiniLmImportTest {
    static Path onnx;
    static ImportedModel model;

    @BeforeAll
    static void load() throws Exception {
        onnx = RealData.file(RealData.MINILM_ONNX);
        model = OnnxImporter.importModel(onnx, DType.F32);
    }

    @Test
    void sixGeluLayersOf384By1536() {
        assertEquals(6, model.layers().size());
        for (FfnLayerWeights w : model.weights()) {
            assertEquals(384, w.spec().dModel());
            assertEquals(1536, w.spec().dFfn());
            assertEquals(Activation.GELU, w.spec().activation());
        }
        ObjectNode a = model.architecture();
        assertEquals("bert", a.get("type").asText());
        assertEquals(384, a.get("hiddenSize").asInt());
        assertEquals(12, a.get("numHeads").asInt());
        assertEquals(32, a.get("headDim").asInt());
        assertEquals(6, a.get("numLayers").asInt());
        assertEquals(30522, a.get("vocabSize").asInt());
        assertEquals(512, a.get("maxPositions").asInt());
        assertEquals(2, a.get("typeVocabSize").asInt());
        assertEquals(1e-12, a.get("layerNormEps").asDouble(), 1e-18);
        assertEquals(6, a.get("layers").size());
        assertEquals(
                "/encoder/layer.3/intermediate/intermediate_act_fn/Mul_1_output_0",
                model.activationOutputs().get(3));
    }

    @Test
    void residentTensorsAreTheGraphsWeightsByRole() throws Exception {
        OnnxModel m = OnnxModel.read(onnx);
        Map<String, OnnxNode> byName = new HashMap<>();
        m.graph().nodes().forEach(n -> byName.put(n.name(), n));
        for (String role : List.of("query", "key", "value")) {
            OnnxNode mm = byName.get("/encoder/layer.2/attention/self/" + role + "/MatMul");
            Init w = Init.of(m, mm.input(1));
            float[] expected = Matrices.transpose(w.values, 384, 384);
            assertArrayEquals(
                    expected,
                    model.tensor("layers.2.attention." + role + ".weight").values(),
                    role);
            String biasName = "encoder.layer.2.attention.self." + role + ".bias";
            assertArrayEquals(
                    m.graph().initializers().get(biasName).toFloats(onnx),
                    model.tensor("layers.2.attention." + role + ".bias").values(),
                    role + " bias");
        }
        assertArrayEquals(
                m.graph()
                        .initializers()
                        .get("encoder.layer.5.output.LayerNorm.weight")
                        .toFloats(onnx),
                model.tensor("layers.5.output.norm.weight").values());
        assertArrayEquals(
                m.graph()
                        .initializers()
                        .get("encoder.layer.0.attention.output.LayerNorm.bias")
                        .toFloats(onnx),
                model.tensor("layers.0.attention.norm.bias").values());
        assertArrayEquals(
                m.graph()
                        .initializers()
                        .get("embeddings.word_embeddings.weight")
                        .toFloats(onnx),
                model.tensor("embeddings.word").values());
        assertArrayEquals(
                new long[] {512, 384}, model.tensor("embeddings.position").shape());
    }

    /** Values of one initializer (small helper so the test reads like the graph). */
    private record Init(float[] values) {
        static Init of(OnnxModel m, String name) throws ModelFormatException {
            return new Init(m.graph().initializers().get(name).toFloats(m.source()));
        }
    }

    @Test
    void denseForwardMatchesOnnxRuntime() throws Exception {
        String in = "/encoder/layer.1/attention/output/LayerNorm/Add_1_output_0";
        String act = model.activationOutputs().get(1);
        String out = "/encoder/layer.1/output/dense/Add_output_0";
        byte[] bytes = OnnxOutputsRewriter.withOutputs(OnnxModel.read(onnx), List.of(in, act, out));
        long[] ids = {101, 1996, 3222, 10217, 1012, 102};
        int n = ids.length;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(bytes, new OrtSession.SessionOptions());
                OnnxTensor tIds = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {1, n});
                OnnxTensor tMask = OnnxTensor.createTensor(
                        env, LongBuffer.wrap(new long[] {1, 1, 1, 1, 1, 1}), new long[] {1, n});
                OnnxTensor tType = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[n]), new long[] {1, n});
                OrtSession.Result r = s.run(
                        Map.of("input_ids", tIds, "attention_mask", tMask, "token_type_ids", tType),
                        Set.of(in, act, out))) {
            float[] x = floats(r, in);
            float[] a = floats(r, act);
            float[] y = floats(r, out);
            FfnLayerWeights w = model.weights(1);
            double maxErr = 0;
            for (int t = 0; t < n; t++) {
                float[] xt = Arrays.copyOfRange(x, t * 384, (t + 1) * 384);
                float[] yt = new float[384];
                w.denseForward(xt, yt);
                for (int k = 0; k < 384; k++) {
                    maxErr = Math.max(maxErr, Math.abs(yt[k] - y[t * 384 + k]) / (1 + Math.abs(y[t * 384 + k])));
                }
                for (int i = 0; i < 1536; i += 7) {
                    assertEquals(a[t * 1536 + i], w.activationOf(i, xt), 1e-4, "token " + t + " neuron " + i);
                }
            }
            assertTrue(maxErr < 1e-4, "FFN output differs from ONNX Runtime by " + maxErr);
        }
    }

    @Test
    void wholeEncoderRunsFromTheImportedTensorsAlone() throws Exception {
        long[] ids = {101, 1996, 3222, 10217, 2000, 1996, 4811, 1012, 102};
        int n = ids.length;
        long[] mask = new long[n];
        Arrays.fill(mask, 1);
        float[][] java = new BertReference(model).forward(ids, new long[n]);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(onnx.toString(), new OrtSession.SessionOptions());
                OnnxTensor tIds = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {1, n});
                OnnxTensor tMask = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), new long[] {1, n});
                OnnxTensor tType = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[n]), new long[] {1, n});
                OrtSession.Result r = s.run(
                        Map.of("input_ids", tIds, "attention_mask", tMask, "token_type_ids", tType),
                        Set.of("output_0"))) {
            float[] ort = floats(r, "output_0");
            assertEquals(n * 384, ort.length);
            double maxErr = 0;
            for (int t = 0; t < n; t++) {
                for (int k = 0; k < 384; k++) {
                    maxErr = Math.max(maxErr, Math.abs(java[t][k] - ort[t * 384 + k]));
                }
            }
            assertTrue(maxErr < 1e-3, "last hidden state differs from ONNX Runtime by " + maxErr);
        }
    }

    private static float[] floats(OrtSession.Result r, String name) {
        FloatBuffer b = ((OnnxTensor) r.get(name).orElseThrow()).getFloatBuffer();
        float[] v = new float[b.remaining()];
        b.get(v);
        return v;
    }

    @Test
    void importedModelWritesAndReopensAsRippleFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("minilm.ripple");
        RippleFileWriter.write(file, model.toContents());
        try (RippleFile f = RippleFile.open(file)) {
            assertEquals(6, f.layers().size());
        }
    }
}
