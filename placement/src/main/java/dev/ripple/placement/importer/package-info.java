/**
 * Model importers: they turn a model file into an {@link dev.ripple.placement.importer.ImportedModel}
 * (FFN layers in original neuron order, resident tensors, architecture config), ready for
 * {@code RippleContents}.
 *
 * <p>{@link dev.ripple.placement.importer.OnnxImporter} reads {@code .onnx} files with a hand-written
 * decoder for the few onnx.proto messages it needs and finds FFNs and BERT roles by graph
 * structure, because exporters rename weights; {@link dev.ripple.placement.importer.SafetensorsImporter}
 * reads Hugging Face OPT and Llama-family checkpoints by tensor name, because those names are stable.
 * Malformed files raise {@link dev.ripple.placement.importer.ModelFormatException}; well-formed but
 * unrecognised models raise {@link dev.ripple.placement.importer.UnsupportedModelException}.
 * docs/IMPORT.md specifies tensor names and config fields.
 */
package dev.ripple.placement.importer;
