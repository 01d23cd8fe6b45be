package dev.ripple.placement.importer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Generated OPT and Llama checkpoints in F32, F16 and BF16, single file and sharded. */
class SafetensorsImporterTest {
    static final int D = 8;
    static final int F = 24;
    static final int LAYERS = 2;
    static final int VOCAB = 10;

    @TempDir
    Path dir;

    /** Values exactly representable in f16 and bf16 (multiples of 1/64 in [-2, 2]), so all dtypes compare exactly. */
    static float[] values(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (rnd.nextInt(257) - 128) / 64f;
        }
        return v;
    }

    static SafetensorsTestWriter opt(long seed) {
        Random rnd = new Random(seed);
        SafetensorsTestWriter w = new SafetensorsTestWriter();
        String b = "model.decoder.";
        w.put(b + "embed_tokens.weight", new long[] {VOCAB, D}, values(rnd, VOCAB * D));
        w.put(b + "embed_positions.weight", new long[] {20, D}, values(rnd, 20 * D));
        w.put(b + "final_layer_norm.weight", new long[] {D}, values(rnd, D));
        w.put(b + "final_layer_norm.bias", new long[] {D}, values(rnd, D));
        for (int i = 0; i < LAYERS; i++) {
            String p = b + "layers." + i + ".";
            for (String proj : new String[] {"q_proj", "k_proj", "v_proj", "out_proj"}) {
                w.put(p + "self_attn." + proj + ".weight", new long[] {D, D}, values(rnd, D * D));
                w.put(p + "self_attn." + proj + ".bias", new long[] {D}, values(rnd, D));
            }
            for (String ln : new String[] {"self_attn_layer_norm", "final_layer_norm"}) {
                w.put(p + ln + ".weight", new long[] {D}, values(rnd, D));
                w.put(p + ln + ".bias", new long[] {D}, values(rnd, D));
            }
            w.put(p + "fc1.weight", new long[] {F, D}, values(rnd, F * D));
            w.put(p + "fc1.bias", new long[] {F}, values(rnd, F));
            w.put(p + "fc2.weight", new long[] {D, F}, values(rnd, D * F));
            w.put(p + "fc2.bias", new long[] {D}, values(rnd, D));
        }
        return w;
    }

    static SafetensorsTestWriter llama(long seed) {
        Random rnd = new Random(seed);
        SafetensorsTestWriter w = new SafetensorsTestWriter();
        w.put("model.embed_tokens.weight", new long[] {VOCAB, D}, values(rnd, VOCAB * D));
        w.put("model.norm.weight", new long[] {D}, values(rnd, D));
        w.put("lm_head.weight", new long[] {VOCAB, D}, values(rnd, VOCAB * D));
        for (int i = 0; i < LAYERS; i++) {
            String p = "model.layers." + i + ".";
            for (String proj : new String[] {"q_proj", "k_proj", "v_proj", "o_proj"}) {
                int rows = proj.equals("k_proj") || proj.equals("v_proj") ? D / 2 : D; // one kv head of two
                w.put(p + "self_attn." + proj + ".weight", new long[] {rows, D}, values(rnd, rows * D));
            }
            w.put(p + "input_layernorm.weight", new long[] {D}, values(rnd, D));
            w.put(p + "post_attention_layernorm.weight", new long[] {D}, values(rnd, D));
            w.put(p + "mlp.gate_proj.weight", new long[] {F, D}, values(rnd, F * D));
            w.put(p + "mlp.up_proj.weight", new long[] {F, D}, values(rnd, F * D));
            w.put(p + "mlp.down_proj.weight", new long[] {D, F}, values(rnd, D * F));
        }
        return w;
    }

    void config(Path d, boolean opt) throws Exception {
        Files.writeString(d.resolve("config.json"), configJson(opt));
    }

    /** The config.json of the generated OPT or Llama checkpoint. */
    static String configJson(boolean opt) {
        return opt
                ? "{\"model_type\":\"opt\",\"num_hidden_layers\":2,\"hidden_size\":8,\"ffn_dim\":24,\"num_attention_heads\":2,"
                        + "\"vocab_size\":10,\"max_position_embeddings\":18,\"activation_function\":\"relu\",\"do_layer_norm_before\":true}"
                : "{\"model_type\":\"llama\",\"num_hidden_layers\":2,\"hidden_size\":8,\"intermediate_size\":24,"
                        + "\"num_attention_heads\":2,\"num_key_value_heads\":1,\"vocab_size\":10,\"hidden_act\":\"silu\","
                        + "\"rms_norm_eps\":1e-6,\"rope_theta\":10000.0,\"tie_word_embeddings\":false}";
    }

    @ParameterizedTest
    @ValueSource(strings = {"F32", "F16", "BF16"})
    void optImportsExactly(String dtype) throws Exception {
        SafetensorsTestWriter w = opt(7);
        w.write(dir.resolve("model.safetensors"), dtype);
        config(dir, true);
        ImportedModel m = SafetensorsImporter.importModel(dir, DType.F16);
        assertEquals(LAYERS, m.layers().size());
        for (int i = 0; i < LAYERS; i++) {
            String p = "model.decoder.layers." + i + ".";
            FfnLayerWeights l = m.weights(i);
            assertEquals(Activation.RELU, l.spec().activation());
            assertEquals(DType.F16, l.spec().dtype());
            assertNull(l.gate());
            assertArrayEquals(w.values().get(p + "fc1.weight"), l.up());
            assertArrayEquals(GeneratedFfnModel.transpose(w.values().get(p + "fc2.weight"), D, F), l.downColumns());
            assertArrayEquals(w.values().get(p + "fc1.bias"), l.upBias());
            assertArrayEquals(w.values().get(p + "fc2.bias"), l.downBias());
        }
        assertArrayEquals(
                w.values().get("model.decoder.layers.1.self_attn.k_proj.weight"),
                m.tensor("model.decoder.layers.1.self_attn.k_proj.weight").values());
        assertEquals(
                DType.ofLabel(dtype),
                m.tensor("model.decoder.embed_tokens.weight").dtype());
        assertEquals(2 + 1 + 1 + LAYERS * 12, m.tensors().size(), "every non-FFN tensor is resident");
        assertEquals("opt", m.architecture().get("type").asText());
        assertEquals(
                "model.decoder.layers.0.self_attn_layer_norm.bias",
                m.architecture()
                        .get("layers")
                        .get(0)
                        .get("attentionNorm")
                        .get("bias")
                        .asText());
        assertEquals(
                "model.decoder.embed_tokens.weight",
                m.architecture().get("lmHead").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"F32", "F16", "BF16"})
    void llamaImportsExactlyFromShards(String dtype) throws Exception {
        SafetensorsTestWriter all = llama(11);
        // 21 tensors in two shards: layer 0's FFN is split between them, as transformers splits by size
        String index = all.writeSharded(dir, dtype, 2);
        assertTrue(
                index.contains("\"model.layers.0.mlp.gate_proj.weight\" : \"model-00001-of-00002.safetensors\""),
                index);
        assertTrue(
                index.contains("\"model.layers.0.mlp.up_proj.weight\" : \"model-00002-of-00002.safetensors\""), index);
        config(dir, false);
        ImportedModel m = SafetensorsImporter.importModel(dir, DType.F32);
        for (int i = 0; i < LAYERS; i++) {
            String p = "model.layers." + i + ".mlp.";
            FfnLayerWeights l = m.weights(i);
            assertTrue(l.spec().gated());
            assertEquals(Activation.SILU, l.spec().activation());
            assertArrayEquals(all.values().get(p + "gate_proj.weight"), l.gate());
            assertArrayEquals(all.values().get(p + "up_proj.weight"), l.up());
            assertArrayEquals(
                    GeneratedFfnModel.transpose(all.values().get(p + "down_proj.weight"), D, F), l.downColumns());
            assertArrayEquals(new float[F], l.upBias());
        }
        assertEquals("llama", m.architecture().get("type").asText());
        assertEquals(1, m.architecture().get("numKeyValueHeads").asInt());
        assertEquals("lm_head.weight", m.architecture().get("lmHead").asText());
        assertArrayEquals(
                all.values().get("model.norm.weight"),
                m.tensor("model.norm.weight").values());
        assertEquals(3 + LAYERS * 6, m.tensors().size());
    }

    @Test
    void corruptHeadersAreTypedErrors() throws Exception {
        SafetensorsTestWriter w = opt(3);
        Path good = dir.resolve("good.safetensors");
        w.write(good, "F32");
        byte[] bytes = Files.readAllBytes(good);
        long headerLen = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);

        byte[] hugeHeader = bytes.clone();
        ByteBuffer.wrap(hugeHeader).order(ByteOrder.LITTLE_ENDIAN).putLong(0, Long.MAX_VALUE);
        assertTrue(error(hugeHeader).contains("declares a JSON header"));

        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 4);
        assertTrue(error(truncated).contains("data_offsets"), error(truncated));

        byte[] badJson = bytes.clone();
        badJson[8] = '[';
        assertTrue(error(badJson).contains("header"), error(badJson));

        String json = new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8);
        String wrongShape = json.replaceFirst("\"shape\":\\[10,8\\]", "\"shape\":[10,9]");
        byte[] ws = withHeader(bytes, headerLen, wrongShape);
        assertTrue(error(ws).contains("needs 360 bytes"), error(ws));

        assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(write(new byte[3])));
    }

    @Test
    void unsupportedArchitectureSaysWhy() throws Exception {
        opt(1).write(dir.resolve("model.safetensors"), "F32");
        Files.writeString(dir.resolve("config.json"), "{\"model_type\":\"gpt2\"}");
        UnsupportedModelException e =
                assertThrows(UnsupportedModelException.class, () -> SafetensorsImporter.importModel(dir, DType.F32));
        assertTrue(e.getMessage().contains("gpt2"), e.getMessage());
    }

    /**
     * Found by SafetensorsImporterFuzzTest: config.json starting 00 00 00 7B makes Jackson read it
     * as UTF-32; a bad character then came out as CharConversionException, an IOException that is
     * not a JacksonException, and escaped untyped.
     */
    @Test
    void configThatIsNotValidTextIsAFormatError() throws Exception {
        opt(1).write(dir.resolve("model.safetensors"), "F32");
        Files.write(dir.resolve("config.json"), new byte[] {0, 0, 0, '{', 0x2e, 0x63, 0, 0});
        ModelFormatException e =
                assertThrows(ModelFormatException.class, () -> SafetensorsImporter.importModel(dir, DType.F32));
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());
    }

    /** The entry of {@link #llama}'s index (two shards) that places {@code model.norm.weight} in shard 1. */
    private static final String NORM_ENTRY = "\"model.norm.weight\" : \"model-00001-of-00002.safetensors\"";

    /** {@link #llama}(11) in two shards with its config in {@code ck}, the index changed by {@code edit}. */
    private static Path shardedLlama(Path ck, String dtype, UnaryOperator<String> edit) throws Exception {
        Files.createDirectories(ck);
        String index = llama(11).writeSharded(ck, dtype, 2);
        assertTrue(index.contains(NORM_ENTRY), index);
        Files.writeString(ck.resolve("model.safetensors.index.json"), edit.apply(index));
        Files.writeString(ck.resolve("config.json"), configJson(false));
        return ck;
    }

    private static ModelFormatException refused(Path ck) {
        return assertThrows(ModelFormatException.class, () -> SafetensorsImporter.importModel(ck, DType.F16));
    }

    /**
     * A directory of PyTorch weights, or of a safetensors file of another name, is refused saying
     * what it holds and what to do: the refusal named only the two files it looked for.
     */
    @Test
    void aDirectoryWithoutSafetensorsWeightsSaysWhatItHolds() throws Exception {
        Path pytorch = Files.createDirectories(dir.resolve("pytorch"));
        config(pytorch, false);
        Files.write(pytorch.resolve("pytorch_model.bin"), new byte[] {0x50, 0x4b});
        ModelFormatException e = refused(pytorch);
        assertTrue(
                e.getMessage()
                        .endsWith("has neither model.safetensors nor model.safetensors.index.json; it holds PyTorch"
                                + " weights (pytorch_model.bin), which are not read: save the model as safetensors"
                                + " (transformers: save_pretrained(dir, safe_serialization=True))"),
                e.getMessage());
        Path renamed = Files.createDirectories(dir.resolve("renamed"));
        config(renamed, false);
        llama(1).write(renamed.resolve("model-q.safetensors"), "F16");
        e = refused(renamed);
        assertTrue(
                e.getMessage().endsWith("; it holds model-q.safetensors: give the one file as the model"),
                e.getMessage());
    }

    /**
     * Found by SafetensorsImporterFuzzTest (input {@code finding-missing-shard}): an index naming a
     * shard that is not there made {@code FileChannel.open} throw {@code NoSuchFileException}, an
     * untyped I/O error. Now the missing shard is named, with the tensor the index wants from it.
     */
    @Test
    void missingShardIsAFormatErrorNamingIt() throws Exception {
        Path ck = shardedLlama(dir, "F16", i -> i);
        Path second = ck.resolve("model-00002-of-00002.safetensors");
        Files.delete(second);
        ModelFormatException e = refused(ck);
        assertEquals(second.toAbsolutePath(), e.file(), e.getMessage());
        assertTrue(
                e.getMessage().contains("not found (model.safetensors.index.json names it for tensor"), e.getMessage());
    }

    /**
     * A {@code weight_map} entry that is not the name of a file in the checkpoint directory: refused
     * from the index before anything is opened, so a shard named outside the directory is never
     * read (a valid checkpoint file waits there, which would import if it were), and a name the
     * file system cannot hold is not an {@code InvalidPathException}.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "\"../outside.safetensors\"",
                "\"ABSOLUTE\"",
                "\"model-00001-of-00002.safetensors/../../ck/../outside.safetensors\"",
                "\".\"",
                "\"\"",
                "\"a\\u0000b.safetensors\"",
                "5",
                "[\"model-00001-of-00002.safetensors\"]",
                "null"
            })
    void weightMapEntryThatIsNotAFileInTheDirectoryIsRefused(String shard) throws Exception {
        Path outside = dir.resolve("outside.safetensors");
        llama(11).write(outside, "F16");
        String name = shard.replace("ABSOLUTE", outside.toAbsolutePath().toString());
        Path ck = shardedLlama(dir.resolve("ck"), "F16", i -> i.replace(NORM_ENTRY, "\"model.norm.weight\" : " + name));
        ModelFormatException e = refused(ck);
        assertEquals(ck.resolve("model.safetensors.index.json"), e.file(), e.getMessage());
        assertTrue(e.getMessage().contains("weight_map: tensor 'model.norm.weight' maps to "), e.getMessage());
        assertTrue(e.getMessage().contains("not a file"), e.getMessage());
    }

    /** Found by review of the fuzz target: a shard named as a directory was an untyped "Is a directory". */
    @Test
    void shardThatIsADirectoryIsRefused() throws Exception {
        Path ck = shardedLlama(dir, "F16", i -> i.replace(NORM_ENTRY, "\"model.norm.weight\" : \"sub\""));
        Files.createDirectory(ck.resolve("sub"));
        ModelFormatException e = refused(ck);
        assertEquals(ck.resolve("sub").toAbsolutePath(), e.file(), e.getMessage());
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
    }

    @Test
    void tensorListedForAShardThatDoesNotHoldItIsRefused() throws Exception {
        String down = "\"model.layers.1.mlp.down_proj.weight\" : \"model-00002-of-00002.safetensors\"";
        Path ck = shardedLlama(dir, "F16", i -> {
            assertTrue(i.contains(down), i);
            return i.replace(down, down.replace("00002-of", "00001-of"));
        });
        ModelFormatException e = refused(ck);
        assertEquals(ck.resolve("model-00001-of-00002.safetensors").toAbsolutePath(), e.file());
        assertTrue(
                e.getMessage()
                        .contains("tensor 'model.layers.1.mlp.down_proj.weight': listed in"
                                + " model.safetensors.index.json but not in the shard"),
                e.getMessage());
    }

    /** A tensor in two shards: which copy transformers keeps depends on load order, so neither is taken. */
    @Test
    void tensorInTwoShardsIsRefused() throws Exception {
        Path ck = shardedLlama(dir, "F16", i -> i);
        llama(11).write(ck.resolve("model-00001-of-00002.safetensors"), "F16"); // shard 1 now holds every tensor
        ModelFormatException e = refused(ck);
        assertEquals(ck.resolve("model-00001-of-00002.safetensors").toAbsolutePath(), e.file());
        assertTrue(
                e.getMessage()
                        .contains("model.safetensors.index.json places it in model-00002-of-00002.safetensors,"
                                + " which holds it too"),
                e.getMessage());
    }

    /**
     * transformers loads every tensor of every shard, so a q_proj bias in a shard that the index
     * forgot is part of the model; the importer used to read only what the index listed and
     * dropped the bias, silently. It now takes it from the shard that holds it.
     */
    @Test
    void tensorInAShardButNotInTheIndexIsTakenFromItsShard() throws Exception {
        String bias = "model.layers.1.self_attn.q_proj.bias";
        float[] values = values(new Random(5), D);
        SafetensorsTestWriter w = llama(11).put(bias, new long[] {D}, values);
        String index = w.writeSharded(dir, "F32", 2);
        String entry = ",\n    \"" + bias + "\" : \"model-00002-of-00002.safetensors\"";
        assertTrue(index.contains(entry), index);
        Files.writeString(dir.resolve("model.safetensors.index.json"), index.replace(entry, ""));
        config(dir, false);
        assertEquals(
                dir.resolve("model-00002-of-00002.safetensors").toAbsolutePath(),
                HfCheckpoint.tensorFiles(dir).get(bias).file().toAbsolutePath());
        ImportedModel m = SafetensorsImporter.importModel(dir, DType.F32);
        assertArrayEquals(values, m.tensor(bias).values());
    }

    /** A config.json cut short is named with what is wrong, without Jackson's [Source: ...] notes. */
    @Test
    void aTruncatedConfigIsSaidInTheFilesTerms() throws Exception {
        Path ck = shardedLlama(dir, "F16", i -> i);
        Files.writeString(ck.resolve("config.json"), "{\"model_type\": \"llama\"");
        ModelFormatException e = refused(ck);
        assertEquals(ck.resolve("config.json"), e.file());
        assertTrue(e.getMessage().contains("does not parse: the JSON ends before it is complete"), e.getMessage());
        assertFalse(e.getMessage().contains("[Source"), e.getMessage());
    }

    /** Jackson alone keeps the last of two equal keys; a tensor mapped twice is ambiguous, so it is refused. */
    @Test
    void tensorNamedTwiceInTheIndexIsRefused() throws Exception {
        Path ck = shardedLlama(
                dir,
                "F16",
                i -> i.replace(
                        NORM_ENTRY, NORM_ENTRY + ", \"model.norm.weight\" : \"model-00002-of-00002.safetensors\""));
        ModelFormatException e = refused(ck);
        assertEquals(ck.resolve("model.safetensors.index.json"), e.file());
        assertTrue(e.getMessage().contains("does not parse: Duplicate field 'model.norm.weight'"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"model-00001-of-00002.safetensors\"", "null"})
    void weightMapThatIsNotAnObjectIsRefused(String map) throws Exception {
        Path ck = shardedLlama(dir, "F16", i -> "{\"metadata\":{},\"weight_map\":" + map + "}");
        ModelFormatException e = refused(ck);
        assertEquals(ck.resolve("model.safetensors.index.json"), e.file());
        assertTrue(e.getMessage().endsWith("weight_map: missing or not an object"), e.getMessage());
    }

    /** The index's total_size is not read, so a wrong one (as some published checkpoints have) changes nothing. */
    @ParameterizedTest
    @ValueSource(strings = {"-1", "9223372036854775807", "99999999999999999999999", "\"lots\"", "{}"})
    void indexTotalSizeIsNotTrusted(String total) throws Exception {
        Path ck = shardedLlama(dir, "BF16", i -> i.replaceFirst("\"total_size\" : \\d+", "\"total_size\" : " + total));
        assertTrue(Files.readString(ck.resolve("model.safetensors.index.json")).contains(total));
        ImportedModel m = SafetensorsImporter.importModel(ck, DType.F16);
        assertArrayEquals(
                llama(11).values().get("model.norm.weight"),
                m.tensor("model.norm.weight").values());
    }

    /** A shard (or single file) whose header names a tensor twice: Jackson alone would keep the second silently. */
    @Test
    void safetensorsHeaderNamingATensorTwiceIsRefused() throws Exception {
        SafetensorsTestWriter w = new SafetensorsTestWriter().put("a", new long[] {1}, new float[] {1f});
        Path good = dir.resolve("good.safetensors");
        w.write(good, "F32");
        byte[] bytes = Files.readAllBytes(good);
        long headerLen = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        String json = new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8);
        String twice = json.replace("}}", "},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}");
        assertTrue(twice.length() > json.length(), json);
        String message = error(withHeader(bytes, headerLen, twice));
        assertTrue(message.contains("header: JSON does not parse: Duplicate field 'a'"), message);
    }

    private static byte[] withHeader(byte[] bytes, long oldLen, String json) {
        byte[] j = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b =
                ByteBuffer.allocate((int) (bytes.length - oldLen + j.length)).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(j.length).put(j).put(bytes, (int) (8 + oldLen), (int) (bytes.length - 8 - oldLen));
        return b.array();
    }

    private Path write(byte[] bytes) throws Exception {
        Path f = dir.resolve("bad-" + System.nanoTime() + ".safetensors");
        Files.write(f, bytes);
        return f;
    }

    private String error(byte[] bytes) throws Exception {
        Path f = write(bytes);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        return e.getMessage();
    }
}
