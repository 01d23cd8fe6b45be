package dev.ripple.placement.synthetic;

import dev.ripple.core.format.AtomicFile;
import dev.ripple.placement.synthetic.SyntheticDecoder.Family;
import dev.ripple.placement.synthetic.SyntheticTensors.Planned;
import dev.ripple.placement.synthetic.SyntheticTensors.Rows;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Writes a {@link SyntheticDecoder} as a Hugging Face checkpoint directory: {@code config.json} as
 * transformers writes it for the model type, and {@code model.safetensors} or
 * {@code model-00001-of-0000n.safetensors} shards with {@code model.safetensors.index.json}.
 *
 * <pre>{@code
 * SyntheticDecoderWriter.write(SyntheticDecoder.opt125m().withActiveFraction(0.1).withClusters(96),
 *         Path.of("gen-opt-125m"), "F16", 1);
 * SyntheticDecoderWriter.write(SyntheticDecoder.llama2_7b(), Path.of("gen-llama-7b"), "BF16", 3);   // 13 GB, ~1 MiB of heap
 * }</pre>
 *
 * <p><b>Streaming.</b> Tensors are generated and written one row at a time through one reusable
 * 1 MiB buffer, so the heap needed does not grow with the model (a 7B-shaped model writes with a
 * 512 MiB heap; files past 2 GiB use 64-bit offsets). Every value depends only on the seed and the
 * tensor's name, so sharding does not change any value.
 *
 * <p><b>Atomicity.</b> Each file is written to a hidden temporary file in the directory, forced and
 * renamed over its target. {@code config.json} is removed first and published last, so an
 * interrupted write never leaves a directory that looks complete; safetensors files of an earlier
 * write with another shard count are removed.
 *
 * <p>{@code config.json} also carries a {@code ripple_synthetic} object (ignored by transformers,
 * read back by {@link SyntheticDecoder#fromCheckpoint}) saying the weights are generated, with the
 * whole specification.
 */
public final class SyntheticDecoderWriter {
    /** The key of the generated-weights label in {@code config.json}. */
    static final String LABEL = "ripple_synthetic";
    /** The transformers release whose {@code config.json} fields are written. */
    static final String TRANSFORMERS_VERSION = "4.46.3";

    private static final int BUFFER_BYTES = 1 << 20;
    private static final Pattern SHARD = Pattern.compile("model-\\d{5}-of-\\d{5}\\.safetensors");

    private SyntheticDecoderWriter() {}

    /**
     * Writes the checkpoint into {@code dir} (created if missing).
     *
     * @param dtype  {@code F32}, {@code F16} or {@code BF16} (values rounded to nearest even)
     * @param shards 1 for {@code model.safetensors}, more for that many shards of about equal size
     *               (at most one per tensor)
     */
    public static void write(SyntheticDecoder spec, Path dir, String dtype, int shards) throws IOException {
        String type = dtype.toUpperCase(Locale.ROOT);
        int width = switch (type) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            default -> throw new IllegalArgumentException("dtype must be F32, F16 or BF16, not " + dtype);
        };
        List<Planned> tensors = SyntheticTensors.plan(spec);
        if (shards < 1 || shards > tensors.size()) {
            throw new IllegalArgumentException(
                    "shards must be in [1, " + tensors.size() + "] for this model: " + shards);
        }
        Files.createDirectories(dir);
        List<List<Planned>> groups = split(tensors, shards, width);
        List<AtomicFile.Staged> staged = new ArrayList<>();
        try {
            Map<String, String> weightMap = new LinkedHashMap<>();
            long total = 0;
            for (int s = 0; s < shards; s++) {
                String file = shards == 1
                        ? "model.safetensors"
                        : String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", s + 1, shards);
                List<Planned> group = groups.get(s);
                staged.add(AtomicFile.stage(dir.resolve(file), ch -> {
                    writeSafetensors(ch, group, type, width);
                    return ch.size();
                }));
                for (Planned p : group) {
                    weightMap.put(p.name(), file);
                    total += p.elements() * width;
                }
            }
            if (shards > 1) {
                Map<String, Object> index = new LinkedHashMap<>();
                index.put("metadata", Map.of("total_size", total));
                index.put("weight_map", weightMap);
                staged.add(stageText(dir.resolve("model.safetensors.index.json"), PythonJson.dumps(index)));
            }
            AtomicFile.Staged config = stageText(dir.resolve("config.json"), PythonJson.dumps(config(spec, type)));
            Files.deleteIfExists(dir.resolve("config.json"));
            for (AtomicFile.Staged st : staged) {
                st.publish();
            }
            staged.clear();
            removeStale(dir, shards);
            config.publish();
        } finally {
            for (AtomicFile.Staged st : staged) {
                st.discard();
            }
        }
    }

    private static AtomicFile.Staged stageText(Path target, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return AtomicFile.stage(target, ch -> {
            writeFully(ch, ByteBuffer.wrap(bytes));
            return bytes.length;
        });
    }

    private static void removeStale(Path dir, int shards) throws IOException {
        if (shards > 1) {
            Files.deleteIfExists(dir.resolve("model.safetensors"));
        } else {
            Files.deleteIfExists(dir.resolve("model.safetensors.index.json"));
        }
        String mine = String.format(Locale.ROOT, "-of-%05d.safetensors", shards);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (SHARD.matcher(n).matches() && (shards == 1 || !n.endsWith(mine))) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /**
     * Consecutive groups of about {@code total / shards} bytes, each non-empty (a group closes once it
     * reaches its share, or when just enough tensors are left for the remaining groups).
     */
    static List<List<Planned>> split(List<Planned> tensors, int shards, int width) {
        long total = 0;
        for (Planned p : tensors) {
            total += p.elements() * width;
        }
        List<List<Planned>> groups = new ArrayList<>();
        List<Planned> current = new ArrayList<>();
        long acc = 0;
        for (int k = 0; k < tensors.size(); k++) {
            int s = groups.size();
            boolean full = acc * shards >= (s + 1) * total || tensors.size() - k <= shards - 1 - s;
            if (!current.isEmpty() && s < shards - 1 && full) {
                groups.add(current);
                current = new ArrayList<>();
            }
            current.add(tensors.get(k));
            acc += tensors.get(k).elements() * width;
        }
        groups.add(current);
        return groups;
    }

    private static void writeSafetensors(FileChannel ch, List<Planned> tensors, String dtype, int width)
            throws IOException {
        StringBuilder h = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        for (Planned p : tensors) {
            long bytes = p.elements() * width;
            h.append(',');
            PythonJson.string(h, p.name());
            h.append(":{\"dtype\":\"").append(dtype).append("\",\"shape\":[");
            long[] shape = p.shape();
            for (int i = 0; i < shape.length; i++) {
                h.append(i == 0 ? "" : ",").append(shape[i]);
            }
            h.append("],\"data_offsets\":[")
                    .append(offset)
                    .append(',')
                    .append(offset + bytes)
                    .append("]}");
            offset += bytes;
        }
        h.append('}');
        while ((8 + h.length()) % 8 != 0) {
            h.append(' '); // the data starts 8-byte aligned, as the safetensors library writes it
        }
        byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(header.length);
        buf.flip();
        writeFully(ch, buf);
        writeFully(ch, ByteBuffer.wrap(header));
        buf.clear();
        for (Planned p : tensors) {
            float[] row = new float[p.rowLength()];
            int rowBytes = row.length * width;
            if (rowBytes > buf.capacity()) {
                flush(ch, buf);
                buf = ByteBuffer.allocate(rowBytes).order(ByteOrder.LITTLE_ENDIAN);
            }
            Rows rows = p.open();
            for (int r = 0; r < p.rowCount(); r++) {
                rows.next(row);
                if (buf.remaining() < rowBytes) {
                    flush(ch, buf);
                }
                encode(row, buf, dtype);
            }
        }
        flush(ch, buf);
    }

    private static void encode(float[] row, ByteBuffer buf, String dtype) {
        switch (dtype) {
            case "F32" -> {
                for (float v : row) {
                    buf.putFloat(v);
                }
            }
            case "F16" -> {
                for (float v : row) {
                    buf.putShort(Float.floatToFloat16(v));
                }
            }
            default -> {
                for (float v : row) {
                    buf.putShort(toBf16(v));
                }
            }
        }
    }

    /** f32 → bf16, rounding to nearest even (the values written are finite). */
    static short toBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }

    private static void flush(FileChannel ch, ByteBuffer buf) throws IOException {
        buf.flip();
        writeFully(ch, buf);
        buf.clear();
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    // ---------------------------------------------------------------- config.json

    /** The config as transformers saves it for the model type, plus the generated-weights label. */
    static Map<String, Object> config(SyntheticDecoder s, String dtype) {
        Map<String, Object> c = s.family() == Family.OPT ? optConfig(s) : llamaConfig(s);
        c.put("architectures", List.of(s.architecture()));
        c.put("model_type", s.modelType());
        c.put("bos_token_id", s.bosTokenId());
        c.put("eos_token_id", s.eosTokenId());
        c.put("hidden_size", s.hiddenSize());
        c.put("num_hidden_layers", s.numLayers());
        c.put("num_attention_heads", s.numHeads());
        c.put("vocab_size", s.vocabSize());
        c.put("max_position_embeddings", s.maxPositions());
        c.put(
                "torch_dtype",
                switch (dtype) {
                    case "F32" -> "float32";
                    case "F16" -> "float16";
                    default -> "bfloat16";
                });
        c.put("transformers_version", TRANSFORMERS_VERSION);
        c.put("use_cache", true);
        c.put(LABEL, label(s));
        return c;
    }

    private static Map<String, Object> optConfig(SyntheticDecoder s) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("_remove_final_layer_norm", false);
        c.put("activation_dropout", 0.0);
        c.put("activation_function", "relu");
        c.put("attention_dropout", 0.0);
        c.put("do_layer_norm_before", s.doLayerNormBefore());
        c.put("dropout", 0.1);
        c.put("enable_bias", true);
        c.put("ffn_dim", s.intermediateSize());
        c.put("init_std", s.initStd());
        c.put("layer_norm_elementwise_affine", true);
        c.put("layerdrop", 0.0);
        c.put("pad_token_id", 1);
        c.put("prefix", "</s>");
        c.put("word_embed_proj_dim", s.wordEmbedProjDim());
        return c;
    }

    private static Map<String, Object> llamaConfig(SyntheticDecoder s) {
        Map<String, Object> c = new LinkedHashMap<>();
        boolean qwen = s.modelType().equals("qwen2");
        c.put("attention_dropout", 0.0);
        c.put("hidden_act", s.hiddenAct());
        if (s.hiddenAct().equals("fatrelu")) {
            c.put("hidden_act_param", s.hiddenActParam());
        }
        c.put("initializer_range", s.initStd());
        c.put("intermediate_size", s.intermediateSize());
        c.put("num_key_value_heads", s.numKvHeads());
        c.put("rms_norm_eps", s.normEps());
        c.put("rope_scaling", ropeScaling(s.ropeScaling()));
        c.put("rope_theta", s.ropeTheta());
        c.put("tie_word_embeddings", s.tieWordEmbeddings());
        if (qwen) {
            c.put("max_window_layers", s.numLayers());
            c.put("sliding_window", s.maxPositions());
            c.put("use_sliding_window", false);
        } else {
            c.put("attention_bias", false);
            c.put("head_dim", s.headDim());
            c.put("mlp_bias", false);
            c.put("pretraining_tp", 1);
        }
        return c;
    }

    private static Map<String, Object> ropeScaling(SyntheticDecoder.RopeScaling r) {
        if (r == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("factor", r.factor());
        m.put("low_freq_factor", r.lowFreqFactor());
        m.put("high_freq_factor", r.highFreqFactor());
        m.put("original_max_position_embeddings", r.originalMaxPositions());
        m.put("rope_type", "llama3");
        return m;
    }

    private static Map<String, Object> label(SyntheticDecoder s) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("family", s.family().name());
        spec.put("hidden_size", s.hiddenSize());
        spec.put("intermediate_size", s.intermediateSize());
        spec.put("num_layers", s.numLayers());
        spec.put("num_heads", s.numHeads());
        spec.put("num_kv_heads", s.numKvHeads());
        spec.put("vocab_size", s.vocabSize());
        spec.put("max_positions", s.maxPositions());
        spec.put("hidden_act", s.hiddenAct());
        spec.put("hidden_act_param", finiteOrNull(s.hiddenActParam()));
        spec.put("attention_bias", s.attentionBias());
        spec.put("norm_eps", s.normEps());
        spec.put("rope_theta", s.ropeTheta());
        spec.put("rope_scaling", ropeScaling(s.ropeScaling()));
        spec.put("tie_word_embeddings", s.tieWordEmbeddings());
        spec.put("do_layer_norm_before", s.doLayerNormBefore());
        spec.put("word_embed_proj_dim", s.wordEmbedProjDim());
        spec.put("seed", s.seed());
        spec.put("init_std", s.initStd());
        spec.put("active_fraction", finiteOrNull(s.activeFraction()));
        spec.put("clusters", s.clusters());
        spec.put("cluster_mixing", s.clusterMixing());
        Map<String, Object> label = new LinkedHashMap<>();
        label.put("weights", "generated");
        label.put("note", "generated weights: every figure measured on this model must say so");
        label.put("generator", "dev.ripple.placement.synthetic.SyntheticDecoderWriter");
        label.put("spec", spec);
        return label;
    }

    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
