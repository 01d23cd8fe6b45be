package dev.ripple.placement.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.placement.importer.SafetensorsFile;
import dev.ripple.placement.synthetic.SyntheticDecoder.RopeScaling;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the writer puts on disk: config.json fields per family (and the exact text transformers
 * writes), Hugging Face tensor names and PyTorch shapes, sharding, dtype rounding, determinism and
 * the atomic replacement of an earlier write.
 */
class SyntheticDecoderWriterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    // ---------------------------------------------------------------- config.json

    @Test
    void llamaConfigIsTheTextTransformersWrites() throws Exception {
        SyntheticDecoderWriter.write(SyntheticDecoder.tinyLlama(), dir, "F32", 1);
        String text = Files.readString(dir.resolve("config.json"));
        String expected = """
                {
                  "architectures": [
                    "LlamaForCausalLM"
                  ],
                  "attention_bias": false,
                  "attention_dropout": 0.0,
                  "bos_token_id": 1,
                  "eos_token_id": 2,
                  "head_dim": 16,
                  "hidden_act": "silu",
                  "hidden_size": 64,
                  "initializer_range": 0.02,
                  "intermediate_size": 256,
                  "max_position_embeddings": 128,
                  "mlp_bias": false,
                  "model_type": "llama",
                  "num_attention_heads": 4,
                  "num_hidden_layers": 2,
                  "num_key_value_heads": 2,
                  "pretraining_tp": 1,
                """;
        assertTrue(text.startsWith(expected), text);
        assertTrue(text.endsWith("""
                  "rms_norm_eps": 1e-05,
                  "rope_scaling": null,
                  "rope_theta": 10000.0,
                  "tie_word_embeddings": false,
                  "torch_dtype": "float32",
                  "transformers_version": "4.46.3",
                  "use_cache": true,
                  "vocab_size": 512
                }
                """), text);
    }

    @Test
    void optConfig() throws Exception {
        SyntheticDecoderWriter.write(SyntheticDecoder.tinyOptPostLn(), dir, "F16", 1);
        JsonNode c = config();
        assertEquals("opt", c.get("model_type").asText());
        assertEquals("OPTForCausalLM", c.get("architectures").get(0).asText());
        assertEquals(64, c.get("hidden_size").asInt());
        assertEquals(256, c.get("ffn_dim").asInt());
        assertEquals(2, c.get("num_hidden_layers").asInt());
        assertEquals(4, c.get("num_attention_heads").asInt());
        assertEquals(512, c.get("vocab_size").asInt());
        assertEquals(64, c.get("max_position_embeddings").asInt());
        assertEquals(32, c.get("word_embed_proj_dim").asInt());
        assertFalse(c.get("do_layer_norm_before").asBoolean());
        assertEquals("relu", c.get("activation_function").asText());
        assertTrue(c.get("enable_bias").asBoolean());
        assertTrue(c.get("layer_norm_elementwise_affine").asBoolean());
        assertFalse(c.get("_remove_final_layer_norm").asBoolean());
        assertEquals(2, c.get("bos_token_id").asInt());
        assertEquals(2, c.get("eos_token_id").asInt());
        assertEquals(1, c.get("pad_token_id").asInt());
        assertEquals("float16", c.get("torch_dtype").asText());
        assertFalse(c.has("tie_word_embeddings"), "OPT ties by default; transformers omits the key");
        assertFalse(c.has("num_key_value_heads"));
        assertEquals("generated", c.get("ripple_synthetic").get("weights").asText());
    }

    @Test
    void qwen2ConfigWithFatreluAndLlama3Scaling() throws Exception {
        SyntheticDecoder spec = SyntheticDecoder.tinyQwen2()
                .withHiddenAct("fatrelu")
                .withActiveFraction(0.1)
                .withRopeScaling(new RopeScaling(8, 1, 4, 64));
        SyntheticDecoderWriter.write(spec, dir, "BF16", 1);
        JsonNode c = config();
        assertEquals("qwen2", c.get("model_type").asText());
        assertEquals("Qwen2ForCausalLM", c.get("architectures").get(0).asText());
        assertEquals(2, c.get("num_key_value_heads").asInt());
        assertEquals(1e-6, c.get("rms_norm_eps").asDouble());
        assertEquals(1e6, c.get("rope_theta").asDouble());
        assertTrue(c.get("tie_word_embeddings").asBoolean());
        assertFalse(c.get("use_sliding_window").asBoolean());
        assertFalse(c.has("attention_bias"), "Qwen2 always has q/k/v biases and no such key");
        assertEquals("fatrelu", c.get("hidden_act").asText());
        // threshold = initStd · sqrt(d (1 + 0.05²)) · Φ⁻¹(0.9)
        assertEquals(
                0.02 * Math.sqrt(64 * 1.0025) * 1.2815515655446004,
                c.get("hidden_act_param").asDouble(),
                1e-9);
        JsonNode rs = c.get("rope_scaling");
        assertEquals("llama3", rs.get("rope_type").asText());
        assertEquals(8.0, rs.get("factor").asDouble());
        assertEquals(1.0, rs.get("low_freq_factor").asDouble());
        assertEquals(4.0, rs.get("high_freq_factor").asDouble());
        assertEquals(64, rs.get("original_max_position_embeddings").asInt());
        assertEquals("bfloat16", c.get("torch_dtype").asText());
    }

    @Test
    void theLabelGivesTheSpecificationBack() throws Exception {
        SyntheticDecoder spec = SyntheticDecoder.tinyLlama()
                .withHiddenAct("drelu")
                .withActiveFraction(0.15)
                .withClusters(8)
                .withClusterMixing(0.3)
                .withSeed(-42)
                .withRopeScaling(new RopeScaling(4, 1, 2, 32))
                .withInitStd(0.05);
        SyntheticDecoderWriter.write(spec, dir, "F32", 1);
        assertEquals(spec, SyntheticDecoder.fromCheckpoint(dir).orElseThrow());
        SyntheticDecoder opt = SyntheticDecoder.tinyOptPostLn().withActiveFraction(0.05);
        SyntheticDecoderWriter.write(opt, dir, "F32", 1);
        assertEquals(opt, SyntheticDecoder.fromCheckpoint(dir).orElseThrow());
        assertTrue(SyntheticDecoder.fromCheckpoint(dir.resolve("nowhere")).isEmpty());
    }

    @Test
    void pythonFloatRepr() {
        String[][] cases = {
            {"1e-05", "1e-5"},
            {"1e-06", "1e-6"},
            {"10000.0", "10000"},
            {"500000.0", "5e5"},
            {"0.02", "0.02"},
            {"1000000.0", "1e6"},
            {"1e+16", "1e16"},
            {"0.0001", "1e-4"},
            {"1.5e-07", "1.5e-7"},
            {"123.456", "123.456"},
            {"-0.5", "-0.5"},
            {"0.0", "0"},
            {"9999999999999998.0", "9999999999999998"},
            {"0.20530440080622944", "0.20530440080622944"}
        };
        for (String[] c : cases) {
            assertEquals(c[0], PythonJson.pythonFloat(Double.parseDouble(c[1])), c[1]);
        }
    }

    // ---------------------------------------------------------------- tensors

    @Test
    void optTensorNamesAndShapes() throws Exception {
        SyntheticDecoderWriter.write(SyntheticDecoder.tinyOpt(), dir, "F32", 1);
        Map<String, long[]> expected = new LinkedHashMap<>();
        String m = "model.decoder.";
        expected.put(m + "embed_tokens.weight", new long[] {512, 64});
        expected.put(m + "embed_positions.weight", new long[] {66, 64});
        for (int i = 0; i < 2; i++) {
            String l = m + "layers." + i + ".";
            for (String p : List.of("q_proj", "k_proj", "v_proj", "out_proj")) {
                expected.put(l + "self_attn." + p + ".weight", new long[] {64, 64});
                expected.put(l + "self_attn." + p + ".bias", new long[] {64});
            }
            for (String n : List.of("self_attn_layer_norm", "final_layer_norm")) {
                expected.put(l + n + ".weight", new long[] {64});
                expected.put(l + n + ".bias", new long[] {64});
            }
            expected.put(l + "fc1.weight", new long[] {256, 64});
            expected.put(l + "fc1.bias", new long[] {256});
            expected.put(l + "fc2.weight", new long[] {64, 256});
            expected.put(l + "fc2.bias", new long[] {64});
        }
        expected.put(m + "final_layer_norm.weight", new long[] {64});
        expected.put(m + "final_layer_norm.bias", new long[] {64});
        assertShapes(expected, shapes(SafetensorsFile.open(dir.resolve("model.safetensors"))));
    }

    @Test
    void optPostLnHasProjectionsAndNoFinalNorm() throws Exception {
        SyntheticDecoderWriter.write(SyntheticDecoder.tinyOptPostLn(), dir, "F32", 1);
        Map<String, long[]> s = shapes(SafetensorsFile.open(dir.resolve("model.safetensors")));
        assertArrayEquals(new long[] {512, 32}, s.get("model.decoder.embed_tokens.weight"));
        assertArrayEquals(
                new long[] {66, 64}, s.get("model.decoder.embed_positions.weight"), "positions are hidden-wide");
        assertArrayEquals(new long[] {64, 32}, s.get("model.decoder.project_in.weight"));
        assertArrayEquals(new long[] {32, 64}, s.get("model.decoder.project_out.weight"));
        assertFalse(s.containsKey("model.decoder.final_layer_norm.weight"));
        assertFalse(s.containsKey("model.decoder.project_in.bias"));
        assertFalse(s.containsKey("lm_head.weight"));
        assertEquals(2 + 2 + 2 * 16, s.size());
    }

    @Test
    void llamaTensorNamesAndShapes() throws Exception {
        for (boolean qwen : new boolean[] {false, true}) {
            SyntheticDecoder spec = qwen ? SyntheticDecoder.tinyQwen2() : SyntheticDecoder.tinyLlama();
            SyntheticDecoderWriter.write(spec, dir, "F32", 1);
            Map<String, long[]> expected = new LinkedHashMap<>();
            expected.put("model.embed_tokens.weight", new long[] {512, 64});
            for (int i = 0; i < 2; i++) {
                String l = "model.layers." + i + ".";
                expected.put(l + "self_attn.q_proj.weight", new long[] {64, 64});
                expected.put(l + "self_attn.k_proj.weight", new long[] {32, 64}); // 2 kv heads × 16
                expected.put(l + "self_attn.v_proj.weight", new long[] {32, 64});
                expected.put(l + "self_attn.o_proj.weight", new long[] {64, 64});
                if (qwen) {
                    expected.put(l + "self_attn.q_proj.bias", new long[] {64});
                    expected.put(l + "self_attn.k_proj.bias", new long[] {32});
                    expected.put(l + "self_attn.v_proj.bias", new long[] {32});
                }
                expected.put(l + "mlp.gate_proj.weight", new long[] {256, 64});
                expected.put(l + "mlp.up_proj.weight", new long[] {256, 64});
                expected.put(l + "mlp.down_proj.weight", new long[] {64, 256});
                expected.put(l + "input_layernorm.weight", new long[] {64});
                expected.put(l + "post_attention_layernorm.weight", new long[] {64});
            }
            expected.put("model.norm.weight", new long[] {64});
            if (!qwen) {
                expected.put("lm_head.weight", new long[] {512, 64});
            }
            assertShapes(expected, shapes(SafetensorsFile.open(dir.resolve("model.safetensors"))));
        }
    }

    /** Parameter counts of the full-size presets equal the published counts of the models they copy. */
    @Test
    void presetsHaveThePublishedParameterCounts() {
        assertEquals(125_239_296L, SyntheticDecoder.opt125m().parameterCount());
        assertEquals(331_196_416L, SyntheticDecoder.opt350m().parameterCount());
        assertEquals(6_738_415_616L, SyntheticDecoder.llama2_7b().parameterCount());
        assertEquals(8_030_261_248L, SyntheticDecoder.llama31_8b().parameterCount());
        assertEquals(494_032_768L, SyntheticDecoder.qwen2_0_5b().parameterCount());
        SyntheticDecoder like = SyntheticDecoder.opt350mLike(4, 256, 4, 128, 1000);
        assertFalse(like.doLayerNormBefore());
        assertEquals(1024, like.intermediateSize());
        assertEquals(128, like.wordEmbedProjDim());
        Map<String, long[]> s = new TreeMap<>();
        for (SyntheticTensors.Planned p : SyntheticTensors.plan(SyntheticDecoder.llama31_8b())) {
            s.put(p.name(), p.shape());
        }
        assertArrayEquals(new long[] {1024, 4096}, s.get("model.layers.31.self_attn.k_proj.weight"));
        assertArrayEquals(new long[] {4096, 14336}, s.get("model.layers.31.mlp.down_proj.weight"));
        assertArrayEquals(new long[] {128256, 4096}, s.get("lm_head.weight"));
    }

    @Test
    void shardsHoldTheSameTensorsAsOneFile() throws Exception {
        SyntheticDecoder spec = SyntheticDecoder.tinyQwen2().withClusters(4);
        Path one = dir.resolve("one");
        Path three = dir.resolve("three");
        SyntheticDecoderWriter.write(spec, one, "F32", 1);
        SyntheticDecoderWriter.write(spec, three, "F32", 3);
        assertFalse(Files.exists(three.resolve("model.safetensors")));
        JsonNode index =
                JSON.readTree(three.resolve("model.safetensors.index.json").toFile());
        SafetensorsFile single = SafetensorsFile.open(one.resolve("model.safetensors"));
        Map<String, SafetensorsFile> shards = new TreeMap<>();
        long total = 0;
        for (int i = 1; i <= 3; i++) {
            String name = "model-0000" + i + "-of-00003.safetensors";
            SafetensorsFile f = SafetensorsFile.open(three.resolve(name));
            assertFalse(f.entries().isEmpty(), name + " is empty");
            shards.put(name, f);
            for (SafetensorsFile.Entry e : f.entries().values()) {
                total += e.length();
            }
        }
        assertEquals(total, index.get("metadata").get("total_size").asLong());
        JsonNode map = index.get("weight_map");
        assertEquals(single.entries().size(), map.size());
        for (String name : single.entries().keySet()) {
            SafetensorsFile shard = shards.get(map.get(name).asText());
            assertArrayEquals(single.read(name), shard.read(name), name);
        }
    }

    @Test
    void halfPrecisionIsTheRoundedF32() throws Exception {
        SyntheticDecoder spec = SyntheticDecoder.tinyOpt().withActiveFraction(0.2);
        SyntheticDecoderWriter.write(spec, dir.resolve("f32"), "F32", 1);
        SyntheticDecoderWriter.write(spec, dir.resolve("f16"), "F16", 1);
        SyntheticDecoderWriter.write(spec, dir.resolve("bf16"), "BF16", 2);
        SafetensorsFile f32 = SafetensorsFile.open(dir.resolve("f32/model.safetensors"));
        SafetensorsFile f16 = SafetensorsFile.open(dir.resolve("f16/model.safetensors"));
        Map<String, SafetensorsFile> bf16 = new TreeMap<>();
        for (int i = 1; i <= 2; i++) {
            SafetensorsFile f = SafetensorsFile.open(dir.resolve("bf16/model-0000" + i + "-of-00002.safetensors"));
            f.entries().keySet().forEach(n -> bf16.put(n, f));
        }
        for (String name : f32.entries().keySet()) {
            float[] exact = f32.read(name);
            assertArrayEquals(SyntheticTensors.generate(spec, name), exact, name + " F32 holds the generated values");
            float[] half = f16.read(name);
            float[] brain = bf16.get(name).read(name);
            assertEquals("F16", f16.entries().get(name).dtype());
            assertEquals("BF16", bf16.get(name).entries().get(name).dtype());
            for (int i = 0; i < exact.length; i++) {
                assertEquals(Float.float16ToFloat(Float.floatToFloat16(exact[i])), half[i], name + "[" + i + "]");
                assertEquals(nearestBf16(exact[i]), brain[i], name + "[" + i + "] = " + exact[i]);
            }
        }
    }

    /** The bf16 value nearest to v (ties to even), found by comparing the two candidates exactly. */
    private static float nearestBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        float down = Float.intBitsToFloat(bits & 0xFFFF0000);
        float up = Float.intBitsToFloat((bits & 0xFFFF0000) + 0x10000);
        int c = new BigDecimal(v)
                .subtract(new BigDecimal(down))
                .abs()
                .compareTo(new BigDecimal(up).subtract(new BigDecimal(v)).abs());
        if (c != 0) {
            return c < 0 ? down : up;
        }
        return ((Float.floatToRawIntBits(down) >>> 16) & 1) == 0 ? down : up;
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherValues() throws Exception {
        SyntheticDecoder spec = SyntheticDecoder.tinyLlama()
                .withHiddenAct("fatrelu")
                .withActiveFraction(0.1)
                .withClusters(8);
        SyntheticDecoderWriter.write(spec.withSeed(5), dir.resolve("a"), "BF16", 2);
        SyntheticDecoderWriter.write(spec.withSeed(5), dir.resolve("b"), "BF16", 2);
        SyntheticDecoderWriter.write(spec.withSeed(6), dir.resolve("c"), "BF16", 2);
        for (String f : List.of(
                "config.json",
                "model.safetensors.index.json",
                "model-00001-of-00002.safetensors",
                "model-00002-of-00002.safetensors")) {
            assertEquals(
                    -1L,
                    Files.mismatch(dir.resolve("a").resolve(f), dir.resolve("b").resolve(f)),
                    f);
        }
        SafetensorsFile a = SafetensorsFile.open(dir.resolve("a/model-00002-of-00002.safetensors"));
        SafetensorsFile c = SafetensorsFile.open(dir.resolve("c/model-00002-of-00002.safetensors"));
        for (String name : a.entries().keySet()) {
            assertFalse(Arrays.equals(a.read(name), c.read(name)), name + " differs with another seed");
        }
    }

    /** A tensor's values depend on the seed and its own name only, not on the rest of the model. */
    @Test
    void valuesDependOnNameAndSeedOnly() {
        SyntheticDecoder small = SyntheticDecoder.tinyLlama();
        SyntheticDecoder other = small.withNumLayers(5).withVocabSize(1000);
        for (String name : List.of(
                "model.layers.1.self_attn.q_proj.weight", "model.layers.0.mlp.down_proj.weight", "model.norm.weight")) {
            assertArrayEquals(SyntheticTensors.generate(small, name), SyntheticTensors.generate(other, name), name);
        }
    }

    @Test
    void aNewWriteReplacesTheOldOneWhole() throws Exception {
        SyntheticDecoder spec = SyntheticDecoder.tinyOpt();
        List<String> twoShards = List.of(
                "config.json",
                "model-00001-of-00002.safetensors",
                "model-00002-of-00002.safetensors",
                "model.safetensors.index.json");
        SyntheticDecoderWriter.write(spec, dir, "F32", 3);
        SyntheticDecoderWriter.write(spec, dir, "F32", 2);
        assertEquals(twoShards, listing());
        SyntheticDecoderWriter.write(spec.withSeed(1), dir, "F16", 1);
        assertEquals(List.of("config.json", "model.safetensors"), listing());
        assertEquals("float16", config().get("torch_dtype").asText());
        SyntheticDecoderWriter.write(spec, dir, "F32", 2);
        assertEquals(twoShards, listing(), "no temporary file is left behind");
    }

    @Test
    void badArgumentsAreRefused() {
        SyntheticDecoder spec = SyntheticDecoder.tinyOpt();
        assertThrows(IllegalArgumentException.class, () -> SyntheticDecoderWriter.write(spec, dir, "F64", 1));
        assertThrows(IllegalArgumentException.class, () -> SyntheticDecoderWriter.write(spec, dir, "F32", 0));
        assertThrows(IllegalArgumentException.class, () -> SyntheticDecoderWriter.write(spec, dir, "F32", 1000));
    }

    @Test
    void shardSplitIsBalancedAndNeverEmpty() {
        List<SyntheticTensors.Planned> plan = SyntheticTensors.plan(SyntheticDecoder.llama2_7b());
        List<List<SyntheticTensors.Planned>> groups = SyntheticDecoderWriter.split(plan, 3, 2);
        assertEquals(3, groups.size());
        long total = SyntheticDecoder.llama2_7b().parameterCount() * 2;
        List<Long> sizes = new ArrayList<>();
        for (List<SyntheticTensors.Planned> g : groups) {
            sizes.add(g.stream().mapToLong(p -> p.elements() * 2).sum());
        }
        for (long s : sizes) {
            assertTrue(Math.abs(s - total / 3.0) < 0.1 * total, "shard sizes " + sizes);
        }
        List<SyntheticTensors.Planned> few = plan.subList(0, 4);
        List<List<SyntheticTensors.Planned>> four = SyntheticDecoderWriter.split(few, 4, 2);
        assertEquals(4, four.size());
        four.forEach(g -> assertEquals(1, g.size()));
        assertEquals(plan, groups.stream().flatMap(List::stream).toList(), "order kept");
    }

    // ---------------------------------------------------------------- helpers

    private JsonNode config() throws IOException {
        return JSON.readTree(dir.resolve("config.json").toFile());
    }

    private List<String> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static Map<String, long[]> shapes(SafetensorsFile f) {
        Map<String, long[]> out = new TreeMap<>();
        f.entries().forEach((k, e) -> out.put(k, e.shape()));
        return out;
    }

    private static void assertShapes(Map<String, long[]> expected, Map<String, long[]> actual) {
        assertEquals(new TreeMap<>(expected).keySet(), actual.keySet());
        expected.forEach((k, v) -> assertArrayEquals(v, actual.get(k), k));
    }

    @Test
    void invalidSpecificationsAreRefused() {
        assertThrows(
                IllegalArgumentException.class,
                () -> SyntheticDecoder.tinyLlama().withActiveFraction(0.1),
                "silu has nothing to plant a share with");
        assertThrows(
                IllegalArgumentException.class,
                () -> SyntheticDecoder.tinyLlama().withHiddenAct("relu").withActiveFraction(0.1));
        assertThrows(
                IllegalArgumentException.class,
                () -> SyntheticDecoder.tinyLlama().withHiddenAct("drelu").withActiveFraction(0.6));
        assertThrows(
                IllegalArgumentException.class,
                () -> SyntheticDecoder.tinyLlama().withHiddenAct("gelu"));
        assertThrows(
                IllegalArgumentException.class, () -> SyntheticDecoder.tinyOpt().withTieWordEmbeddings(false));
        assertThrows(
                IllegalArgumentException.class, () -> SyntheticDecoder.tinyOpt().withDims(64, 256, 4, 2));
        assertThrows(
                IllegalArgumentException.class,
                () -> SyntheticDecoder.tinyLlama().withDims(64, 256, 4, 3));
        assertThrows(
                IllegalArgumentException.class,
                () -> SyntheticDecoder.tinyLlama().withDims(60, 256, 8, 8),
                "odd head dim");
        assertThrows(
                IllegalArgumentException.class,
                () -> SyntheticDecoder.tinyLlama().withClusters(257));
        assertThrows(
                IllegalArgumentException.class,
                () -> SyntheticDecoder.tinyLlama().withClusterMixing(1));
        assertThrows(
                IllegalArgumentException.class,
                () -> SyntheticDecoder.tinyLlama().withDoLayerNormBefore(false));
        assertEquals(
                0, SyntheticDecoder.tinyLlama().withHiddenAct("fatrelu").hiddenActParam(), "no threshold given: 0");
        assertEquals(
                0.5,
                SyntheticDecoder.tinyLlama()
                        .withHiddenAct("fatrelu")
                        .withHiddenActParam(0.5)
                        .hiddenActParam());
        assertNotEquals(
                0.5,
                SyntheticDecoder.tinyLlama()
                        .withHiddenAct("fatrelu")
                        .withHiddenActParam(0.5)
                        .withActiveFraction(0.1)
                        .hiddenActParam(),
                "a planted fraction sets the threshold");
    }
}
