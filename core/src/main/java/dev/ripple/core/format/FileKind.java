package dev.ripple.core.format;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What a file is, by its first bytes: the model formats a user may hand a call that wants another
 * (a {@code .ripple} file where a checkpoint is imported, text where a model is read, a trace
 * where a model is given), so that the
 * refusal says what was given rather than failing later on a part of the wrong format.
 */
public enum FileKind {
    RIPPLE("it is a .ripple file"),
    GGUF("it is a GGUF file"),
    SAFETENSORS("it looks like a safetensors file"),
    ONNX("it looks like an ONNX model"),
    /** An activation trace, {@code ripple profile}'s output (magic {@code \x89RTR\r\n\x1a\n}). */
    TRACE("it is an activation trace (ripple profile's output)"),
    TEXT("it looks like text"),
    UNKNOWN("its kind is not recognised");

    /** The bytes {@link #of(ByteBuffer)} looks at. */
    static final int PREFIX_BYTES = 16;

    private final String description;

    FileKind(String description) {
        this.description = description;
    }

    /** "it is a GGUF file", "it looks like text": what the first bytes say, for an error message. */
    public String description() {
        return description;
    }

    /** The kind of {@code file} by its first bytes ({@link #UNKNOWN} for an empty one). */
    public static FileKind of(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return of(ByteBuffer.wrap(in.readNBytes(PREFIX_BYTES)));
        }
    }

    /** The kind of a file whose first bytes are {@code header} (from 0 to its limit). */
    public static FileKind of(ByteBuffer header) {
        byte[] b = new byte[Math.min(header.limit(), PREFIX_BYTES)];
        header.get(0, b);
        if (b.length >= RippleFormat.MAGIC.length
                && Arrays.equals(b, 0, RippleFormat.MAGIC.length, RippleFormat.MAGIC, 0, RippleFormat.MAGIC.length)) {
            return RIPPLE;
        }
        if (b.length >= 4 && b[0] == 'G' && b[1] == 'G' && b[2] == 'U' && b[3] == 'F') {
            return GGUF;
        }
        if (b.length >= 9 && b[8] == '{' && plausibleHeaderLength(b)) {
            return SAFETENSORS;
        }
        if (b.length >= 4 && b[0] == (byte) 0x89 && b[1] == 'R' && b[2] == 'T' && b[3] == 'R') {
            return TRACE;
        }
        if (b.length >= 4 && b[0] == 0x08 && b[1] > 0 && isModelProtoKey(b[2])) {
            return ONNX;
        }
        boolean text = b.length > 0;
        for (byte c : b) {
            text &= c == '\n' || c == '\r' || c == '\t' || (c >= 0x20 && c < 0x7f);
        }
        return text ? TEXT : UNKNOWN;
    }

    /**
     * Whether {@code key} opens one of the fields an ONNX {@code ModelProto} can hold after its
     * {@code ir_version} (field 1, a one-byte varint): producer name, version and domain, model
     * version, doc string, graph, opset imports (2 to 8), metadata, training info, functions (14 to
     * 16). A serialiser writes the fields in number order and leaves out an empty one, so a model
     * exported without a producer name opens on its graph or opset: only the producer name's key
     * (the test before) called those "not recognised".
     */
    private static boolean isModelProtoKey(byte key) {
        return switch (key) {
            case 0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42, 0x72, 0x7a, (byte) 0x82 -> true;
            default -> false;
        };
    }

    /**
     * Whether the first 8 bytes, a safetensors file's little-endian u64 header length, are one:
     * under 4 GiB (bytes 4..7 zero, which no text has) and at least 2 (the JSON "{}"). A '{' at
     * byte 8 alone called text such as "Section {1}: ..." safetensors.
     */
    private static boolean plausibleHeaderLength(byte[] b) {
        long length = 0;
        for (int i = 7; i >= 0; i--) {
            length = (length << 8) | (b[i] & 0xff);
        }
        return length >= 2 && length < 1L << 32;
    }
}
