package dev.ripple.placement.importer;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Re-serialises a model with extra graph outputs, so ONNX Runtime returns intermediate tensors
 * (the FFN activations) next to the model's own outputs.
 *
 * <p>Every top-level ModelProto field is copied byte for byte except the graph, whose bytes are
 * copied and followed by one {@code output} ValueInfoProto per added name (elem_type float, shape
 * left for the runtime to infer). Repeated fields may appear anywhere in a protobuf message, so
 * appending is a valid encoding of "the same graph with more outputs"; nothing the decoder did
 * not understand is lost.
 *
 * <p>The result's length is counted first and the fields are then written straight into an array
 * of that length: the model is most of the bytes (87 MiB for all-MiniLM-L6-v2), and writing it
 * through a growing stream allocated and copied it once more on every profiler opened.
 *
 * <pre>{@code
 * byte[] bytes = OnnxOutputsRewriter.withOutputs(model, imported.activationOutputs());
 * try (OrtSession s = env.createSession(bytes, opts)) { ... }
 * }</pre>
 */
public final class OnnxOutputsRewriter {
    private static final int FLOAT = 1;
    private static final int GRAPH = 7;

    private OnnxOutputsRewriter() {}

    /** The model's bytes with {@code names} added as float graph outputs (names already outputs are skipped). */
    public static byte[] withOutputs(OnnxModel model, List<String> names) throws ModelFormatException {
        try {
            byte[] extra = extraOutputs(model, names);
            byte[] rewritten = new byte[copy(model, extra, null)];
            CodedOutputStream out = CodedOutputStream.newInstance(rewritten);
            copy(model, extra, out);
            out.checkNoSpaceLeft();
            return rewritten;
        } catch (IOException e) {
            throw new ModelFormatException(model.source(), "ModelProto", "cannot rewrite: " + e.getMessage(), e);
        }
    }

    /**
     * Copies the model's top-level fields to {@code out}, each graph with {@code extra} appended, and
     * returns the bytes that takes; with {@code out} null, only counts them.
     */
    private static int copy(OnnxModel model, byte[] extra, CodedOutputStream out)
            throws IOException, ModelFormatException {
        byte[] src = model.bytes();
        CodedInputStream in = CodedInputStream.newInstance(src);
        int size = 0;
        int tag;
        while ((tag = in.readTag()) != 0) {
            int start = in.getTotalBytesRead() - CodedOutputStream.computeUInt32SizeNoTag(tag);
            if (WireFormat.getTagFieldNumber(tag) == GRAPH
                    && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int len = in.readRawVarint32();
                int from = in.getTotalBytesRead();
                if (len < 0 || len > src.length - from) {
                    throw new ModelFormatException(
                            model.source(), "ModelProto", "graph length " + len + " exceeds the file");
                }
                in.skipRawBytes(len);
                int graphLength = len + extra.length;
                size += CodedOutputStream.computeTagSize(GRAPH)
                        + CodedOutputStream.computeUInt32SizeNoTag(graphLength)
                        + graphLength;
                if (out != null) {
                    out.writeTag(GRAPH, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                    out.writeUInt32NoTag(graphLength);
                    out.writeRawBytes(src, from, len);
                    out.writeRawBytes(extra);
                }
            } else {
                in.skipField(tag);
                int fieldLength = in.getTotalBytesRead() - start;
                size += fieldLength;
                if (out != null) {
                    out.writeRawBytes(src, start, fieldLength);
                }
            }
        }
        return size;
    }

    private static byte[] extraOutputs(OnnxModel model, List<String> names) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bos);
        for (String name : names) {
            if (model.graph().outputs().contains(name)) {
                continue;
            }
            byte[] tensorType = message(o -> o.writeInt32(1, FLOAT));
            byte[] typeProto = message(o -> o.writeByteArray(1, tensorType));
            byte[] valueInfo = message(o -> {
                o.writeByteArray(1, name.getBytes(StandardCharsets.UTF_8));
                o.writeByteArray(2, typeProto);
            });
            out.writeByteArray(12, valueInfo);
        }
        out.flush();
        return bos.toByteArray();
    }

    private interface Body {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] message(Body body) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bos);
        body.write(out);
        out.flush();
        return bos.toByteArray();
    }
}
