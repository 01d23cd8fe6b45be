package dev.ripple.placement.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.placement.importer.ModelFormatException;
import dev.ripple.placement.importer.OnnxModel;
import dev.ripple.placement.importer.UnsupportedModelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the exporter accepts and refuses, the metadata it records, and the size it is made for. */
class SyntheticOnnxExporterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void metadataSaysTheWeightsAreGenerated() throws Exception {
        ExportedCheckpoint model = ExportedCheckpoint.write(dir, SyntheticDecoder.tinyQwen2(), "F32", 1);
        Path hf = model.hf();
        Path onnx = model.onnx();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
                OrtSession s = env.createSession(onnx.toString(), so)) {
            Map<String, String> m = s.getMetadata().getCustomMetadata();
            assertEquals("generated", m.get("ripple.weights"));
            assertEquals("qwen2", m.get("ripple.model_type"));
            assertEquals("2", m.get("ripple.num_layers"));
            assertEquals("128", m.get("ripple.max_positions"));
            assertTrue(
                    s.getMetadata().getDescription().contains("generated weights"),
                    s.getMetadata().getDescription());
            assertEquals(3 + 2 * 2, s.getInputNames().size());
            assertEquals(1 + 2 * 2, s.getOutputNames().size());
        }
        Map<String, String> metadata = OnnxModel.readMetadata(onnx);
        assertEquals("generated", metadata.get(GeneratedWeights.ONNX_METADATA_KEY));
        assertEquals("qwen2", metadata.get("ripple.model_type"), "the streamed read finds what ONNX Runtime finds");
        Path cut = dir.resolve("cut.onnx");
        byte[] whole = Files.readAllBytes(onnx);
        Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
        assertThrows(ModelFormatException.class, () -> OnnxModel.readMetadata(cut), "a truncated model is refused");
        assertFalse(GeneratedWeights.of(cut), "and is not labelled (the command that opens it reports it)");
        assertTrue(GeneratedWeights.of(onnx), "an exported generated model is labelled from its metadata");
        assertTrue(GeneratedWeights.of(hf));

        // A mark without weights = generated is no mark, by every reader: the config, the export, the label.
        ObjectNode c = (ObjectNode) JSON.readTree(hf.resolve("config.json").toFile());
        ((ObjectNode) c.get(SyntheticDecoderWriter.LABEL)).remove("weights");
        Files.writeString(hf.resolve("config.json"), c.toString());
        assertFalse(HfDecoderConfig.read(hf).generated());
        assertFalse(GeneratedWeights.of(hf));

        c.remove(SyntheticDecoderWriter.LABEL);
        Files.writeString(hf.resolve("config.json"), c.toString());
        DecoderOnnxExporter.export(hf, onnx);
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
                OrtSession s = env.createSession(onnx.toString(), so)) {
            assertEquals("checkpoint", s.getMetadata().getCustomMetadata().get("ripple.weights"));
        }
        assertFalse(GeneratedWeights.of(onnx));
    }

    /** A Mistral config over the same weights gives the same logits, and its sliding window limits the positions. */
    @Test
    void mistralIsLlamaWithinItsWindow() throws Exception {
        Path hf = dir.resolve("hf");
        SyntheticDecoderWriter.write(SyntheticDecoder.tinyLlama().withInitStd(0.1), hf, "F32", 1);
        Path llama = dir.resolve("llama.onnx");
        DecoderOnnxExporter.export(hf, llama);
        ObjectNode c = (ObjectNode) JSON.readTree(hf.resolve("config.json").toFile());
        c.put("model_type", "mistral");
        c.put("sliding_window", 16);
        c.remove("attention_bias");
        Files.writeString(hf.resolve("config.json"), c.toString());
        Path mistral = dir.resolve("mistral.onnx");
        DecoderOnnxExporter.export(hf, mistral);
        int[] ids = {5, 9, 200, 7};
        try (OrtDecoder a = OrtDecoder.open(llama, 1);
                OrtDecoder b = OrtDecoder.open(mistral, 1)) {
            assertEquals(128, a.maxPositions());
            assertEquals(16, b.maxPositions());
            assertArrayEquals(a.prefill(ids), b.prefill(ids));
        }
    }

    @Test
    void unsupportedConfigsAreRefused() throws Exception {
        Path hf = dir.resolve("hf");
        SyntheticDecoderWriter.write(SyntheticDecoder.tinyLlama(), hf, "F32", 1);
        ObjectNode original =
                (ObjectNode) JSON.readTree(hf.resolve("config.json").toFile());
        Path onnx = dir.resolve("m.onnx");
        String[][] edits = {
            {"model_type", "gpt2"},
            {"hidden_act", "gelu"},
            {"attention_bias", "true"},
            {"mlp_bias", "true"},
            {"rope_scaling", "{\"rope_type\": \"yarn\", \"factor\": 4.0}"}
        };
        for (String[] e : edits) {
            ObjectNode c = original.deepCopy();
            c.set(e[0], JSON.readTree(e[1].startsWith("{") || e[1].equals("true") ? e[1] : "\"" + e[1] + "\""));
            Files.writeString(hf.resolve("config.json"), c.toString());
            UnsupportedModelException x =
                    assertThrows(UnsupportedModelException.class, () -> DecoderOnnxExporter.export(hf, onnx), e[0]);
            assertTrue(x.getMessage().contains("config.json"), x.getMessage());
        }
        assertFalse(Files.exists(onnx), "nothing written");
    }

    @Test
    void missingOrMisshapenTensorsAreNamed() throws Exception {
        Path hf = dir.resolve("hf");
        SyntheticDecoderWriter.write(SyntheticDecoder.tinyLlama(), hf, "F32", 1);
        ObjectNode c = (ObjectNode) JSON.readTree(hf.resolve("config.json").toFile());
        c.put("intermediate_size", 128);
        Files.writeString(hf.resolve("config.json"), c.toString());
        ModelFormatException e =
                assertThrows(ModelFormatException.class, () -> DecoderOnnxExporter.export(hf, dir.resolve("m.onnx")));
        assertTrue(
                e.getMessage().contains("model.layers.0.mlp.gate_proj.weight")
                        && e.getMessage().contains("[256, 64]")
                        && e.getMessage().contains("[128, 64]"),
                e.getMessage());
        c.put("intermediate_size", 256);
        c.put("tie_word_embeddings", true);
        c.put("num_hidden_layers", 3);
        Files.writeString(hf.resolve("config.json"), c.toString());
        e = assertThrows(ModelFormatException.class, () -> DecoderOnnxExporter.export(hf, dir.resolve("m.onnx")));
        assertTrue(
                e.getMessage().contains("model.layers.2.") && e.getMessage().contains("not in the checkpoint"),
                e.getMessage());
        Files.delete(hf.resolve("model.safetensors"));
        e = assertThrows(ModelFormatException.class, () -> DecoderOnnxExporter.export(hf, dir.resolve("m.onnx")));
        assertTrue(
                e.getMessage().contains("neither model.safetensors nor model.safetensors.index.json"), e.getMessage());
    }

    /** The protobuf limit is checked before anything is written (no data is pulled for it). */
    @Test
    void modelsBeyondTwoGibAreRefusedBeforeWriting() {
        OnnxModelWriter g = new OnnxModelWriter("big", 17);
        g.streamed("w", new long[] {600_000_000L}, sink -> {
            throw new AssertionError("no data should be read");
        });
        Path file = dir.resolve("big.onnx");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.write(file));
        assertTrue(e.getMessage().contains("2 GiB"), e.getMessage());
        assertFalse(Files.exists(file));
    }

    /**
     * OPT-125m's full shape (F16 checkpoint, 0.5 GB ONNX) exports and runs: prefill then steps equal one
     * prefill, and at the realistic init scale the logits are finite and neither vanish nor explode.
     */
    @Test
    @Tag("slow")
    void opt125mExportsAndRuns() throws Exception {
        Path hf = dir.resolve("opt125m");
        long t0 = System.nanoTime();
        SyntheticDecoderWriter.write(
                SyntheticDecoder.opt125m().withActiveFraction(0.1).withClusters(96), hf, "F16", 1);
        long t1 = System.nanoTime();
        Path onnx = dir.resolve("opt125m.onnx");
        DecoderOnnxExporter.export(hf, onnx);
        long t2 = System.nanoTime();
        int[] ids = SyntheticOrtDecoderTest.randomIds(50272, 12, 3);
        try (OrtDecoder ort = OrtDecoder.open(onnx, 2)) {
            float[][] all = ort.prefillAll(ids);
            ort.reset();
            ort.prefill(Arrays.copyOf(ids, 8));
            for (int k = 8; k < 12; k++) {
                SyntheticOrtDecoderTest.assertClose(all[k], ort.next(ids[k]), "step " + k);
            }
            for (float[] row : all) {
                double sum = 0;
                double sq = 0;
                for (float v : row) {
                    assertTrue(Float.isFinite(v));
                    sum += v;
                    sq += v * v;
                }
                double std = Math.sqrt(sq / row.length - (sum / row.length) * (sum / row.length));
                assertTrue(std > 0.05 && std < 20, "logit std " + std);
            }
        }
        System.out.printf(
                "opt-125m: write %.1f s, export %.1f s (%d MB), run %.1f s%n",
                (t1 - t0) / 1e9, (t2 - t1) / 1e9, Files.size(onnx) >> 20, (System.nanoTime() - t2) / 1e9);
    }
}
