package dev.ripple.placement.synthetic;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Exports a Hugging Face decoder checkpoint directory (OPT, Llama, Mistral, Qwen2 layouts; F32, F16
 * or BF16 safetensors, single or sharded) to an ONNX model of standard operators (opset 17) that
 * runs the Hugging Face forward pass with a KV cache: the independent reference that Ripple's Java
 * decoder is compared with, through {@link OrtDecoder}.
 *
 * <pre>{@code
 * SyntheticDecoderWriter.write(SyntheticDecoder.tinyLlama(), dir, "F32", 1);
 * DecoderOnnxExporter.export(dir, dir.resolve("model.onnx"));
 * try (OrtDecoder ort = OrtDecoder.open(dir.resolve("model.onnx"), 1)) {
 *     float[] logits = ort.prefill(new int[] {1, 15, 42});
 *     float[] next = ort.next(argmax(logits));
 * }
 * }</pre>
 *
 * <h2>Inputs and outputs</h2>
 * <ul>
 *   <li>{@code input_ids} int64 {@code [1, T]}; {@code position_ids} int64 {@code [1, T]}, absolute
 *       positions (OPT adds its offset 2 inside the graph);</li>
 *   <li>{@code attention_bias} float {@code [1, 1, T, P+T]}: added to the attention scores, 0 where key
 *       j may be seen by query i and -inf (or a large negative) elsewhere; the caller builds it;</li>
 *   <li>{@code past_key.i}, {@code past_value.i} float {@code [1, kvHeads, P, headDim]} per layer (P may be 0);</li>
 *   <li>outputs {@code logits} float {@code [1, T, vocab]} and {@code present_key.i},
 *       {@code present_value.i} {@code [1, kvHeads, P+T, headDim]} (keys after RoPE, as Hugging Face caches them).</li>
 * </ul>
 *
 * <h2>Semantics (transformers' modeling_opt.py and modeling_llama.py)</h2>
 * OPT: {@code x = embed_tokens[id]} (then {@code project_in}) {@code + embed_positions[pos + 2]}; pre-LN
 * layers {@code h = x + out_proj(attn(LN1(x))); x = h + fc2(relu(fc1(LN2(h))))}; post-LN layers
 * {@code h = LN1(x + attn(x)); x = LN2(h + ffn(h))}; {@code final_layer_norm} only when pre-LN; then
 * {@code project_out}; logits {@code x·embed_tokensᵀ}; q is scaled by {@code headDim^-0.5} after its bias.
 * Llama: {@code h = x + o_proj(attn(RMSNorm1(x))); x = h + down(ffn(RMSNorm2(h)))}, RMSNorm
 * {@code x / sqrt(mean(x²) + eps) * w}; RoPE on q and k in the rotate_half convention (pairs
 * {@code (i, i + headDim/2)}), inverse frequencies computed in double precision (Llama-3.1 scaling
 * from the formula) and stored as f32, angles {@code position·inv_freq} computed in f32 in the graph
 * as Hugging Face does; GQA; scores scaled by {@code 1/sqrt(headDim)}; logits with {@code lm_head} or the
 * tied embedding. FFNs: silu, relu, fatrelu ({@code g > t ? g : 0}, threshold {@code hidden_act_param})
 * gated by up, and drelu {@code relu(g)·relu(u)}. Qwen2 adds q/k/v biases. Mistral's sliding window is
 * not applied: the model's usable length ({@code ripple.max_positions} in the model metadata, which
 * {@link OrtDecoder} enforces) is cut to the window.
 *
 * <h2>Size</h2>
 * Weights are f32 initializers ({@code raw_data}) under their checkpoint names, streamed tensor by
 * tensor into the file; the ONNX protobuf is limited to 2 GiB in all, about 500 M parameters (OPT-125m
 * makes a 0.5 GB file). Larger checkpoints are refused before anything is written.
 */
public final class DecoderOnnxExporter {
    private DecoderOnnxExporter() {}

    /**
     * Reads {@code hfDir}'s {@code config.json} and safetensors and writes the graph to {@code onnxFile}
     * (through a temporary file renamed over it).
     *
     * @throws dev.ripple.placement.importer.ModelFormatException   a missing or malformed file or tensor,
     *                                                              or a tensor whose shape the config contradicts
     * @throws dev.ripple.placement.importer.UnsupportedModelException a model type, activation or option not implemented
     * @throws IllegalArgumentException                             the model exceeds the 2 GiB protobuf limit
     */
    public static void export(Path hfDir, Path onnxFile) throws IOException {
        HfDecoderConfig c = HfDecoderConfig.read(hfDir);
        CheckpointTensors ck = CheckpointTensors.open(hfDir);
        OnnxModelWriter g = DecoderGraph.build(c, ck);
        g.docString("Hugging Face " + c.modelType() + " forward with a KV cache, exported by Ripple from "
                + hfDir.getFileName() + GeneratedWeights.suffix(c.generated()));
        g.metadata("ripple.model_type", c.modelType());
        g.metadata("ripple.num_layers", Integer.toString(c.layers()));
        g.metadata("ripple.max_positions", Integer.toString(c.usablePositions()));
        g.metadata(GeneratedWeights.ONNX_METADATA_KEY, c.generated() ? "generated" : "checkpoint");
        g.write(onnxFile);
    }
}
