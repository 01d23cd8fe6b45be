/**
 * GGUF files (llama.cpp's model format): {@link dev.ripple.placement.importer.gguf.GgufFile} maps and
 * parses one (header, metadata of every type, tensor infos), {@link dev.ripple.placement.importer.gguf.GgmlType}
 * knows every ggml tensor type's block layout and decodes nine of them,
 * {@link dev.ripple.placement.importer.gguf.GgufImporter} turns a {@code llama} or {@code qwen2} file into
 * an {@link dev.ripple.placement.importer.ImportedModel}, and
 * {@link dev.ripple.placement.importer.gguf.GgufTokenizer} turns its vocabulary into a Hugging Face
 * tokenizer.json. docs/GGUF.md describes what is read and how it was verified.
 */
package dev.ripple.placement.importer.gguf;
