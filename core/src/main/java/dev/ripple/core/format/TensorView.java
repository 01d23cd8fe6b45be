package dev.ripple.core.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** A resident tensor in a mapped file: its directory entry and its bytes. */
public record TensorView(SectionEntry entry, MemorySegment data) {
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public String name() {
        return entry.name();
    }

    public long[] shape() {
        return entry.shape();
    }

    /** Copies the tensor into a new f32 array, converting from its stored type. */
    public float[] toFloatArray() {
        long n = entry.elementCount();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException(entry.describe() + " has too many elements for one array: " + n);
        }
        float[] out = new float[(int) n];
        DType t = entry.dtype();
        for (int i = 0; i < out.length; i++) {
            int bits = t.size() == 4 ? data.get(I32, (long) i * 4) : data.get(I16, (long) i * 2);
            out[i] = t.decode(bits);
        }
        return out;
    }
}
