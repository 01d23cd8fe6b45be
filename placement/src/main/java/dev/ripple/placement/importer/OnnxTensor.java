package dev.ripple.placement.importer;

import dev.ripple.core.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * An ONNX {@code TensorProto} (initializer or {@code Constant} value) as parsed: its name, element
 * type, dimensions and where its data lies. Bulk data is not copied at parse time: {@code raw_data}
 * stays a slice of the model bytes until {@link #toFloats()} converts it, after checking that the
 * byte count matches the dimensions.
 *
 * @param name       tensor name ({@code ""} for an unnamed Constant value)
 * @param dataType   ONNX {@code TensorProto.DataType} code ({@link #FLOAT}, {@link #FLOAT16}, ...)
 * @param dims       dimensions
 * @param source     model bytes that {@code rawOffset} points into
 * @param rawOffset  start of {@code raw_data} in {@code source}, or -1 when absent
 * @param rawLength  bytes of {@code raw_data}
 * @param floatData  {@code float_data} values (empty when absent)
 * @param int32Data  {@code int32_data} values (holds f16/bf16 bits for those types)
 * @param int64Data  {@code int64_data} values
 * @param doubleData {@code double_data} values
 * @param external   true when the data lives in an external file (not supported)
 */
public record OnnxTensor(
        String name,
        int dataType,
        long[] dims,
        byte[] source,
        int rawOffset,
        int rawLength,
        float[] floatData,
        int[] int32Data,
        long[] int64Data,
        double[] doubleData,
        boolean external) {
    public static final int FLOAT = 1;
    public static final int INT32 = 6;
    public static final int INT64 = 7;
    public static final int FLOAT16 = 10;
    public static final int DOUBLE = 11;
    public static final int BFLOAT16 = 16;

    /** A FLOAT tensor holding {@code values} as {@code float_data} (a Constant node's value_float(s)). */
    static OnnxTensor ofFloats(String name, long[] dims, float[] values) {
        return new OnnxTensor(name, FLOAT, dims, null, -1, 0, values, new int[0], new long[0], new double[0], false);
    }

    /** An INT64 tensor holding {@code values} as {@code int64_data} (a Constant node's value_int(s)). */
    static OnnxTensor ofLongs(String name, long[] dims, long[] values) {
        return new OnnxTensor(name, INT64, dims, null, -1, 0, new float[0], new int[0], values, new double[0], false);
    }

    /** Number of elements the dimensions describe; -1 if a dimension is negative or the product overflows. */
    public long elementCount() {
        return Tensor.elementCount(dims);
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    /** Rank (number of dimensions). */
    public int rank() {
        return dims.length;
    }

    /** Dimension {@code i}. */
    public long dim(int i) {
        return dims[i];
    }

    /**
     * The values as f32, converted from FLOAT, FLOAT16, BFLOAT16, DOUBLE, INT32 or INT64.
     *
     * @param file the model file, named in errors
     * @throws ModelFormatException when the data is external, of another type, or its size does not
     *                              match the dimensions
     */
    public float[] toFloats(Path file) throws ModelFormatException {
        String part = "tensor '" + name + "'";
        if (external) {
            throw new ModelFormatException(
                    file,
                    part,
                    "data is stored in an external file, which this importer does not"
                            + " read; re-export the model with all tensors inside the .onnx file");
        }
        long n = elementCount();
        if (n < 0 || n > Integer.MAX_VALUE - 8) {
            throw new ModelFormatException(
                    file,
                    part,
                    "dimensions " + Arrays.toString(dims) + " do not describe an" + " array of at most 2^31 elements");
        }
        int count = (int) n;
        if (rawOffset >= 0) {
            int width = switch (dataType) {
                case FLOAT, INT32 -> 4;
                case FLOAT16, BFLOAT16 -> 2;
                case DOUBLE, INT64 -> 8;
                default -> throw unsupportedType(file, part);
            };
            if ((long) count * width != rawLength) {
                throw new ModelFormatException(
                        file,
                        part,
                        "raw_data holds " + rawLength + " bytes but dimensions " + Arrays.toString(dims) + " of "
                                + typeName(dataType) + " need " + (long) count * width);
            }
            ByteBuffer b = ByteBuffer.wrap(source, rawOffset, rawLength).slice().order(ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[count];
            for (int i = 0; i < count; i++) {
                out[i] = switch (dataType) {
                    case FLOAT -> b.getFloat(i * 4);
                    case INT32 -> b.getInt(i * 4);
                    case FLOAT16 -> Float.float16ToFloat(b.getShort(i * 2));
                    case BFLOAT16 -> Float.intBitsToFloat((b.getShort(i * 2) & 0xFFFF) << 16);
                    case DOUBLE -> (float) b.getDouble(i * 8);
                    default -> b.getLong(i * 8);
                };
            }
            return out;
        }
        int stored = switch (dataType) {
            case FLOAT -> floatData.length;
            case INT32, FLOAT16, BFLOAT16 -> int32Data.length;
            case INT64 -> int64Data.length;
            case DOUBLE -> doubleData.length;
            default -> throw unsupportedType(file, part);
        };
        if (stored != count) {
            throw new ModelFormatException(
                    file,
                    part,
                    "holds " + stored + " values but dimensions " + Arrays.toString(dims) + " need " + count);
        }
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = switch (dataType) {
                case FLOAT -> floatData[i];
                case INT32 -> int32Data[i];
                case FLOAT16 -> Float.float16ToFloat((short) int32Data[i]);
                case BFLOAT16 -> Float.intBitsToFloat((int32Data[i] & 0xFFFF) << 16);
                case INT64 -> int64Data[i];
                default -> (float) doubleData[i];
            };
        }
        return out;
    }

    private ModelFormatException unsupportedType(Path file, String part) {
        return new ModelFormatException(
                file,
                part,
                "element type " + typeName(dataType)
                        + " is not supported (float, float16, bfloat16, double, int32, int64 are)");
    }

    /** Human-readable name of an ONNX data type code. */
    static String typeName(int code) {
        return switch (code) {
            case FLOAT -> "float";
            case 2 -> "uint8";
            case 3 -> "int8";
            case 4 -> "uint16";
            case 5 -> "int16";
            case INT32 -> "int32";
            case INT64 -> "int64";
            case 8 -> "string";
            case 9 -> "bool";
            case FLOAT16 -> "float16";
            case DOUBLE -> "double";
            case BFLOAT16 -> "bfloat16";
            default -> "type#" + code;
        };
    }
}
