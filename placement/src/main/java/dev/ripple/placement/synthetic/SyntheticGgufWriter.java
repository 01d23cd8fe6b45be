package dev.ripple.placement.synthetic;

import dev.ripple.placement.importer.gguf.GgmlType;
import dev.ripple.placement.importer.gguf.GgufVocabulary;
import dev.ripple.placement.importer.gguf.GgufWriter;
import dev.ripple.placement.synthetic.SyntheticDecoder.Family;
import dev.ripple.placement.synthetic.SyntheticTensors.Planned;
import dev.ripple.placement.synthetic.SyntheticTensors.Rows;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a Llama-shaped {@link SyntheticDecoder} as a GGUF file the way llama.cpp's converter lays
 * out a Llama checkpoint: architecture {@code llama}, the {@code llama.*} keys, tensors under
 * llama.cpp's names with dims in ggml order, q and k rows permuted so that each head's halves
 * become adjacent pairs (the rotation llama.cpp applies to such files), 1-D tensors in F32 and
 * matrices (embeddings and head included) in the chosen type, and a SentencePiece vocabulary.
 * The values are those {@link SyntheticDecoderWriter} writes for the same spec and seed (before
 * the type's rounding). Generated weights, not a trained model: the file says so in
 * {@code general.description} (docs/SYNTHETIC.md).
 *
 * <pre>{@code
 * SyntheticGgufWriter.write(SyntheticDecoder.llama2_7b(), Path.of("gen-llama-2-7b.Q4_0.gguf"), GgmlType.Q4_0,
 *         GgufVocabulary.fromSentencePieceJson(llama2TokenizerJson), "llama-2-7b");   // 3.8 GB, streamed
 * }</pre>
 *
 * <p><b>Streaming.</b> Rows are generated and quantized one at a time into the writer's 1 MiB
 * buffer; a permuted q or k matrix holds one head's rows ({@code headDim × hidden} floats, 2 MiB for
 * a 7B model). The vocabulary is the only other sizeable thing on the heap.
 */
public final class SyntheticGgufWriter {
    /** The matrix types written. */
    public static final List<GgmlType> TYPES = List.of(GgmlType.F32, GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_0);

    private SyntheticGgufWriter() {}

    /**
     * @param vocab the vocabulary to store, or null for none (the model then runs on token ids);
     *              it must have exactly {@code spec.vocabSize()} tokens
     * @param name  {@code general.name} (the preset)
     * @return the file size
     * @throws IllegalArgumentException for specs GGUF's {@code llama} architecture cannot express here
     *                                  (OPT, attention biases, activations other than SiLU, rope scaling)
     *                                  or a vocabulary of another size
     */
    public static long write(SyntheticDecoder spec, Path file, GgmlType matrices, GgufVocabulary vocab, String name)
            throws IOException {
        if (!TYPES.contains(matrices)) {
            throw new IllegalArgumentException("matrices must be one of " + TYPES + ", not " + matrices);
        }
        requireLlama(spec);
        if (vocab != null && vocab.size() != spec.vocabSize()) {
            throw new IllegalArgumentException("the vocabulary has " + vocab.size() + " tokens, the model "
                    + spec.vocabSize() + " embedding rows; GGUF needs them equal");
        }
        int d = spec.hiddenSize();
        GgufWriter w = new GgufWriter()
                .put("general.architecture", "llama")
                .put("general.name", "generated " + name)
                .put(
                        "general.description",
                        "generated weights (ripple synth, seed " + spec.seed() + "): the shape of " + name
                                + ", not a trained model")
                .putU32("general.file_type", fileType(matrices))
                .putU32("llama.context_length", spec.maxPositions())
                .putU32("llama.embedding_length", d)
                .putU32("llama.block_count", spec.numLayers())
                .putU32("llama.feed_forward_length", spec.intermediateSize())
                .putU32("llama.attention.head_count", spec.numHeads())
                .putU32("llama.attention.head_count_kv", spec.numKvHeads())
                .putF32("llama.attention.layer_norm_rms_epsilon", spec.normEps())
                .putF32("llama.rope.freq_base", spec.ropeTheta())
                .putU32("llama.rope.dimension_count", spec.headDim());
        if (matrices == GgmlType.Q8_0 || matrices == GgmlType.Q4_0) {
            w.putU32("general.quantization_version", 2);
        }
        if (vocab != null) {
            vocab.putInto(w);
        }
        Map<String, Planned> planned = new HashMap<>();
        for (Planned p : SyntheticTensors.plan(spec)) {
            String to = ggufName(p.name());
            planned.put(to, p);
            long[] shape = p.shape();
            if (shape.length == 2) {
                w.tensor(to, matrices, shape[1], shape[0]);
            } else {
                w.tensor(to, GgmlType.F32, shape[0]);
            }
        }
        return w.write(file, (t, out) -> {
            Planned p = planned.get(t.name());
            float[] row = new float[p.rowLength()];
            Rows rows = p.open();
            int heads = t.name().endsWith("attn_q.weight")
                    ? spec.numHeads()
                    : t.name().endsWith("attn_k.weight") ? spec.numKvHeads() : 0;
            if (heads == 0) {
                for (int r = 0; r < p.rowCount(); r++) {
                    rows.next(row);
                    out.putValues(row, 0, row.length);
                }
                return;
            }
            // llama.cpp's permutation, one head at a time: row j·half + i of a head goes to 2i + j
            int headDim = spec.headDim();
            int half = headDim / 2;
            float[] head = new float[headDim * row.length];
            for (int h = 0; h < heads; h++) {
                for (int r = 0; r < headDim; r++) {
                    rows.next(row);
                    int j = r / half;
                    int i = r % half;
                    System.arraycopy(row, 0, head, (2 * i + j) * row.length, row.length);
                }
                out.putValues(head, 0, head.length);
            }
        });
    }

    /**
     * Refuses a spec that GGUF's {@code llama} architecture cannot express; public so that a caller
     * checks it before anything else it would refuse (a vocabulary's size), whose remedy alone would
     * lead to this refusal next.
     *
     * @throws IllegalArgumentException naming what is not Llama-shaped
     */
    public static void requireLlama(SyntheticDecoder s) {
        String why = s.family() != Family.LLAMA
                ? "the " + s.family() + " family"
                : s.attentionBias()
                        ? "attention biases (Qwen2's, which GGUF files of architecture qwen2 hold)"
                        : !s.hiddenAct().equals("silu")
                                ? "the " + s.hiddenAct() + " activation (llama's FFN is SwiGLU)"
                                : s.ropeScaling() != null
                                        ? "rope scaling"
                                        : s.headDim() % 2 != 0 ? "odd head widths" : null;
        if (why != null) {
            throw new IllegalArgumentException(
                    "a GGUF file of architecture llama is written for Llama-shaped models; this one has " + why);
        }
    }

    /** llama.cpp's {@code general.file_type} ({@code llama_ftype}) for files whose matrices are all {@code t}. */
    static int fileType(GgmlType t) {
        return switch (t) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q8_0 -> 7;
            default -> throw new IllegalArgumentException(t.toString());
        };
    }

    /** llama.cpp's tensor name for a Hugging Face Llama tensor. */
    static String ggufName(String hf) {
        return switch (hf) {
            case "model.embed_tokens.weight" -> "token_embd.weight";
            case "model.norm.weight" -> "output_norm.weight";
            case "lm_head.weight" -> "output.weight";
            default -> {
                if (!hf.startsWith("model.layers.")) {
                    throw new IllegalArgumentException("no GGUF name for " + hf);
                }
                int dot = hf.indexOf('.', "model.layers.".length());
                String layer = hf.substring("model.layers.".length(), dot);
                String part = switch (hf.substring(dot + 1)) {
                    case "self_attn.q_proj.weight" -> "attn_q.weight";
                    case "self_attn.k_proj.weight" -> "attn_k.weight";
                    case "self_attn.v_proj.weight" -> "attn_v.weight";
                    case "self_attn.o_proj.weight" -> "attn_output.weight";
                    case "mlp.gate_proj.weight" -> "ffn_gate.weight";
                    case "mlp.up_proj.weight" -> "ffn_up.weight";
                    case "mlp.down_proj.weight" -> "ffn_down.weight";
                    case "input_layernorm.weight" -> "attn_norm.weight";
                    case "post_attention_layernorm.weight" -> "ffn_norm.weight";
                    default -> throw new IllegalArgumentException("no GGUF name for " + hf);
                };
                yield "blk." + layer + "." + part;
            }
        };
    }
}
