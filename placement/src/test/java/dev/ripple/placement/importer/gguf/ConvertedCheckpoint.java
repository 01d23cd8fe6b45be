package dev.ripple.placement.importer.gguf;

import dev.ripple.placement.synthetic.SyntheticDecoder;
import dev.ripple.placement.synthetic.SyntheticDecoderWriter;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A generated checkpoint and its GGUF conversion as llama.cpp makes it ({@link HfToGguf}), so that a
 * test can compare what the GGUF file gives with what the checkpoint gives.
 *
 * @param hf the checkpoint's directory (one safetensors file)
 * @param gguf the converted file
 */
record ConvertedCheckpoint(Path hf, Path gguf) {
    /**
     * Writes {@code spec} into {@code dir/hf} with weights in {@code dtype} and converts it to
     * {@code dir/model.gguf} as model {@code arch} with matrices in {@code matrices}.
     */
    static ConvertedCheckpoint write(Path dir, SyntheticDecoder spec, String dtype, String arch, GgmlType matrices)
            throws IOException {
        Path hf = dir.resolve("hf");
        SyntheticDecoderWriter.write(spec, hf, dtype, 1);
        Path gguf = dir.resolve("model.gguf");
        HfToGguf.convert(hf, arch, matrices).write(gguf);
        return new ConvertedCheckpoint(hf, gguf);
    }
}
