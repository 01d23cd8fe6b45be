package dev.ripple.placement.synthetic;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A generated checkpoint and its ONNX export, the starting point of every test that runs a
 * generated decoder under ONNX Runtime.
 *
 * @param hf the checkpoint's directory
 * @param onnx the exported model
 */
public record ExportedCheckpoint(Path hf, Path onnx) {
    /** Writes {@code spec} into {@code dir/hf} and exports it to {@code dir/model.onnx}. */
    public static ExportedCheckpoint write(Path dir, SyntheticDecoder spec, String dtype, int shards)
            throws IOException {
        Path hf = dir.resolve("hf");
        SyntheticDecoderWriter.write(spec, hf, dtype, shards);
        Path onnx = dir.resolve("model.onnx");
        DecoderOnnxExporter.export(hf, onnx);
        return new ExportedCheckpoint(hf, onnx);
    }
}
