package dev.ripple.placement.importer;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-only writer of small ONNX models (the onnx.proto fields the importer reads, plus input
 * types ONNX Runtime needs). Builds graphs node by node; names are generated.
 */
public final class OnnxTestWriter {
    private final List<byte[]> nodes = new ArrayList<>();
    private final List<byte[]> initializers = new ArrayList<>();
    private final List<byte[]> inputs = new ArrayList<>();
    private final List<byte[]> outputs = new ArrayList<>();
    private final long opset;
    private int counter;
    /** When true initializers use float_data instead of raw_data. */
    public boolean floatData;

    public OnnxTestWriter(long opset) {
        this.opset = opset;
    }

    public String fresh(String prefix) {
        return prefix + "_" + (counter++);
    }

    /** Adds a graph input of element type {@code elemType} (1 float, 7 int64) with symbolic dims. */
    public OnnxTestWriter input(String name, int elemType, String... dims) {
        inputs.add(valueInfo(name, elemType, dims));
        return this;
    }

    public OnnxTestWriter output(String name) {
        outputs.add(valueInfo(name, 1, new String[0]));
        return this;
    }

    /** Adds a float initializer. */
    public String initializer(String name, long[] dims, float[] values) {
        initializers.add(message(o -> {
            for (long d : dims) {
                o.writeInt64(1, d);
            }
            o.writeInt32(2, 1);
            o.writeString(8, name);
            // packed float_data holds the same little-endian bytes as raw_data, in another field
            o.writeByteArray(floatData ? 4 : 9, rawFloats(values));
        }));
        return name;
    }

    /** Adds an initializer with arbitrary raw bytes and type (for error tests). */
    public String rawInitializer(String name, long[] dims, int dataType, byte[] raw, boolean external) {
        initializers.add(message(o -> {
            for (long d : dims) {
                o.writeInt64(1, d);
            }
            o.writeInt32(2, dataType);
            o.writeString(8, name);
            o.writeByteArray(9, raw);
            if (external) {
                o.writeInt32(14, 1);
            }
        }));
        return name;
    }

    /** A scalar float constant as a Constant node; returns its output. */
    public String constant(float value) {
        String out = fresh("const");
        byte[] tensor = message(o -> {
            o.writeInt32(2, 1);
            o.writeByteArray(9, rawFloats(new float[] {value}));
        });
        byte[] attr = message(o -> {
            o.writeString(1, "value");
            o.writeInt32(20, 4);
            o.writeByteArray(5, tensor);
        });
        nodes.add(nodeBytes("Constant", "", new String[0], out, List.of(attr)));
        return out;
    }

    /** A scalar float constant written with the opset-12 {@code value_float} attribute. */
    public String constantValueFloat(float value) {
        return nodeWithAttrs("Constant", List.of(floatAttr("value_float", value)));
    }

    /** Adds a node with one output; returns the output name. */
    public String node(String op, String... in) {
        String out = fresh(op.toLowerCase());
        nodes.add(nodeBytes(op, "", in, out, List.of()));
        return out;
    }

    /** Adds a node with a string attribute. */
    public String nodeWithString(String op, String attrName, String attrValue, String... in) {
        String out = fresh(op.toLowerCase());
        byte[] attr = message(o -> {
            o.writeString(1, attrName);
            o.writeInt32(20, 3);
            o.writeByteArray(4, attrValue.getBytes(StandardCharsets.UTF_8));
        });
        nodes.add(nodeBytes(op, "", in, out, List.of(attr)));
        return out;
    }

    /** Adds a node with attributes built by {@link #floatAttr}, {@link #intsAttr}. */
    public String nodeWithAttrs(String op, List<byte[]> attrs, String... in) {
        String out = fresh(op.toLowerCase());
        nodes.add(nodeBytes(op, "", in, out, attrs));
        return out;
    }

    public static byte[] floatAttr(String name, float v) {
        return message(o -> {
            o.writeString(1, name);
            o.writeFloat(2, v);
            o.writeInt32(20, 1);
        });
    }

    public static byte[] intsAttr(String name, long... v) {
        return message(o -> {
            o.writeString(1, name);
            for (long x : v) {
                o.writeInt64(8, x);
            }
            o.writeInt32(20, 7);
        });
    }

    /** An int64 initializer (shapes for Reshape). */
    public String longInitializer(String name, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return rawInitializer(name, new long[] {values.length}, 7, b.array(), false);
    }

    public byte[] build() {
        byte[] graph = message(o -> {
            for (byte[] n : nodes) {
                o.writeByteArray(1, n);
            }
            o.writeString(2, "test");
            for (byte[] i : initializers) {
                o.writeByteArray(5, i);
            }
            for (byte[] i : inputs) {
                o.writeByteArray(11, i);
            }
            for (byte[] i : outputs) {
                o.writeByteArray(12, i);
            }
        });
        return message(o -> {
            o.writeInt64(1, 8);
            o.writeString(2, "ripple-test");
            o.writeByteArray(7, graph);
            o.writeByteArray(8, message(op -> {
                op.writeString(1, "");
                op.writeInt64(2, opset);
            }));
        });
    }

    private byte[] nodeBytes(String op, String domain, String[] in, String out, List<byte[]> attrs) {
        return message(o -> {
            for (String s : in) {
                o.writeString(1, s);
            }
            o.writeString(2, out);
            o.writeString(3, fresh("n_" + op));
            o.writeString(4, op);
            for (byte[] a : attrs) {
                o.writeByteArray(5, a);
            }
            if (!domain.isEmpty()) {
                o.writeString(7, domain);
            }
        });
    }

    private static byte[] valueInfo(String name, int elemType, String[] dims) {
        byte[] shape = message(o -> {
            for (String d : dims) {
                o.writeByteArray(1, message(dim -> dim.writeString(2, d)));
            }
        });
        byte[] tensorType = message(o -> {
            o.writeInt32(1, elemType);
            if (dims.length > 0) {
                o.writeByteArray(2, shape);
            }
        });
        byte[] type = message(o -> o.writeByteArray(1, tensorType));
        return message(o -> {
            o.writeString(1, name);
            o.writeByteArray(2, type);
        });
    }

    static byte[] rawFloats(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    interface Body {
        void write(CodedOutputStream out) throws IOException;
    }

    static byte[] message(Body body) {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bos);
            body.write(out);
            out.flush();
            return bos.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
