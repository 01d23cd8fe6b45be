package dev.ripple.io.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/**
 * JSON mappers that write NaN and infinite numbers as {@code null}. Jackson's default writes them
 * as the strings {@code "NaN"} and {@code "Infinity"}: a consumer reading a number field then meets
 * a string, and a figure that was not measured (a ratio whose contestant did not run, a CPU time the
 * platform does not report) reads like a value. {@code null} is what JSON has for "no value". The
 * rule sits in the generator, so it holds for records, maps, arrays and trees alike.
 *
 * <pre>{@code
 * private static final ObjectMapper JSON = NonFiniteAsNull.mapper();
 * }</pre>
 */
public final class NonFiniteAsNull {
    private NonFiniteAsNull() {}

    /** A builder whose generators write non-finite numbers as {@code null}, for mappers with more settings. */
    public static JsonMapper.Builder builder() {
        return JsonMapper.builder(JsonFactory.builder()
                .addDecorator((factory, generator) -> new Generator(generator))
                .build());
    }

    /** A mapper with Jackson's defaults except that non-finite numbers are written as {@code null}. */
    public static JsonMapper mapper() {
        return builder().build();
    }

    /** Every way a double or float reaches the output, finite numbers passed on unchanged. */
    private static final class Generator extends JsonGeneratorDelegate {
        Generator(JsonGenerator d) {
            super(d, false);
        }

        @Override
        public void writeNumber(double v) throws IOException {
            if (Double.isFinite(v)) {
                delegate.writeNumber(v);
            } else {
                delegate.writeNull();
            }
        }

        @Override
        public void writeNumber(float v) throws IOException {
            if (Float.isFinite(v)) {
                delegate.writeNumber(v);
            } else {
                delegate.writeNull();
            }
        }

        @Override
        public void writeArray(double[] array, int offset, int length) throws IOException {
            writeStartArray(array, length);
            for (int i = offset; i < offset + length; i++) {
                writeNumber(array[i]);
            }
            writeEndArray();
        }
    }
}
