package dev.ripple.placement.importer.gguf;

/**
 * Decodes one block of a ggml tensor type into floats: {@code blockBytes} bytes at
 * {@code src[off..]} become {@code blockSize} values at {@code dst[at..]}. One small class per type
 * family ({@link BlockDecoders}), written from the block layouts of ggml's {@code ggml-common.h} and
 * the reference formulas of {@code ggml-quants.c} (docs/GGUF.md).
 */
@FunctionalInterface
interface BlockDecoder {
    void decode(byte[] src, int off, float[] dst, int at);
}
