package dev.ripple.placement.importer;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.collections.impl.list.mutable.primitive.DoubleArrayList;
import org.eclipse.collections.impl.list.mutable.primitive.FloatArrayList;
import org.eclipse.collections.impl.list.mutable.primitive.LongArrayList;

/**
 * Hand-written decoder for the subset of onnx.proto the importers need (ModelProto, GraphProto,
 * NodeProto, AttributeProto, TensorProto, ValueInfoProto names; {@link #readMetadata} streams the
 * metadata_props alone), on protobuf-java's
 * {@link CodedInputStream}. Generated classes for onnx.proto would pull a code generator into the
 * build for five messages; this is about two hundred lines.
 *
 * <p>Every length-delimited field is checked against the bytes left in its enclosing message
 * before it is sliced, so a corrupt length cannot cause a large allocation; unknown fields are
 * skipped; bulk tensor data is kept as a slice of the model bytes. Errors name the file and the
 * message being decoded.
 */
final class OnnxProtoReader {
    private static final int LEN = WireFormat.WIRETYPE_LENGTH_DELIMITED;

    private final Path file;
    private final byte[] buf;

    private OnnxProtoReader(Path file, byte[] buf) {
        this.file = file;
        this.buf = buf;
    }

    static OnnxModel read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > OnnxModel.MAX_BYTES) {
                throw new ModelFormatException(
                        file,
                        "file",
                        "is " + size + " bytes; ONNX models above 2 GiB keep their"
                                + " weights in external data files, which this importer does not read");
            }
            // The bytes, plus f32 copies of the weights an import makes from them.
            HeapBudget.require(file, 2 * size, "reading a " + size + "-byte ONNX model");
            byte[] bytes = new byte[(int) size];
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                if (ch.read(b) < 0) {
                    throw new ModelFormatException(
                            file, "file", "ended after " + b.position() + " of " + size + " bytes");
                }
            }
            return parse(file, bytes);
        }
    }

    /**
     * The model's {@code metadata_props} alone: the graph (nearly all of the file) is skipped on the
     * stream, never read into memory, so a label check costs little on a model of any size.
     */
    static Map<String, String> readMetadata(Path file) throws IOException {
        try (InputStream stream = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            CodedInputStream in = CodedInputStream.newInstance(stream);
            Map<String, String> metadata = new LinkedHashMap<>();
            int tag;
            while ((tag = in.readTag()) != 0) {
                if (WireFormat.getTagFieldNumber(tag) != 14 || WireFormat.getTagWireType(tag) != LEN) {
                    in.skipField(tag);
                    continue;
                }
                int length = in.readRawVarint32();
                if (length < 0 || length > MAX_METADATA_ENTRY_BYTES) {
                    throw new ModelFormatException(
                            file,
                            "metadata_props",
                            "holds an entry of " + length + " bytes (at most " + MAX_METADATA_ENTRY_BYTES
                                    + " are read)");
                }
                CodedInputStream entry = CodedInputStream.newInstance(in.readRawBytes(length));
                String key = "";
                String value = "";
                int t;
                while ((t = entry.readTag()) != 0) {
                    switch (WireFormat.getTagFieldNumber(t)) {
                        case 1 -> key = entry.readStringRequireUtf8();
                        case 2 -> value = entry.readStringRequireUtf8();
                        default -> entry.skipField(t);
                    }
                }
                metadata.put(key, value);
            }
            return metadata;
        } catch (InvalidProtocolBufferException e) {
            throw new ModelFormatException(file, "ModelProto", "does not parse: " + e.getMessage(), e);
        }
    }

    /** The largest metadata entry {@link #readMetadata} reads: far above any key and value pair. */
    private static final int MAX_METADATA_ENTRY_BYTES = 1 << 20;

    static OnnxModel parse(Path file, byte[] bytes) throws ModelFormatException {
        return new OnnxProtoReader(file, bytes).model();
    }

    /** A cursor over one message: [start, end) of {@link #buf}. */
    private final class Msg {
        final CodedInputStream in;
        final int start;
        final int end;
        final String what;

        Msg(int start, int length, String what) {
            this.in = CodedInputStream.newInstance(buf, start, length);
            this.start = start;
            this.end = start + length;
            this.what = what;
        }

        int pos() {
            return start + in.getTotalBytesRead();
        }

        int nextTag() throws ModelFormatException {
            try {
                return in.readTag();
            } catch (IOException e) {
                throw error("bad field tag at byte " + pos(), e);
            }
        }

        /** Reads a length prefix, checks it against the message end, and skips the payload. */
        int[] slice(int tag) throws ModelFormatException {
            if (WireFormat.getTagWireType(tag) != LEN) {
                throw error("field " + WireFormat.getTagFieldNumber(tag) + " has wire type "
                        + WireFormat.getTagWireType(tag) + ", expected length-delimited");
            }
            try {
                int at = pos();
                int len = in.readRawVarint32();
                int from = pos();
                if (len < 0 || len > end - from) {
                    throw error("field " + WireFormat.getTagFieldNumber(tag) + " at byte " + at + " declares " + len
                            + " bytes but only " + (end - from) + " remain in the " + what);
                }
                in.skipRawBytes(len);
                return new int[] {from, len};
            } catch (IOException e) {
                throw error("cannot read field " + WireFormat.getTagFieldNumber(tag) + " at byte " + pos(), e);
            }
        }

        String string(int tag) throws ModelFormatException {
            int[] s = slice(tag);
            return new String(buf, s[0], s[1], StandardCharsets.UTF_8);
        }

        long varint(int tag) throws ModelFormatException {
            try {
                if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_VARINT) {
                    throw error("field " + WireFormat.getTagFieldNumber(tag) + " is not a varint");
                }
                return in.readInt64();
            } catch (IOException e) {
                throw error("bad varint at byte " + pos(), e);
            }
        }

        float fixed32Float(int tag) throws ModelFormatException {
            try {
                if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_FIXED32) {
                    throw error("field " + WireFormat.getTagFieldNumber(tag) + " is not a 32-bit float");
                }
                return in.readFloat();
            } catch (IOException e) {
                throw error("bad float at byte " + pos(), e);
            }
        }

        double fixed64Double() throws ModelFormatException {
            try {
                return in.readDouble();
            } catch (IOException e) {
                throw error("bad double at byte " + pos(), e);
            }
        }

        void skip(int tag) throws ModelFormatException {
            try {
                if (WireFormat.getTagWireType(tag) == LEN) {
                    slice(tag);
                } else if (!in.skipField(tag)) {
                    throw error("unexpected end-group tag at byte " + pos());
                }
            } catch (InvalidProtocolBufferException e) {
                throw error("cannot skip field " + WireFormat.getTagFieldNumber(tag) + " at byte " + pos(), e);
            } catch (IOException e) {
                throw error("cannot skip field at byte " + pos(), e);
            }
        }

        /** Repeated varint field, packed or not. */
        void varints(int tag, LongArrayList out) throws ModelFormatException {
            if (WireFormat.getTagWireType(tag) == LEN) {
                int[] s = slice(tag);
                Msg packed = new Msg(s[0], s[1], what);
                while (packed.pos() < packed.end) {
                    try {
                        out.add(packed.in.readInt64());
                    } catch (IOException e) {
                        throw error("bad packed varint at byte " + packed.pos(), e);
                    }
                }
            } else {
                out.add(varint(tag));
            }
        }

        /**
         * A packed repeated field's payload, little-endian, checked to hold whole elements of
         * {@code width} bytes ({@code elements} names them in the error).
         */
        ByteBuffer packed(int tag, int width, String elements) throws ModelFormatException {
            int[] s = slice(tag);
            if (s[1] % width != 0) {
                throw error("packed " + elements + " of " + s[1] + " bytes, not a multiple of " + width);
            }
            return ByteBuffer.wrap(buf, s[0], s[1]).order(ByteOrder.LITTLE_ENDIAN);
        }

        /** Repeated float field, packed or not. */
        void floats(int tag, FloatArrayList out) throws ModelFormatException {
            if (WireFormat.getTagWireType(tag) == LEN) {
                ByteBuffer b = packed(tag, Float.BYTES, "floats");
                out.ensureCapacity(out.size() + b.remaining() / Float.BYTES);
                while (b.hasRemaining()) {
                    out.add(b.getFloat());
                }
            } else {
                out.add(fixed32Float(tag));
            }
        }

        /** Repeated double field, packed or not. */
        void doubles(int tag, DoubleArrayList out) throws ModelFormatException {
            if (WireFormat.getTagWireType(tag) == LEN) {
                ByteBuffer b = packed(tag, Double.BYTES, "doubles");
                while (b.hasRemaining()) {
                    out.add(b.getDouble());
                }
            } else if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_FIXED64) {
                out.add(fixed64Double());
            } else {
                throw error("field " + WireFormat.getTagFieldNumber(tag) + " is not a double");
            }
        }

        ModelFormatException error(String detail) {
            return new ModelFormatException(file, what, detail);
        }

        ModelFormatException error(String detail, Throwable cause) {
            return new ModelFormatException(file, what, detail + " (" + cause.getMessage() + ")", cause);
        }
    }

    private OnnxModel model() throws ModelFormatException {
        Msg m = new Msg(0, buf.length, "ModelProto");
        long ir = 0;
        Map<String, Long> opsets = new LinkedHashMap<>();
        String producer = "";
        String producerVersion = "";
        OnnxGraph graph = null;
        int tag;
        while ((tag = m.nextTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> ir = m.varint(tag);
                case 2 -> producer = m.string(tag);
                case 3 -> producerVersion = m.string(tag);
                case 7 -> {
                    int[] s = m.slice(tag);
                    graph = graph(s[0], s[1]);
                }
                case 8 -> {
                    int[] s = m.slice(tag);
                    Msg o = new Msg(s[0], s[1], "opset_import");
                    String domain = "";
                    long version = 0;
                    int t;
                    while ((t = o.nextTag()) != 0) {
                        switch (WireFormat.getTagFieldNumber(t)) {
                            case 1 -> domain = o.string(t);
                            case 2 -> version = o.varint(t);
                            default -> o.skip(t);
                        }
                    }
                    opsets.put(domain, version);
                }
                default -> m.skip(tag);
            }
        }
        if (graph == null) {
            throw new ModelFormatException(file, "ModelProto", "has no graph (is this an ONNX model?)");
        }
        return new OnnxModel(file, ir, opsets, (producer + " " + producerVersion).trim(), graph, buf);
    }

    private OnnxGraph graph(int start, int length) throws ModelFormatException {
        Msg g = new Msg(start, length, "GraphProto");
        String name = "";
        List<OnnxNode> nodes = new ArrayList<>();
        Map<String, OnnxTensor> inits = new LinkedHashMap<>();
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        int tag;
        while ((tag = g.nextTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> {
                    int[] s = g.slice(tag);
                    nodes.add(node(s[0], s[1], nodes.size()));
                }
                case 2 -> name = g.string(tag);
                case 5 -> {
                    int[] s = g.slice(tag);
                    OnnxTensor t = tensor(s[0], s[1], "initializer #" + inits.size());
                    inits.put(t.name(), t);
                }
                case 11 -> {
                    int[] s = g.slice(tag);
                    inputs.add(valueInfoName(s[0], s[1]));
                }
                case 12 -> {
                    int[] s = g.slice(tag);
                    outputs.add(valueInfoName(s[0], s[1]));
                }
                default -> g.skip(tag);
            }
        }
        Set<String> initNames = new HashSet<>(inits.keySet());
        inputs.removeIf(initNames::contains);
        return new OnnxGraph(name, nodes, inits, inputs, outputs);
    }

    private String valueInfoName(int start, int length) throws ModelFormatException {
        Msg v = new Msg(start, length, "ValueInfoProto");
        String name = "";
        int tag;
        while ((tag = v.nextTag()) != 0) {
            if (WireFormat.getTagFieldNumber(tag) == 1) {
                name = v.string(tag);
            } else {
                v.skip(tag);
            }
        }
        return name;
    }

    private OnnxNode node(int start, int length, int index) throws ModelFormatException {
        Msg n = new Msg(start, length, "node #" + index);
        String name = "";
        String op = "";
        String domain = "";
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        Map<String, OnnxAttribute> attrs = new LinkedHashMap<>();
        int tag;
        while ((tag = n.nextTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> inputs.add(n.string(tag));
                case 2 -> outputs.add(n.string(tag));
                case 3 -> name = n.string(tag);
                case 4 -> op = n.string(tag);
                case 7 -> domain = n.string(tag);
                case 5 -> {
                    int[] s = n.slice(tag);
                    OnnxAttribute a = attribute(s[0], s[1], "node #" + index);
                    attrs.put(a.name(), a);
                }
                default -> n.skip(tag);
            }
        }
        return new OnnxNode(name, op, domain, inputs, outputs, attrs);
    }

    private OnnxAttribute attribute(int start, int length, String owner) throws ModelFormatException {
        Msg a = new Msg(start, length, owner + " attribute");
        String name = "";
        float f = 0;
        long i = 0;
        String s = null;
        OnnxTensor t = null;
        FloatArrayList floats = new FloatArrayList();
        LongArrayList ints = new LongArrayList();
        int tag;
        while ((tag = a.nextTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> name = a.string(tag);
                case 2 -> f = a.fixed32Float(tag);
                case 3 -> i = a.varint(tag);
                case 4 -> s = a.string(tag);
                case 5 -> {
                    int[] sl = a.slice(tag);
                    t = tensor(sl[0], sl[1], owner + " attribute '" + name + "'");
                }
                case 7 -> a.floats(tag, floats);
                case 8 -> a.varints(tag, ints);
                default -> a.skip(tag);
            }
        }
        return new OnnxAttribute(name, f, i, s, t, floats.toArray(), ints.toArray());
    }

    private OnnxTensor tensor(int start, int length, String what) throws ModelFormatException {
        Msg m = new Msg(start, length, what);
        String name = "";
        int type = 0;
        LongArrayList dims = new LongArrayList();
        int rawOffset = -1;
        int rawLength = 0;
        FloatArrayList floats = new FloatArrayList();
        LongArrayList int32 = new LongArrayList();
        LongArrayList int64 = new LongArrayList();
        DoubleArrayList doubles = new DoubleArrayList();
        boolean external = false;
        int tag;
        while ((tag = m.nextTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> m.varints(tag, dims);
                case 2 -> type = (int) m.varint(tag);
                case 4 -> m.floats(tag, floats);
                case 5 -> m.varints(tag, int32);
                case 7 -> m.varints(tag, int64);
                case 8 -> name = m.string(tag);
                case 9 -> {
                    int[] s = m.slice(tag);
                    rawOffset = s[0];
                    rawLength = s[1];
                }
                case 10 -> m.doubles(tag, doubles);
                case 13 -> {
                    m.skip(tag);
                    external = true;
                }
                case 14 -> external |= m.varint(tag) == 1;
                default -> m.skip(tag);
            }
        }
        int[] i32 = new int[int32.size()];
        for (int k = 0; k < i32.length; k++) {
            i32[k] = (int) int32.get(k);
        }
        return new OnnxTensor(
                name,
                type,
                dims.toArray(),
                buf,
                rawOffset,
                rawLength,
                floats.toArray(),
                i32,
                int64.toArray(),
                doubles.toArray(),
                external);
    }
}
