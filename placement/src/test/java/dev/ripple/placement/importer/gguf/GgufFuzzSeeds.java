package dev.ripple.placement.importer.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The GGUF fuzz target's seeds, small enough for libFuzzer (a few KB each): micro models of both
 * architectures, the metadata zoo of {@link GgufFileTest}, a file of quantized tensors, and damaged
 * copies. {@code main} writes them to the target's committed {@code Inputs} directory.
 */
final class GgufFuzzSeeds {
    private GgufFuzzSeeds() {}

    static Map<String, byte[]> all() throws IOException {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        byte[] llama = micro("llama", GgmlType.Q8_0, GgmlType.F16, 3);
        seeds.put("seed-llama-q8_0-spm-v3", llama);
        seeds.put("seed-qwen2-bf16-bpe-v2", micro("qwen2", GgmlType.BF16, GgmlType.F32, 2));
        seeds.put("seed-metadata-every-type", GgufFileTest.everyType(3).toBytes());
        seeds.put("seed-quantized-tensors", quantizedTensors());
        seeds.put("seed-llama-truncated", Arrays.copyOf(llama, llama.length / 2));
        byte[] lying = llama.clone();
        ByteBuffer.wrap(lying).order(ByteOrder.LITTLE_ENDIAN).putLong(8, 1L << 40); // tensor count
        seeds.put("seed-llama-lying-tensor-count", lying);
        byte[] v1 = llama.clone();
        v1[4] = 1;
        seeds.put("seed-llama-version-1", v1);
        return seeds;
    }

    /** A one-layer model, hidden 32, ffn 64, 2 heads, vocabulary 16 (SentencePiece for llama, byte-level for qwen2). */
    static byte[] micro(String arch, GgmlType matrices, GgmlType embeddings, int version) {
        Random r = new Random(arch.hashCode());
        int d = 32;
        int ffn = 64;
        int vocab = 16;
        GgufTestWriter w = new GgufTestWriter()
                .version(version)
                .putString("general.architecture", arch)
                .putU32(arch + ".context_length", 64)
                .putU32(arch + ".embedding_length", d)
                .putU32(arch + ".block_count", 1)
                .putU32(arch + ".feed_forward_length", ffn)
                .putU32(arch + ".attention.head_count", 2)
                .putU32(arch + ".attention.head_count_kv", 1)
                .putF32(arch + ".attention.layer_norm_rms_epsilon", 1e-6)
                .putF32(arch + ".rope.freq_base", 10000)
                .putU32(arch + ".rope.dimension_count", 16);
        w.tensor("token_embd.weight", embeddings, new long[] {d, vocab}, gaussian(r, d * vocab));
        w.tensor("output_norm.weight", GgmlType.F32, new long[] {d}, gaussian(r, d));
        w.tensor("blk.0.attn_norm.weight", GgmlType.F32, new long[] {d}, gaussian(r, d));
        w.tensor("blk.0.attn_q.weight", matrices, new long[] {d, d}, gaussian(r, d * d));
        w.tensor("blk.0.attn_k.weight", matrices, new long[] {d, 16}, gaussian(r, d * 16));
        w.tensor("blk.0.attn_v.weight", matrices, new long[] {d, 16}, gaussian(r, d * 16));
        if (arch.equals("qwen2")) {
            w.tensor("blk.0.attn_q.bias", GgmlType.F32, new long[] {d}, gaussian(r, d));
            w.tensor("blk.0.attn_k.bias", GgmlType.F32, new long[] {16}, gaussian(r, 16));
            w.tensor("blk.0.attn_v.bias", GgmlType.F32, new long[] {16}, gaussian(r, 16));
        }
        w.tensor("blk.0.attn_output.weight", matrices, new long[] {d, d}, gaussian(r, d * d));
        w.tensor("blk.0.ffn_norm.weight", GgmlType.F32, new long[] {d}, gaussian(r, d));
        w.tensor("blk.0.ffn_gate.weight", matrices, new long[] {d, ffn}, gaussian(r, d * ffn));
        w.tensor("blk.0.ffn_up.weight", matrices, new long[] {d, ffn}, gaussian(r, d * ffn));
        w.tensor("blk.0.ffn_down.weight", matrices, new long[] {ffn, d}, gaussian(r, d * ffn));
        if (arch.equals("llama")) {
            w.tensor("output.weight", embeddings, new long[] {d, vocab}, gaussian(r, d * vocab));
            w.putString("tokenizer.ggml.model", "llama")
                    .putStrings(
                            "tokenizer.ggml.tokens",
                            "<unk>",
                            "<s>",
                            "</s>",
                            "<0x41>",
                            "<0xC3>",
                            "<0xA9>",
                            "\u2581",
                            "a",
                            "b",
                            "c",
                            "\u2581a",
                            "ab",
                            "\u2581ab",
                            "bc",
                            "abc",
                            "\u2581abc")
                    .putFloats("tokenizer.ggml.scores", 0, 0, 0, 0, 0, 0, -1, -2, -3, -4, -5, -6, -7, -8, -9, -10)
                    .putInts("tokenizer.ggml.token_type", 2, 3, 3, 6, 6, 6, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)
                    .putU32("tokenizer.ggml.bos_token_id", 1)
                    .putU32("tokenizer.ggml.eos_token_id", 2)
                    .putString("tokenizer.chat_template", "{{ '<|im_start|>' + m + '<|im_end|>' }}");
        } else {
            w.putString("tokenizer.ggml.model", "gpt2")
                    .putString("tokenizer.ggml.pre", "qwen2")
                    .putStrings(
                            "tokenizer.ggml.tokens",
                            "a",
                            "b",
                            "c",
                            "Ġ",
                            "ab",
                            "Ġa",
                            "Ġab",
                            "<|endoftext|>",
                            "d",
                            "e",
                            "f",
                            "g",
                            "h",
                            "i",
                            "j",
                            "<|im_end|>")
                    .putInts("tokenizer.ggml.token_type", 1, 1, 1, 1, 1, 1, 1, 3, 1, 1, 1, 1, 1, 1, 1, 3)
                    .putStrings("tokenizer.ggml.merges", "a b", "Ġ a", "Ġa b")
                    .putU32("tokenizer.ggml.eos_token_id", 7);
        }
        return w.toBytes();
    }

    /** One row of each readable quantized type, blocks built from random quants. */
    static byte[] quantizedTensors() {
        Random r = new Random(7);
        GgufTestWriter w = new GgufTestWriter().alignment(64);
        w.tensor("q8_0", GgmlType.Q8_0, new long[] {32}, gaussian(r, 32));
        w.tensor("q4_0", GgmlType.Q4_0, new long[] {32}, gaussian(r, 32));
        w.tensor("q4_1", GgmlType.Q4_1, new long[] {32}, gaussian(r, 32));
        w.tensor("bf16", GgmlType.BF16, new long[] {4}, gaussian(r, 4));
        for (GgmlType t : new GgmlType[] {GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K}) {
            w.tensor(
                    t.name().toLowerCase(Locale.ROOT),
                    t,
                    new long[] {256, 1},
                    GgufImporterTest.Blocks.random(t, 1, 256, r).bytes());
        }
        w.tensor("q2_k", GgmlType.Q2_K, new long[] {256}, new byte[84]);
        return w.toBytes();
    }

    private static float[] gaussian(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * 0.05);
        }
        return x;
    }

    /** Writes the seeds to {@code args[0]} (the committed Inputs directory). */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        for (var e : all().entrySet()) {
            Files.write(dir.resolve(e.getKey()), e.getValue());
        }
    }
}
