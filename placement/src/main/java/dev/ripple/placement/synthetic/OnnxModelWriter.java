package dev.ripple.placement.synthetic;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.ripple.core.format.AtomicFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes an ONNX {@code ModelProto} (the onnx.proto fields a standard-operator graph needs) straight
 * to a file with protobuf-java's {@link CodedOutputStream}, without generated classes. Nodes,
 * inputs and outputs are small and kept as bytes; large initializers are <em>streamed</em>: only
 * their name, dims and byte count are kept, sizes are computed up front, and their {@code raw_data}
 * is pulled from a {@link FloatSource} while the file is written, so the model never sits in memory
 * twice. A protobuf message is limited to 2 GiB, which ONNX Runtime enforces; larger models would
 * need ONNX external data, which this writer refuses with a message saying so.
 */
final class OnnxModelWriter {
    static final int FLOAT = 1;
    static final int INT64 = 7;
    private static final int IR_VERSION = 8;
    private static final long LIMIT = Integer.MAX_VALUE;

    /** Produces a tensor's floats in order, in chunks. */
    interface FloatSource {
        void writeTo(FloatSink sink) throws IOException;
    }

    interface FloatSink {
        void accept(float[] values, int from, int to) throws IOException;
    }

    private record Initializer(String name, long[] dims, int dataType, byte[] raw, long rawBytes, FloatSource source) {}

    private final long opset;
    private final List<byte[]> nodes = new ArrayList<>();
    private final List<byte[]> inputs = new ArrayList<>();
    private final List<byte[]> outputs = new ArrayList<>();
    private final List<Initializer> initializers = new ArrayList<>();
    private final Set<String> initializerNames = new HashSet<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final String graphName;
    private String docString = "";
    private int nodeCount;

    OnnxModelWriter(String graphName, long opset) {
        this.graphName = graphName;
        this.opset = opset;
    }

    void docString(String s) {
        this.docString = s;
    }

    void metadata(String key, String value) {
        metadata.put(key, value);
    }

    boolean hasInitializer(String name) {
        return initializerNames.contains(name);
    }

    /** A node with one output; returns the output name. */
    String node(String opType, String output, List<String> in, byte[]... attributes) {
        byte[] n = message(o -> {
            for (String s : in) {
                o.writeString(1, s);
            }
            o.writeString(2, output);
            o.writeString(3, opType + "_" + nodeCount++);
            o.writeString(4, opType);
            for (byte[] a : attributes) {
                o.writeByteArray(5, a);
            }
        });
        nodes.add(n);
        return output;
    }

    static byte[] intAttr(String name, long v) {
        return message(o -> {
            o.writeString(1, name);
            o.writeInt64(3, v);
            o.writeInt32(20, 2);
        });
    }

    static byte[] floatAttr(String name, float v) {
        return message(o -> {
            o.writeString(1, name);
            o.writeFloat(2, v);
            o.writeInt32(20, 1);
        });
    }

    static byte[] intsAttr(String name, long... v) {
        return message(o -> {
            o.writeString(1, name);
            for (long x : v) {
                o.writeInt64(8, x);
            }
            o.writeInt32(20, 7);
        });
    }

    /** A graph input; dims are Integer (fixed) or String (symbolic). */
    void input(String name, int elemType, Object... dims) {
        inputs.add(valueInfo(name, elemType, dims));
    }

    void output(String name, int elemType, Object... dims) {
        outputs.add(valueInfo(name, elemType, dims));
    }

    /** A small float initializer held in memory. */
    String floats(String name, long[] dims, float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return add(new Initializer(name, dims, FLOAT, b.array(), b.capacity(), null));
    }

    /** A small int64 initializer (shapes, axes, offsets). */
    String longs(String name, long[] dims, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return add(new Initializer(name, dims, INT64, b.array(), b.capacity(), null));
    }

    /** A float initializer whose values are pulled from {@code source} while the file is written. */
    String streamed(String name, long[] dims, FloatSource source) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return add(new Initializer(name, dims, FLOAT, null, 4 * n, source));
    }

    private String add(Initializer i) {
        if (!initializerNames.add(i.name())) {
            throw new IllegalStateException("initializer '" + i.name() + "' added twice");
        }
        initializers.add(i);
        return i.name();
    }

    /** The bytes of the whole model. */
    long size() {
        return sizeWithTag(graphSize()) + modelFieldsSize();
    }

    /** Writes the model through a temporary file renamed over {@code file}. */
    void write(Path file) throws IOException {
        long graph = graphSize();
        long total = sizeWithTag(graph) + modelFieldsSize();
        if (total > LIMIT) {
            throw new IllegalArgumentException(
                    file + ": the ONNX model would be " + total + " bytes; a protobuf message"
                            + " is limited to 2 GiB and external data is not written: export a smaller model");
        }
        AtomicFile.write(file, ch -> {
            OutputStream os = Channels.newOutputStream(ch);
            CodedOutputStream o = CodedOutputStream.newInstance(os, 1 << 16);
            o.writeInt64(1, IR_VERSION);
            o.writeString(2, "ripple");
            o.writeString(3, "DecoderOnnxExporter");
            if (!docString.isEmpty()) {
                o.writeString(6, docString);
            }
            o.writeTag(7, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            o.writeUInt32NoTag((int) graph);
            writeGraph(o);
            o.writeByteArray(8, opsetImport());
            for (byte[] m : metadataEntries()) {
                o.writeByteArray(14, m);
            }
            o.flush();
            return total;
        });
    }

    private void writeGraph(CodedOutputStream o) throws IOException {
        for (byte[] n : nodes) {
            o.writeByteArray(1, n);
        }
        o.writeString(2, graphName);
        for (Initializer i : initializers) {
            o.writeTag(5, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            o.writeUInt32NoTag((int) initializerSize(i));
            for (long d : i.dims()) {
                o.writeInt64(1, d);
            }
            o.writeInt32(2, i.dataType());
            o.writeString(8, i.name());
            o.writeTag(9, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            o.writeUInt32NoTag((int) i.rawBytes());
            if (i.raw() != null) {
                o.writeRawBytes(i.raw());
            } else {
                long[] written = {0};
                byte[] chunk = new byte[1 << 16];
                ByteBuffer cb = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
                i.source().writeTo((values, from, to) -> {
                    for (int k = from; k < to; ) {
                        cb.clear();
                        int end = Math.min(to, k + chunk.length / 4);
                        for (; k < end; k++) {
                            cb.putFloat(values[k]);
                        }
                        o.writeRawBytes(chunk, 0, cb.position());
                        written[0] += cb.position();
                    }
                });
                if (written[0] != i.rawBytes()) {
                    throw new IllegalStateException("initializer '" + i.name() + "' produced " + written[0]
                            + " bytes, expected " + i.rawBytes());
                }
            }
        }
        for (byte[] v : inputs) {
            o.writeByteArray(11, v);
        }
        for (byte[] v : outputs) {
            o.writeByteArray(12, v);
        }
    }

    private long graphSize() {
        long s = 0;
        for (byte[] n : nodes) {
            s += sizeWithTag(n.length);
        }
        s += CodedOutputStream.computeStringSize(2, graphName);
        for (Initializer i : initializers) {
            s += sizeWithTag(initializerSize(i));
        }
        for (byte[] v : inputs) {
            s += sizeWithTag(v.length);
        }
        for (byte[] v : outputs) {
            s += sizeWithTag(v.length);
        }
        return s;
    }

    private static long initializerSize(Initializer i) {
        long s = 0;
        for (long d : i.dims()) {
            s += CodedOutputStream.computeInt64Size(1, d);
        }
        s += CodedOutputStream.computeInt32Size(2, i.dataType());
        s += CodedOutputStream.computeStringSize(8, i.name());
        return s + sizeWithTag(i.rawBytes());
    }

    private long modelFieldsSize() {
        long s = CodedOutputStream.computeInt64Size(1, IR_VERSION)
                + CodedOutputStream.computeStringSize(2, "ripple")
                + CodedOutputStream.computeStringSize(3, "DecoderOnnxExporter");
        if (!docString.isEmpty()) {
            s += CodedOutputStream.computeStringSize(6, docString);
        }
        s += sizeWithTag(opsetImport().length);
        for (byte[] m : metadataEntries()) {
            s += sizeWithTag(m.length);
        }
        return s;
    }

    /** Tag (one byte for the fields used here) + varint length + the bytes. */
    private static long sizeWithTag(long length) {
        return 1 + varintSize(length) + length;
    }

    private static int varintSize(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    private byte[] opsetImport() {
        return message(o -> {
            o.writeString(1, "");
            o.writeInt64(2, opset);
        });
    }

    private List<byte[]> metadataEntries() {
        List<byte[]> out = new ArrayList<>();
        metadata.forEach((k, v) -> out.add(message(o -> {
            o.writeString(1, k);
            o.writeString(2, v);
        })));
        return out;
    }

    private static byte[] valueInfo(String name, int elemType, Object... dims) {
        byte[] shape = message(o -> {
            for (Object d : dims) {
                o.writeByteArray(1, message(dim -> {
                    if (d instanceof Integer i) {
                        dim.writeInt64(1, i);
                    } else {
                        dim.writeString(2, (String) d);
                    }
                }));
            }
        });
        byte[] tensorType = message(o -> {
            o.writeInt32(1, elemType);
            o.writeByteArray(2, shape);
        });
        byte[] type = message(o -> o.writeByteArray(1, tensorType));
        return message(o -> {
            o.writeString(1, name);
            o.writeByteArray(2, type);
        });
    }

    interface MessageBody {
        void write(CodedOutputStream o) throws IOException;
    }

    static byte[] message(MessageBody body) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream o = CodedOutputStream.newInstance(bytes);
            body.write(o);
            o.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
