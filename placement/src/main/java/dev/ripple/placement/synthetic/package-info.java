/**
 * Generated decoder LLMs with <b>generated weights</b> and their independent reference.
 *
 * <p>{@link dev.ripple.placement.synthetic.SyntheticDecoder} describes an OPT or Llama-family model
 * (shape, activation, biases, RoPE, planted sparsity and co-activation clusters);
 * {@link dev.ripple.placement.synthetic.SyntheticDecoderWriter} streams it into a Hugging Face
 * checkpoint directory; {@link dev.ripple.placement.synthetic.DecoderOnnxExporter} turns any such
 * directory into an ONNX graph of the Hugging Face forward pass with a KV cache; and
 * {@link dev.ripple.placement.synthetic.OrtDecoder} runs that graph in ONNX Runtime token by token.
 * No real decoder weights can be downloaded where Ripple is tested, so this is how the Java decoder
 * is checked. The package imports nothing from {@code dev.ripple.core} (it reads safetensors through
 * the importer's {@code SafetensorsFile}). docs/SYNTHETIC.md.
 *
 * <pre>{@code
 * Path dir = Path.of("gen-opt");
 * SyntheticDecoderWriter.write(SyntheticDecoder.tinyOpt().withActiveFraction(0.1), dir, "F16", 1);
 * DecoderOnnxExporter.export(dir, dir.resolve("model.onnx"));
 * try (OrtDecoder ort = OrtDecoder.open(dir.resolve("model.onnx"), 1)) {
 *     float[] logits = ort.prefill(new int[] {2, 100, 7});
 * }
 * }</pre>
 */
package dev.ripple.placement.synthetic;
