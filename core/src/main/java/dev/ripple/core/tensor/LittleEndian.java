package dev.ripple.core.tensor;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The layouts Ripple reads and writes stored numbers with: little-endian, as every format it reads
 * stores them ({@code .ripple}, GGUF, safetensors), and unaligned, since a mapped file gives no
 * alignment. F16 and BF16 values are read as {@link #I16} and decoded by their {@link DType}.
 */
public final class LittleEndian {
    private LittleEndian() {}

    public static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
}
