package dev.ripple.placement.importer.gguf;

import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.Tensor;
import dev.ripple.placement.importer.UnsupportedModelException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A tensor of a GGUF file, as its tensor info describes it, with its bytes as a slice of the
 * mapped file. {@code dims} are in ggml's order, the contiguous dimension first: a matrix with
 * dims {@code [in, out]} is row-major {@code [out][in]} ({@link #shape()} gives that PyTorch order),
 * so row r (output r) is {@code dims[0]} values at {@code r * rowBytes()}.
 *
 * @param file   the GGUF file, for messages
 * @param name   the tensor's name ({@code blk.0.attn_q.weight})
 * @param dims   sizes in ggml order, 1 to 4 of them
 * @param type   element type
 * @param offset absolute byte offset of the data in the file
 * @param data   the tensor's bytes (a slice of the mapping)
 */
public record GgufTensor(Path file, String name, long[] dims, GgmlType type, long offset, MemorySegment data) {

    public GgufTensor {
        dims = dims.clone();
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    /** The dimensions outermost first (PyTorch's order): {@code dims} reversed. */
    public long[] shape() {
        long[] s = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            s[i] = dims[dims.length - 1 - i];
        }
        return s;
    }

    /** Values per row: {@code dims[0]}. */
    public long rowLength() {
        return dims[0];
    }

    /** Rows: the product of every dimension but the first. */
    public long rows() {
        long n = 1;
        for (int i = 1; i < dims.length; i++) {
            n *= dims[i];
        }
        return n;
    }

    public long elementCount() {
        return rowLength() * rows();
    }

    /** Bytes of one row in {@link #type()}. */
    public long rowBytes() {
        return type.rowBytes(dims[0]);
    }

    /** {@code blk.0.attn_q.weight Q4_K[4096, 4096] at 1234567}, in ggml's dimension order. */
    public String describe() {
        return name + " " + type + Arrays.toString(dims) + " at " + offset;
    }

    /**
     * @throws UnsupportedModelException naming the file, this tensor and its type when the type
     *                                   cannot be decoded
     */
    public void requireReadable() throws UnsupportedModelException {
        if (!type.isReadable()) {
            throw new UnsupportedModelException(
                    file,
                    "tensor '" + name + "' has ggml type " + type + " ("
                            + type.bitsPerValue() + " bits per value), which this importer does not read (it reads "
                            + GgmlType.readableTypes() + ")");
        }
    }

    /**
     * Decodes rows {@code [first, first + count)} into {@code dst} from {@code at}, as floats.
     *
     * @throws UnsupportedOperationException when the type is not readable (check {@link #requireReadable()} first)
     * @throws IndexOutOfBoundsException     when the rows are not all in the tensor
     */
    public void dequantizeRows(long first, int count, float[] dst, int at) {
        checkRows(first, count);
        long n = Math.multiplyExact(rowLength(), (long) count);
        if (n > Integer.MAX_VALUE || at + n > dst.length) {
            throw new IndexOutOfBoundsException(name + ": " + count + " rows of " + rowLength() + " do not fit in "
                    + dst.length + " floats from " + at);
        }
        type.dequantize(data, first * rowBytes(), dst, at, (int) n);
    }

    /** As {@link #dequantizeRows(long, int, float[], int)}, into little-endian f32 values in {@code dst} from {@code dstOffset}. */
    public void dequantizeRows(long first, long count, MemorySegment dst, long dstOffset) {
        checkRows(first, count);
        type.dequantize(data, first * rowBytes(), dst, dstOffset, rowLength() * count);
    }

    /** The whole tensor on the heap as floats: for vectors (norms, biases, rope factors). */
    public float[] toFloatArray() {
        long n = elementCount();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException(name + " has too many values for one array: " + n);
        }
        float[] out = new float[(int) n];
        if (n > 0) {
            dequantizeRows(0, (int) rows(), out, 0);
        }
        return out;
    }

    /**
     * This tensor in place (no copy) as a core {@link Tensor} named {@code as}, in {@link #shape()}:
     * for the types with a {@link GgmlType#runtimeType() runtime type} (F32, F16, BF16, Q8_0, Q4_0).
     *
     * @throws IllegalStateException for the other types
     */
    public Tensor asTensor(String as) {
        DType dtype = type.runtimeType();
        if (dtype == null) {
            throw new IllegalStateException(name + " is " + type + ", which the runtime does not store as it is");
        }
        return new Tensor(as, dtype, shape(), data);
    }

    private void checkRows(long first, long count) {
        if (first < 0 || count < 0 || first > rows() - count) {
            throw new IndexOutOfBoundsException(
                    name + ": rows [" + first + ", " + (first + count) + ") outside its " + rows() + " rows");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensor t && t.file.equals(file) && t.name.equals(name) && t.offset == offset;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Long.hashCode(offset);
    }

    @Override
    public String toString() {
        return "GgufTensor[" + describe() + "]";
    }
}
