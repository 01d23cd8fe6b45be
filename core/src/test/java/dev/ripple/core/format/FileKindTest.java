package dev.ripple.core.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the first bytes say: a safetensors file by its header length and JSON, text by its characters. */
class FileKindTest {

    /** "Section " is 8 bytes, so byte 8 is the '{': a test of that byte alone called this safetensors. */
    @Test
    void textWithABraceAtByteEightIsText() {
        assertEquals(FileKind.TEXT, kind("Section {1}: the model".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(FileKind.TEXT, kind("Hello world, a plain line\n".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void aSafetensorsHeaderIsSafetensors() {
        String json = "{\"__metadata__\":{}}";
        assertEquals(FileKind.SAFETENSORS, kind(safetensors(json.length(), json)));
        assertEquals(FileKind.SAFETENSORS, kind(safetensors(2, "{}")));
    }

    /** A header length of 4 GiB or more, or below the 2 bytes of "{}", is no safetensors file's. */
    @Test
    void anImplausibleHeaderLengthIsNotSafetensors() {
        assertEquals(FileKind.UNKNOWN, kind(safetensors(1L << 32, "{}")));
        assertEquals(FileKind.UNKNOWN, kind(safetensors(1, "{}")));
        assertEquals(FileKind.UNKNOWN, kind(safetensors(-1, "{}")));
    }

    /**
     * An ONNX model is told by the key after its ir_version, whichever field comes first: the
     * producer name, or, in a model exported without one, its graph or opset imports. Only the
     * producer name's key was known, and since generation no longer refuses a file by its '.onnx'
     * name, such a model was "not a .ripple file" with two hex strings.
     */
    @Test
    void anOnnxModelIsOnnxWithOrWithoutAProducerName() {
        assertEquals(FileKind.ONNX, kind(new byte[] {0x08, 0x07, 0x12, 0x07, 'p', 'y', 't'}));
        assertEquals(FileKind.ONNX, kind(new byte[] {0x08, 0x08, 0x3a, 0x10, 0x0a, 0x01}), "graph first");
        assertEquals(FileKind.ONNX, kind(new byte[] {0x08, 0x07, 0x42, 0x04, 0x10, 0x0e}), "opset first");
        assertEquals(FileKind.UNKNOWN, kind(new byte[] {0x08, 0x07, 0x0a, 0x07}), "field 1 twice is no model");
        assertEquals(FileKind.UNKNOWN, kind(new byte[] {0x08, 0x00, 0x12, 0x07}), "ir_version 0 is none");
    }

    private static byte[] safetensors(long headerLength, String json) {
        byte[] j = json.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(8 + j.length)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(headerLength)
                .put(j)
                .array();
    }

    private static FileKind kind(byte[] bytes) {
        return FileKind.of(ByteBuffer.wrap(bytes));
    }
}
