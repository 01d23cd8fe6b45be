package dev.ripple.placement.importer.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.core.format.BundleSource;
import dev.ripple.core.format.FfnLayerSpec;
import dev.ripple.core.format.ResidentTensor;
import dev.ripple.core.model.decoder.DecoderConfig;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.Quantization;
import dev.ripple.core.tokenizer.Tokenizer;
import dev.ripple.placement.importer.ImportedModel;
import dev.ripple.placement.importer.ModelFormatException;
import dev.ripple.placement.importer.UnsupportedModelException;
import dev.ripple.placement.synthetic.SyntheticDecoder;
import dev.ripple.placement.synthetic.SyntheticDecoderWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The importer's mapping on small hand-built files: every tensor type an FFN or a resident tensor
 * can have (K-quant FFNs built from chosen quants, so each bundle's values are known exactly),
 * resident tensors in place or converted to Q8_0 (or the resident type asked for), the config and tokenizer blobs; and each refusal
 * (architecture, missing and extra tensors, shapes, rope options, tensor types, experts) as a typed
 * error naming the file and what is wrong.
 */
class GgufImporterTest {
    static final int D = 256;
    static final int FFN = 512;
    static final int VOCAB = 300;
    private static final long SEED = 4242L;

    @TempDir
    Path dir;

    /** Random blocks of a quantized type built from chosen integers, and the values they hold. */
    record Blocks(byte[] bytes, float[] values) {
        static Blocks random(GgmlType type, int rows, int rowLength, Random r) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            float[] v = new float[rows * rowLength];
            for (int blk = 0; blk < v.length / type.blockSize(); blk++) {
                float d = (float) Math.pow(2, -8 - r.nextInt(3));
                int at = blk * type.blockSize();
                switch (type) {
                    case Q4_K, Q5_K -> {
                        int qMax = type == GgmlType.Q4_K ? 16 : 32;
                        int[] sc = r.ints(8, 0, 64).toArray();
                        int[] m = r.ints(8, 0, 64).toArray();
                        int[] q = r.ints(256, 0, qMax).toArray();
                        for (int i = 0; i < 256; i++) {
                            v[at + i] = (float) ((double) d * sc[i / 32] * q[i] - (double) d * m[i / 32]);
                        }
                        b.writeBytes(
                                type == GgmlType.Q4_K
                                        ? GgmlEncoder.q4KBlock(d, d, sc, m, q)
                                        : GgmlEncoder.q5KBlock(d, d, sc, m, q));
                    }
                    case Q6_K -> {
                        int[] sc = r.ints(16, -128, 128).toArray();
                        int[] q = r.ints(256, 0, 64).toArray();
                        for (int i = 0; i < 256; i++) {
                            v[at + i] = (float) ((double) d * sc[i / 16] * (q[i] - 32));
                        }
                        b.writeBytes(GgmlEncoder.q6KBlock(d, sc, q));
                    }
                    default -> throw new IllegalArgumentException(type.toString());
                }
            }
            return new Blocks(b.toByteArray(), v);
        }
    }

    private static float[] gaussian(Random r, int n, double std) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * std);
        }
        return x;
    }

    @Test
    void kQuantFfnAndConvertedResidentsHoldTheFilesValues() throws IOException {
        Random r = new Random(SEED);
        Blocks gate = Blocks.random(GgmlType.Q4_K, FFN, D, r);
        Blocks up = Blocks.random(GgmlType.Q5_K, FFN, D, r);
        Blocks down = Blocks.random(GgmlType.Q6_K, D, FFN, r);
        Blocks emb = Blocks.random(GgmlType.Q6_K, VOCAB, D, r);
        float[] q = gaussian(r, D * D, 0.02);
        float[] norm = gaussian(r, D, 1);
        float[] outNorm = gaussian(r, D, 1);
        byte[] attnOutput = GgmlEncoder.encode(GgmlType.Q8_0, gaussian(r, D * D, 0.02));
        GgufTestWriter w = llamaKeys(new GgufTestWriter(), "llama", 1, 4, 4)
                .tensor("token_embd.weight", GgmlType.Q6_K, new long[] {D, VOCAB}, emb.bytes())
                .tensor("output_norm.weight", GgmlType.F32, new long[] {D}, outNorm)
                .tensor("blk.0.attn_norm.weight", GgmlType.F32, new long[] {D}, norm)
                .tensor("blk.0.attn_q.weight", GgmlType.Q4_1, new long[] {D, D}, q)
                .tensor("blk.0.attn_k.weight", GgmlType.BF16, new long[] {D, D}, gaussian(r, D * D, 0.02))
                .tensor("blk.0.attn_v.weight", GgmlType.F16, new long[] {D, D}, gaussian(r, D * D, 0.02))
                .tensor("blk.0.attn_output.weight", GgmlType.Q8_0, new long[] {D, D}, attnOutput)
                .tensor("blk.0.ffn_norm.weight", GgmlType.F32, new long[] {D}, gaussian(r, D, 1))
                .tensor("blk.0.ffn_gate.weight", GgmlType.Q4_K, new long[] {D, FFN}, gate.bytes())
                .tensor("blk.0.ffn_up.weight", GgmlType.Q5_K, new long[] {D, FFN}, up.bytes())
                .tensor("blk.0.ffn_down.weight", GgmlType.Q6_K, new long[] {FFN, D}, down.bytes());
        ImportedModel m = importModel(w, DType.F32);

        DecoderConfig c = DecoderConfig.fromJson(m.architecture());
        assertEquals(D, c.hiddenSize());
        assertEquals(FFN, c.intermediateSize());
        assertEquals(VOCAB, c.vocabSize());
        assertEquals(64, c.headDim());
        assertEquals(DecoderConfig.Rotation.ADJACENT, c.rope().rotation());
        assertEquals("token_embd.weight", c.tensors().lmHead(), "no output.weight: tied");
        assertEquals("gguf", m.architecture().path("source").asText());
        assertTrue(m.blobs().isEmpty(), "no vocabulary in the file");

        BundleSource layer = m.layers().getFirst();
        FfnLayerSpec spec = layer.spec();
        float[] bundle = new float[spec.bundleElements()];
        for (int neuron : new int[] {0, 1, 255, 256, FFN - 1}) {
            layer.bundleOf(neuron, bundle, 0);
            for (int k = 0; k < D; k++) {
                assertEquals(up.values()[neuron * D + k], bundle[k], "up " + neuron + "," + k);
                assertEquals(gate.values()[neuron * D + k], bundle[spec.gateOffset() + k], "gate " + neuron + "," + k);
                assertEquals(
                        down.values()[k * FFN + neuron], bundle[spec.downOffset() + k], "down " + neuron + "," + k);
            }
            assertEquals(0f, bundle[spec.upBiasOffset()]);
        }
        layer.release();
        FfnLayerWeights weights = m.weights(0);
        assertArrayEquals(gate.values(), weights.gate());
        float[] downColumns = new float[FFN * D];
        for (int i = 0; i < FFN; i++) {
            for (int k = 0; k < D; k++) {
                downColumns[i * D + k] = down.values()[k * FFN + i];
            }
        }
        assertArrayEquals(downColumns, weights.downColumns());

        // Q6_K and Q4_1 residents: Q8_0 of the file's values, rounded by core's reference quantizer
        ResidentTensor e = m.tensor("token_embd.weight");
        assertEquals(DType.Q8_0, e.dtype());
        assertTrue(e.copiedAsIs(), "converted at import, copied as it is by the writer");
        assertArrayEquals(new long[] {VOCAB, D}, e.shape());
        assertArrayEquals(q8(emb.values()), e.values());
        ResidentTensor qr = m.tensor("blk.0.attn_q.weight");
        assertEquals(DType.Q8_0, qr.dtype());
        assertArrayEquals(q8(decodeQ4_1(q)), qr.values());
        ResidentTensor out = m.tensor("blk.0.attn_output.weight");
        assertEquals(DType.Q8_0, out.dtype(), "Q8_0 stays Q8_0");
        assertTrue(out.copiedAsIs() && out.source().data().isMapped(), "the mapped GGUF bytes, not a copy");
        assertArrayEquals(attnOutput, out.source().data().toArray(ValueLayout.JAVA_BYTE));
        assertEquals(DType.BF16, m.tensor("blk.0.attn_k.weight").dtype(), "float types stay as stored");
        assertEquals(DType.F16, m.tensor("blk.0.attn_v.weight").dtype());
        assertArrayEquals(norm, m.tensor("blk.0.attn_norm.weight").values());
        var conversions = m.architecture().path("gguf").path("residentConversions");
        assertEquals(2, conversions.size(), conversions.toString());
        assertEquals("Q6_K", conversions.path("token_embd.weight").path("from").asText());
        assertEquals("q8_0", conversions.path("token_embd.weight").path("to").asText());
        assertEquals(
                relativeError(emb.values(), q8(emb.values())),
                conversions.path("token_embd.weight").path("relativeRmsError").asDouble(),
                1e-12);
        assertEquals(
                "Q4_1", conversions.path("blk.0.attn_q.weight").path("from").asText());

        // asked for f16 residents: the K-quant and Q4_1 matrices widen straight to f16 (one rounding)
        Path p = dir.resolve("model.gguf");
        ImportedModel f16 = GgufImporter.importModel(p, DType.F32, DType.F16);
        assertEquals(DType.F16, f16.tensor("token_embd.weight").dtype());
        assertArrayEquals(halves(emb.values()), f16.tensor("token_embd.weight").values());
        assertArrayEquals(
                halves(decodeQ4_1(q)), f16.tensor("blk.0.attn_q.weight").values());
        assertEquals(DType.Q8_0, f16.tensor("blk.0.attn_output.weight").dtype(), "stored types are left to the writer");
    }

    /** Q8_0 of {@code x} by core's quantizer, decoded. */
    private static float[] q8(float[] x) {
        MemorySegment s = MemorySegment.ofArray(new byte[(int) DType.Q8_0.bytes(x.length)]);
        Quantization.encode(DType.Q8_0, x, 0, x.length, s, 0);
        float[] out = new float[x.length];
        Quantization.decode(DType.Q8_0, s, 0, out, 0, x.length);
        return out;
    }

    private static double relativeError(float[] expected, float[] actual) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < expected.length; i++) {
            num += ((double) actual[i] - expected[i]) * ((double) actual[i] - expected[i]);
            den += (double) expected[i] * expected[i];
        }
        return Math.sqrt(num / den);
    }

    /** What Q4_1 stores for {@code x}, decoded by the format's formula {@code d·q + m}. */
    private static float[] decodeQ4_1(float[] x) {
        ByteBuffer b = ByteBuffer.wrap(GgmlEncoder.encode(GgmlType.Q4_1, x)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[x.length];
        for (int at = 0; at < x.length; at += 32) {
            float d = Float.float16ToFloat(b.getShort());
            float m = Float.float16ToFloat(b.getShort());
            for (int j = 0; j < 16; j++) {
                int v = b.get() & 0xFF;
                out[at + j] = d * (v & 15) + m;
                out[at + j + 16] = d * (v >> 4) + m;
            }
        }
        return out;
    }

    private static float[] halves(float[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = Float.float16ToFloat(Float.floatToFloat16(x[i]));
        }
        return out;
    }

    @Test
    void vocabularyBecomesTokenizerBlobsAndBosEos() throws IOException {
        GgufTestWriter w = GgufVocabularies.gpt2(tiny("llama"));
        // GPT-2's 50,257 tokens need that many embedding rows
        ImportedModel m = importModel(withVocab(w, 50257), DType.F16);
        Tokenizer t =
                Tokenizer.fromJson(m.blobs().get("tokenizer.json"), m.blobs().get("tokenizer_config.json"));
        assertArrayEquals(new int[] {15496, 995}, t.encode("Hello world"));
        assertEquals(50256, m.architecture().path("eosTokenId").asInt());
        assertEquals(50256, m.architecture().path("bosTokenId").asInt());
        assertEquals(
                "gpt2",
                m.architecture().path("gguf").path("tokenizer.ggml.model").asText());
    }

    @Test
    void refusalsNameTheFileAndTheProblem() throws IOException {
        unsupported(tiny("llama").putString("general.architecture", "gemma2"), "general.architecture 'gemma2'");
        format(tiny("llama").remove("general.architecture"), "metadata 'general.architecture'", "missing");
        format(tiny("llama").remove("llama.block_count"), "metadata 'llama.block_count'", "missing");
        format(tiny("llama").putU32("llama.block_count", 0), "metadata 'llama.block_count'", "not a positive integer");
        format(
                tiny("llama").putInts("llama.attention.head_count", 4, 4),
                "metadata 'llama.attention.head_count'",
                "expected an integer");
        format(
                tiny("llama").putU32("llama.attention.head_count_kv", 3),
                "metadata 'llama.attention.head_count_kv'",
                "does not divide");
        unsupported(tiny("llama").putU32("llama.rope.dimension_count", 8), "partial rotary");
        unsupported(tiny("llama").putString("llama.rope.scaling.type", "yarn"), "'yarn'");
        unsupported(tiny("llama").putU32("llama.expert_count", 8), "mixture-of-experts");
        unsupported(
                tiny("llama").tensor("blk.0.attn_q_norm.weight", GgmlType.F32, new long[] {16}, new float[16]),
                "tensor 'blk.0.attn_q_norm.weight' is not part of the llama architecture");
        unsupported(
                tiny("qwen2").tensor("rope_freqs.weight", GgmlType.F32, new long[] {8}, new float[8]),
                "tensor 'rope_freqs.weight' is not part of the qwen2 architecture");
        float[] notLlama3 = new float[8];
        Arrays.fill(notLlama3, 2f);
        unsupported(
                tiny("llama").tensor("rope_freqs.weight", GgmlType.F32, new long[] {8}, notLlama3),
                "rope_freqs.weight[0] is 2.0");
        format(
                GgufVocabularies.gpt2(tiny("llama")),
                "metadata 'tokenizer.ggml.tokens'",
                "50257 tokens, but token_embd.weight has 512 rows");
    }

    @Test
    void missingWrongShapedAndUnreadableTensorsAreNamed() throws IOException {
        GgufTestWriter w = tiny("llama");
        GgufTestWriter missing = copyWithout(w, "blk.1.ffn_down.weight");
        unsupported(missing, "expected tensor 'blk.1.ffn_down.weight' is missing");
        GgufTestWriter shaped =
                copyReplacing(w, "blk.0.attn_k.weight", GgmlType.F32, new long[] {64, 64}, new float[64 * 64]);
        format(shaped, "tensor 'blk.0.attn_k.weight'", "dims [64, 64] (ggml order), the metadata implies [64, 32]");
        GgufTestWriter q2k = copyReplacing(w, "blk.0.ffn_up.weight", GgmlType.Q2_K, new long[] {256, 1}, new byte[84]);
        unsupported(q2k, "tensor 'blk.0.ffn_up.weight' has ggml type Q2_K");
    }

    // ------------------------------------------------------------------ helpers

    /** A tiny generated Llama (or Qwen2) converted to GGUF in F32: 2 layers, hidden 64, ffn 256, vocab 512. */
    private GgufTestWriter tiny(String arch) throws IOException {
        return convert(arch, GgmlType.F32, UnaryOperator.identity());
    }

    private GgufTestWriter convert(String arch, GgmlType type, UnaryOperator<GgufTestWriter> edit) throws IOException {
        Path hf = dir.resolve("hf-" + arch);
        if (!Files.exists(hf.resolve("config.json"))) {
            SyntheticDecoderWriter.write(
                    (arch.equals("llama") ? SyntheticDecoder.tinyLlama() : SyntheticDecoder.tinyQwen2()).withSeed(3),
                    hf,
                    "F32",
                    1);
        }
        return edit.apply(HfToGguf.convert(hf, arch, type));
    }

    /** The llama/qwen2 keys of a 1-layer hidden-256 model. */
    private static GgufTestWriter llamaKeys(GgufTestWriter w, String arch, int layers, int heads, int kvHeads) {
        return w.putString("general.architecture", arch)
                .putU32(arch + ".context_length", 128)
                .putU32(arch + ".embedding_length", D)
                .putU32(arch + ".block_count", layers)
                .putU32(arch + ".feed_forward_length", FFN)
                .putU32(arch + ".attention.head_count", heads)
                .putU32(arch + ".attention.head_count_kv", kvHeads)
                .putF32(arch + ".attention.layer_norm_rms_epsilon", 1e-5)
                .putF32(arch + ".rope.freq_base", 10000)
                .putU32(arch + ".rope.dimension_count", D / heads);
    }

    /** The tiny model with its embedding and head resized to {@code vocab} rows. */
    private static GgufTestWriter withVocab(GgufTestWriter w, int vocab) {
        w = copyReplacing(w, "token_embd.weight", GgmlType.F16, new long[] {64, vocab}, new float[64 * vocab]);
        return copyReplacing(w, "output.weight", GgmlType.F16, new long[] {64, vocab}, new float[64 * vocab]);
    }

    private static GgufTestWriter copyWithout(GgufTestWriter w, String tensor) {
        return w.copy(tensor, null, null, null);
    }

    private static GgufTestWriter copyReplacing(
            GgufTestWriter w, String tensor, GgmlType type, long[] dims, Object data) {
        byte[] bytes = data instanceof float[] f ? GgmlEncoder.encode(type, f) : (byte[]) data;
        return w.copy(tensor, type, dims, bytes);
    }

    private ImportedModel importModel(GgufTestWriter w, DType bundles) throws IOException {
        Path p = dir.resolve("model.gguf");
        w.write(p);
        return GgufImporter.importModel(p, bundles);
    }

    private void unsupported(GgufTestWriter w, String detail) {
        Path p = dir.resolve("model.gguf");
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class, importer(w, p));
        assertTrue(e.getMessage().startsWith(p + ": unsupported model: "), e.getMessage());
        assertTrue(e.getMessage().contains(detail), "expected '" + detail + "' in: " + e.getMessage());
    }

    private void format(GgufTestWriter w, String part, String detail) {
        Path p = dir.resolve("model.gguf");
        ModelFormatException e = assertThrows(ModelFormatException.class, importer(w, p));
        assertEquals(part, e.part(), e.getMessage());
        assertTrue(e.getMessage().startsWith(p + ": " + part + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(detail), "expected '" + detail + "' in: " + e.getMessage());
    }

    private static Executable importer(GgufTestWriter w, Path p) {
        return () -> {
            w.write(p);
            GgufImporter.importModel(p, DType.F16);
        };
    }
}
