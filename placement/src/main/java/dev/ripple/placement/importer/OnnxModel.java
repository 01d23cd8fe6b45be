package dev.ripple.placement.importer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A parsed ONNX {@code ModelProto}: the subset of onnx.proto needed to find FFNs and resident
 * tensors. The original bytes are kept so the profiler can rewrite the model (extra outputs)
 * without re-encoding what it did not parse.
 *
 * <pre>{@code
 * OnnxModel m = OnnxModel.read(Path.of("model.onnx"));
 * System.out.println(m.graph().nodes().size() + " nodes, opsets " + m.opsets());
 * }</pre>
 *
 * @param source    the file it was read from (named in errors)
 * @param irVersion ONNX IR version
 * @param opsets    operator set versions by domain ({@code ""} is the default ONNX domain)
 * @param producer  producer name and version, for provenance
 * @param graph     the main graph
 * @param bytes     the model bytes as read (shared with {@link OnnxTensor#source()}; do not modify)
 */
public record OnnxModel(
        Path source, long irVersion, Map<String, Long> opsets, String producer, OnnxGraph graph, byte[] bytes) {

    /** Largest model read into memory: protobuf itself limits messages to 2 GiB. */
    public static final long MAX_BYTES = Integer.MAX_VALUE - 64;

    /** Reads and parses an {@code .onnx} file; see {@link OnnxProtoReader}. */
    public static OnnxModel read(Path file) throws IOException {
        return OnnxProtoReader.read(file);
    }

    /**
     * The {@code metadata_props} of the model at {@code file}, read without the graph (which is
     * skipped on the stream): for a label, such as whether an exported decoder holds generated weights.
     */
    public static Map<String, String> readMetadata(Path file) throws IOException {
        return OnnxProtoReader.readMetadata(file);
    }

    /** Parses model bytes; {@code source} only names the model in errors. */
    public static OnnxModel parse(Path source, byte[] bytes) throws ModelFormatException {
        return OnnxProtoReader.parse(source, bytes);
    }
}
