package dev.ripple.placement.importer.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.placement.importer.SafetensorsFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * Test-only conversion of a Hugging Face Llama or Qwen2 checkpoint (config.json + one
 * model.safetensors) into a GGUF file, done the way llama.cpp's {@code convert_hf_to_gguf.py} does
 * it: tensor names mapped ({@code model.layers.0.self_attn.q_proj.weight} → {@code blk.0.attn_q.weight}),
 * dims written in ggml's order (an [out, in] matrix has dims [in, out]; the bytes do not move),
 * for {@code llama} the q and k rows of each head permuted so that its halves become adjacent pairs
 * (weights and biases; k with the key/value head count), 1-D tensors in F32 and matrices in the
 * chosen type, the {@code <arch>.*} keys, and for Llama 3.1 rope scaling the {@code rope_freqs.weight}
 * factors.
 */
final class HfToGguf {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HfToGguf() {}

    /** The GGUF file of the checkpoint in {@code hf}, its matrices in {@code matrices}. */
    static GgufTestWriter convert(Path hf, String arch, GgmlType matrices) throws IOException {
        return convert(hf, arch, matrices, UnaryOperator.identity());
    }

    /**
     * As {@link #convert(Path, String, GgmlType)}, with {@code values} applied to every matrix's
     * row-major floats (in Hugging Face's row order) before it is permuted and encoded.
     */
    static GgufTestWriter convert(Path hf, String arch, GgmlType matrices, UnaryOperator<float[]> values)
            throws IOException {
        JsonNode c = JSON.readTree(hf.resolve("config.json").toFile());
        SafetensorsFile st = SafetensorsFile.open(hf.resolve("model.safetensors"));
        int d = c.get("hidden_size").asInt();
        int heads = c.get("num_attention_heads").asInt();
        int kvHeads = c.path("num_key_value_heads").asInt(heads);
        int headDim = d / heads;
        int layers = c.get("num_hidden_layers").asInt();
        boolean permute = arch.equals("llama");
        GgufTestWriter w = new GgufTestWriter()
                .putString("general.architecture", arch)
                .putString("general.name", "generated " + arch)
                .putU32(
                        arch + ".context_length",
                        c.get("max_position_embeddings").asLong())
                .putU32(arch + ".embedding_length", d)
                .putU32(arch + ".block_count", layers)
                .putU32(
                        arch + ".feed_forward_length",
                        c.get("intermediate_size").asLong())
                .putU32(arch + ".attention.head_count", heads)
                .putU32(arch + ".attention.head_count_kv", kvHeads)
                .putF32(
                        arch + ".attention.layer_norm_rms_epsilon",
                        c.get("rms_norm_eps").asDouble())
                .putF32(arch + ".rope.freq_base", c.path("rope_theta").asDouble(10000))
                .putU32(arch + ".rope.dimension_count", headDim)
                .putU32("general.file_type", matrices == GgmlType.F32 ? 0 : 1);
        Map<String, String> names = new LinkedHashMap<>();
        names.put("model.embed_tokens.weight", "token_embd.weight");
        for (int i = 0; i < layers; i++) {
            String h = "model.layers." + i + ".";
            String g = "blk." + i + ".";
            for (String[] p : new String[][] {
                {"self_attn.q_proj", "attn_q"},
                {"self_attn.k_proj", "attn_k"},
                {"self_attn.v_proj", "attn_v"},
                {"self_attn.o_proj", "attn_output"},
                {"mlp.gate_proj", "ffn_gate"},
                {"mlp.up_proj", "ffn_up"},
                {"mlp.down_proj", "ffn_down"}
            }) {
                names.put(h + p[0] + ".weight", g + p[1] + ".weight");
                names.put(h + p[0] + ".bias", g + p[1] + ".bias");
            }
            names.put(h + "input_layernorm.weight", g + "attn_norm.weight");
            names.put(h + "post_attention_layernorm.weight", g + "ffn_norm.weight");
        }
        names.put("model.norm.weight", "output_norm.weight");
        names.put("lm_head.weight", "output.weight");
        for (var e : names.entrySet()) {
            if (!st.entries().containsKey(e.getKey())) {
                continue;
            }
            long[] shape = st.entries().get(e.getKey()).shape();
            float[] v = st.read(e.getKey());
            String to = e.getValue();
            if (shape.length == 2) {
                v = values.apply(v);
            }
            if (permute && (to.contains("attn_q.") || to.contains("attn_k."))) {
                v = permuteHalvesToPairs(v, to.contains("attn_q.") ? heads : kvHeads, headDim);
            }
            long[] dims = shape.length == 2 ? new long[] {shape[1], shape[0]} : new long[] {shape[0]};
            w.tensor(to, shape.length == 2 ? matrices : GgmlType.F32, dims, v);
        }
        JsonNode rs = c.path("rope_scaling");
        if (permute && rs.isObject() && "llama3".equals(rs.path("rope_type").asText())) {
            w.tensor(
                    "rope_freqs.weight",
                    GgmlType.F32,
                    new long[] {headDim / 2},
                    llama3Factors(rs, c.path("rope_theta").asDouble(10000), headDim));
        }
        return w;
    }

    /**
     * llama.cpp's permutation of q/k rows: within each head of {@code headDim} rows (a row is one
     * output, any length), row {@code j·headDim/2 + i} moves to {@code 2i + j}, so that the pair
     * (i, i + headDim/2) that Hugging Face rotates together becomes the adjacent pair (2i, 2i + 1).
     */
    static float[] permuteHalvesToPairs(float[] rows, int heads, int headDim) {
        int rowLength = rows.length / (heads * headDim);
        float[] out = new float[rows.length];
        int half = headDim / 2;
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < half; i++) {
                for (int j = 0; j < 2; j++) {
                    int from = h * headDim + j * half + i;
                    int to = h * headDim + 2 * i + j;
                    System.arraycopy(rows, from * rowLength, out, to * rowLength, rowLength);
                }
            }
        }
        return out;
    }

    /** The converter's {@code rope_freqs}: 1 for short wavelengths, the factor for long ones, a blend between. */
    static float[] llama3Factors(JsonNode rs, double theta, int headDim) {
        double factor = rs.path("factor").asDouble(8);
        double low = rs.path("low_freq_factor").asDouble(1);
        double high = rs.path("high_freq_factor").asDouble(4);
        double original = rs.path("original_max_position_embeddings").asDouble(8192);
        float[] out = new float[headDim / 2];
        for (int i = 0; i < out.length; i++) {
            float freq = (float) (1.0 / Math.pow(theta, (2.0 * i) / headDim));
            double wavelen = 2 * Math.PI / freq;
            if (wavelen < original / high) {
                out[i] = 1f;
            } else if (wavelen > original / low) {
                out[i] = (float) factor;
            } else {
                double smooth = (original / wavelen - low) / (high - low);
                out[i] = (float) (1 / ((1 - smooth) / factor + smooth));
            }
        }
        return out;
    }

    /**
     * A copy of the checkpoint in {@code hf} at {@code to} whose matrices hold {@code values} of
     * their floats, stored as F32 (the reference a quantized GGUF file is compared with).
     */
    static void copyWithMatrices(Path hf, Path to, BiFunction<String, float[], float[]> values) throws IOException {
        Files.createDirectories(to);
        Files.copy(hf.resolve("config.json"), to.resolve("config.json"));
        SafetensorsFile st = SafetensorsFile.open(hf.resolve("model.safetensors"));
        ObjectNode header = JSON.createObjectNode();
        Map<String, float[]> data = new LinkedHashMap<>();
        long offset = 0;
        for (var e : st.entries().entrySet()) {
            float[] v = st.read(e.getKey());
            if (e.getValue().shape().length == 2) {
                v = values.apply(e.getKey(), v);
            }
            data.put(e.getKey(), v);
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", "F32");
            var s = t.putArray("shape");
            for (long x : e.getValue().shape()) {
                s.add(x);
            }
            t.putArray("data_offsets").add(offset).add(offset + 4L * v.length);
            offset += 4L * v.length;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        ByteBuffer b = ByteBuffer.allocate((int) (8 + json.length + offset)).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json);
        for (float[] v : data.values()) {
            for (float x : v) {
                b.putFloat(x);
            }
        }
        Files.write(to.resolve("model.safetensors"), b.array());
    }
}
