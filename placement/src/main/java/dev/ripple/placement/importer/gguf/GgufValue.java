package dev.ripple.placement.importer.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One GGUF metadata value. Integers of every width are {@link IntValue}s (a {@code uint64} above
 * 2^63 - 1 keeps its bits in a negative {@code long}), floats {@link FloatValue}s, and arrays
 * {@link ArrayValue}s, which stay in the mapped file until their elements are asked for: a
 * vocabulary of 150,000 strings costs nothing until the tokenizer is converted.
 */
public sealed interface GgufValue
        permits GgufValue.IntValue,
                GgufValue.FloatValue,
                GgufValue.BoolValue,
                GgufValue.StringValue,
                GgufValue.ArrayValue {

    GgufValueType type();

    /** A short description for error messages: {@code uint32 4096}, {@code array of 32000 string}. */
    String describe();

    /** An integer of any of the eight integer types. */
    record IntValue(GgufValueType type, long value) implements GgufValue {
        /** True when the value is within the range of a Java {@code long} (not a {@code uint64} above 2^63 - 1). */
        public boolean fitsLong() {
            return type != GgufValueType.UINT64 || value >= 0;
        }

        @Override
        public String describe() {
            return type.label() + " "
                    + (type == GgufValueType.UINT64 ? Long.toUnsignedString(value) : Long.toString(value));
        }
    }

    /** A {@code float32} or {@code float64}. */
    record FloatValue(GgufValueType type, double value) implements GgufValue {
        @Override
        public String describe() {
            return type.label() + " " + value;
        }
    }

    record BoolValue(boolean value) implements GgufValue {
        @Override
        public GgufValueType type() {
            return GgufValueType.BOOL;
        }

        @Override
        public String describe() {
            return "bool " + value;
        }
    }

    record StringValue(String value) implements GgufValue {
        @Override
        public GgufValueType type() {
            return GgufValueType.STRING;
        }

        @Override
        public String describe() {
            return "string \"" + (value.length() > 60 ? value.substring(0, 60) + "..." : value) + "\"";
        }
    }

    /**
     * An array as stored: its element type, its length and its elements' bytes in the mapped file
     * (already checked to be well formed when the file was opened: lengths inside the file, strings
     * valid UTF-8, nesting within bounds). The accessors decode every element onto the heap.
     *
     * @param elementType type of every element
     * @param size        number of elements
     * @param elements    the elements' bytes, back to back
     */
    record ArrayValue(GgufValueType elementType, long size, MemorySegment elements) implements GgufValue {
        private static final ValueLayout.OfLong U64 =
                ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private static final ValueLayout.OfShort U16 =
                ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

        @Override
        public GgufValueType type() {
            return GgufValueType.ARRAY;
        }

        @Override
        public String describe() {
            return "array of " + size + " " + elementType.label();
        }

        /** The length as an int (arrays longer than {@link GgufFile#MAX_ARRAY_LENGTH} are refused at open). */
        public int length() {
            return (int) size;
        }

        /** The elements of an array of strings. */
        public String[] strings() {
            require(GgufValueType.STRING);
            String[] out = new String[length()];
            long at = 0;
            for (int i = 0; i < out.length; i++) {
                long n = elements.get(U64, at);
                out[i] = new String(elements.asSlice(at + 8, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
                at += 8 + n;
            }
            return out;
        }

        /** The elements of an array of integers as longs ({@code uint64} keeps its bits). */
        public long[] longs() {
            if (!elementType.isInteger()) {
                throw new IllegalStateException("an array of " + elementType.label() + " holds no integers");
            }
            long[] out = new long[length()];
            int w = elementType.width();
            for (int i = 0; i < out.length; i++) {
                long at = (long) i * w;
                out[i] = switch (elementType) {
                    case UINT8 -> elements.get(ValueLayout.JAVA_BYTE, at) & 0xFFL;
                    case INT8 -> elements.get(ValueLayout.JAVA_BYTE, at);
                    case UINT16 -> elements.get(U16, at) & 0xFFFFL;
                    case INT16 -> elements.get(U16, at);
                    case UINT32 -> elements.get(U32, at) & 0xFFFF_FFFFL;
                    case INT32 -> elements.get(U32, at);
                    default -> elements.get(U64, at);
                };
            }
            return out;
        }

        /** The elements of an array of {@code float32} or {@code float64}, as floats. */
        public float[] floats() {
            double[] d = doubles();
            float[] out = new float[d.length];
            for (int i = 0; i < d.length; i++) {
                out[i] = (float) d[i];
            }
            return out;
        }

        /** The elements of an array of {@code float32} or {@code float64}. */
        public double[] doubles() {
            if (elementType != GgufValueType.FLOAT32 && elementType != GgufValueType.FLOAT64) {
                throw new IllegalStateException("an array of " + elementType.label() + " holds no floats");
            }
            double[] out = new double[length()];
            for (int i = 0; i < out.length; i++) {
                out[i] = elementType == GgufValueType.FLOAT32
                        ? Float.intBitsToFloat(elements.get(U32, 4L * i))
                        : Double.longBitsToDouble(elements.get(U64, 8L * i));
            }
            return out;
        }

        /** The elements of an array of bools (any non-zero byte is true). */
        public boolean[] booleans() {
            require(GgufValueType.BOOL);
            boolean[] out = new boolean[length()];
            for (int i = 0; i < out.length; i++) {
                out[i] = elements.get(ValueLayout.JAVA_BYTE, i) != 0;
            }
            return out;
        }

        /** The elements of an array of arrays. */
        public List<ArrayValue> arrays() {
            require(GgufValueType.ARRAY);
            List<ArrayValue> out = new ArrayList<>(length());
            long at = 0;
            for (int i = 0; i < length(); i++) {
                GgufValueType t = GgufValueType.ofCode(elements.get(U32, at) & 0xFFFF_FFFFL);
                long n = elements.get(U64, at + 4);
                long bytes = GgufFile.arrayBytes(t, n, elements, at + 12);
                out.add(new ArrayValue(t, n, elements.asSlice(at + 12, bytes)));
                at += 12 + bytes;
            }
            return out;
        }

        /** Every element as a value (any element type). */
        public List<GgufValue> values() {
            List<GgufValue> out = new ArrayList<>(length());
            switch (elementType) {
                case STRING -> {
                    for (String s : strings()) {
                        out.add(new StringValue(s));
                    }
                }
                case ARRAY -> out.addAll(arrays());
                case BOOL -> {
                    for (boolean b : booleans()) {
                        out.add(new BoolValue(b));
                    }
                }
                case FLOAT32, FLOAT64 -> {
                    for (double d : doubles()) {
                        out.add(new FloatValue(elementType, d));
                    }
                }
                default -> {
                    for (long v : longs()) {
                        out.add(new IntValue(elementType, v));
                    }
                }
            }
            return out;
        }

        private void require(GgufValueType t) {
            if (elementType != t) {
                throw new IllegalStateException(String.format(
                        Locale.ROOT, "an array of %s is not an array of %s", elementType.label(), t.label()));
            }
        }
    }
}
