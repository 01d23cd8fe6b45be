package dev.ripple.core.format;

import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.Tensor;
import java.util.Arrays;

/**
 * One directory entry: where a section lies in the file and what it holds.
 *
 * @param name   unique section name, e.g. {@code ffn.0.bundles}
 * @param kind   what the section holds
 * @param dtype  element type ({@link DType#BYTES} for metadata and blobs)
 * @param shape  dimensions, outermost first (empty for byte sections)
 * @param offset absolute byte offset in the file
 * @param length byte length
 * @param crc32c CRC32C of the section's bytes
 */
public record SectionEntry(
        String name, SectionKind kind, DType dtype, long[] shape, long offset, long length, int crc32c) {

    public SectionEntry {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements the shape declares (1 for rank 0), or -1 on overflow or a negative dimension. */
    public long elementCount() {
        return Tensor.elementCount(shape);
    }

    /** Offset one past the last byte. */
    public long end() {
        return offset + length;
    }

    /** {@code name (offset 8192, 4096 bytes)}: how error messages point at a section. */
    public String describe() {
        return name + " (offset " + offset + ", " + length + " bytes)";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SectionEntry e
                && name.equals(e.name)
                && kind == e.kind
                && dtype == e.dtype
                && Arrays.equals(shape, e.shape)
                && offset == e.offset
                && length == e.length
                && crc32c == e.crc32c;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Long.hashCode(offset);
    }

    @Override
    public String toString() {
        return "SectionEntry[" + describe() + ", " + kind + ", " + dtype.label() + Arrays.toString(shape) + "]";
    }
}
