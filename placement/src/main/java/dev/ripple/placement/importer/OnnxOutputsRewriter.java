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
 * <pre>{@code
 * byte[] bytes = OnnxOutputsRewriter.withOutputs(model, imported.activationOutputs());
 * try (OrtSession s = env.createSession(bytes, opts)) { ... }
 * }</pre>
 */
public final class OnnxOutputsRewriter {
    private static final int FLOAT = 1;

    private OnnxOutputsRewriter() {}

    /** The model's bytes with {@code names} added as float graph outputs (names already outputs are skipped). */
    public static byte[] withOutputs(OnnxModel model, List<String> names) throws ModelFormatException {
        byte[] src = model.bytes();
        ByteArrayOutputStream bos = new ByteArrayOutputStream(src.length + 256 * names.size());
        try {
            CodedInputStream in = CodedInputStream.newInstance(src);
            CodedOutputStream out = CodedOutputStream.newInstance(bos, 1 << 16);
            int tag;
            while ((tag = in.readTag()) != 0) {
                int start = in.getTotalBytesRead() - CodedOutputStream.computeUInt32SizeNoTag(tag);
                if (WireFormat.getTagFieldNumber(tag) == 7
                        && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    int len = in.readRawVarint32();
                    int from = in.getTotalBytesRead();
                    if (len < 0 || len > src.length - from) {
                        throw new ModelFormatException(
                                model.source(), "ModelProto", "graph length " + len + " exceeds the file");
                    }
                    in.skipRawBytes(len);
                    byte[] extra = extraOutputs(model, names);
                    out.writeTag(7, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                    out.writeUInt32NoTag(len + extra.length);
                    out.writeRawBytes(src, from, len);
                    out.writeRawBytes(extra);
                } else {
                    in.skipField(tag);
                    out.writeRawBytes(src, start, in.getTotalBytesRead() - start);
                }
            }
            out.flush();
        } catch (IOException e) {
            throw new ModelFormatException(model.source(), "ModelProto", "cannot rewrite: " + e.getMessage(), e);
        }
        return bos.toByteArray();
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
