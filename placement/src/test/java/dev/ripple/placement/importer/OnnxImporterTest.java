package dev.ripple.placement.importer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Unit tests of the ONNX importer on generated graphs, one per FFN style exporters produce. */
class OnnxImporterTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(GeneratedFfnModel.Style.class)
    void importsEveryFfnStyleExactly(GeneratedFfnModel.Style style) throws Exception {
        GeneratedFfnModel g =
                new GeneratedFfnModel(style, 3, 11, 8, 20, 42 + style.ordinal(), style.ordinal() % 2 == 1);
        Path file = dir.resolve(style + ".onnx");
        Files.write(file, g.bytes);
        ImportedModel m = OnnxImporter.importFfns(file, DType.F32);
        assertEquals(3, m.layers().size(), "layers of " + style);
        for (int l = 0; l < 3; l++) {
            FfnLayerWeights w = m.weights(l);
            GeneratedFfnModel.Layer src = g.layers.get(l);
            assertEquals(l, w.spec().index());
            assertEquals(8, w.spec().dModel());
            assertEquals(20, w.spec().dFfn());
            assertEquals(style.activation, w.spec().activation());
            assertEquals(style.gated, w.spec().gated());
            assertArrayEquals(GeneratedFfnModel.transpose(src.up(), 8, 20), w.up(), "up of layer " + l);
            assertArrayEquals(src.down(), w.downColumns(), "down of layer " + l);
            assertArrayEquals(src.upBias(), w.upBias());
            assertArrayEquals(src.downBias(), w.downBias());
            if (style.gated) {
                assertArrayEquals(GeneratedFfnModel.transpose(src.gate(), 8, 20), w.gate());
                assertArrayEquals(src.gateBias(), w.gateBias());
            } else {
                assertNull(w.gate());
            }
            assertEquals(src.activationOutput(), m.activationOutputs().get(l));
        }
        assertEquals("ffn-only", m.architecture().get("type").asText());
    }

    @Test
    void erfGeluWithValueFloatConstants() throws Exception {
        OnnxTestWriter w = new OnnxTestWriter(17);
        w.input("x", 1, "batch", "d");
        String u = w.node("MatMul", "x", w.initializer("up", new long[] {3, 5}, new float[15]));
        String erf = w.node("Erf", w.node("Div", u, w.constantValueFloat((float) Math.sqrt(2))));
        String act = w.node(
                "Mul", w.constantValueFloat(0.5f), w.node("Mul", w.node("Add", erf, w.constantValueFloat(1f)), u));
        w.output(w.node("MatMul", act, w.initializer("down", new long[] {5, 3}, new float[15])));
        Path file = dir.resolve("value_float.onnx");
        Files.write(file, w.build());
        ImportedModel m = OnnxImporter.importFfns(file, DType.F32);
        assertEquals(Activation.GELU, m.layers().get(0).spec().activation());
        assertEquals(act, m.activationOutputs().get(0));
    }

    @Test
    void fusedBiasGeluFromTheOnnxRuntimeOptimiser() throws Exception {
        OnnxTestWriter w = new OnnxTestWriter(17);
        w.input("x", 1, "batch", "d");
        float[] bias = {1, 2, 3, 4, 5};
        String u = w.node("MatMul", "x", w.initializer("up", new long[] {3, 5}, new float[15]));
        String act = w.node("BiasGelu", u, w.initializer("up_bias", new long[] {5}, bias));
        w.output(w.node("MatMul", act, w.initializer("down", new long[] {5, 3}, new float[15])));
        Path file = dir.resolve("biasgelu.onnx");
        Files.write(file, w.build());
        ImportedModel m = OnnxImporter.importFfns(file, DType.F32);
        assertEquals(Activation.GELU, m.layers().get(0).spec().activation());
        assertArrayEquals(bias, m.weights(0).upBias());
    }

    @Test
    void graphWithoutFfnIsRejectedWithWhatWasFound() throws Exception {
        OnnxTestWriter w = new OnnxTestWriter(17);
        w.input("x", 1, "batch", "d");
        String a = w.node("MatMul", "x", w.initializer("w1", new long[] {4, 6}, new float[24]));
        String s = w.node("Softmax", a);
        String b = w.node("MatMul", s, w.initializer("w2", new long[] {6, 4}, new float[24]));
        w.output(b);
        Path file = dir.resolve("attention.onnx");
        Files.write(file, w.build());
        UnsupportedModelException e =
                assertThrows(UnsupportedModelException.class, () -> OnnxImporter.importFfns(file, DType.F32));
        assertTrue(e.getMessage().contains("Softmax=1") && e.getMessage().contains("MatMul=2"), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("MatMul[4, 6]"), e.getMessage());
        assertFalse(e.getMessage().contains("quantized"), e.getMessage());
    }

    /** A model_quantized.onnx (integer MatMuls) is named as such, with the file to use instead. */
    @Test
    void aQuantizedGraphIsRefusedAsOne() throws Exception {
        OnnxTestWriter w = new OnnxTestWriter(17);
        w.input("x", 1, "batch", "d");
        String q = w.node("DynamicQuantizeLinear", "x");
        String m = w.node("MatMulInteger", q, w.initializer("w1", new long[] {4, 6}, new float[24]));
        String c = w.node("Cast", m);
        w.output(w.node("Erf", c));
        Path file = dir.resolve("model_quantized.onnx");
        Files.write(file, w.build());
        UnsupportedModelException e =
                assertThrows(UnsupportedModelException.class, () -> OnnxImporter.importFfns(file, DType.F32));
        assertTrue(
                e.getMessage()
                        .contains("a quantized ONNX graph ({DynamicQuantizeLinear=1, MatMulInteger=1}): the importer"
                                + " reads float graphs"),
                e.getMessage());
        assertTrue(e.getMessage().contains("--dtype q8_0"), e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void ffnOnlyModelIsNotABert() throws Exception {
        GeneratedFfnModel g = new GeneratedFfnModel(GeneratedFfnModel.Style.RELU, 2, 5, 4, 8, 1, false);
        Path file = dir.resolve("relu.onnx");
        Files.write(file, g.bytes);
        UnsupportedModelException e =
                assertThrows(UnsupportedModelException.class, () -> OnnxImporter.importModel(file, DType.F32));
        assertTrue(e.getMessage().contains("LayerNorm"), e.getMessage());
    }

    @Test
    void truncatedModelIsAFormatError() throws Exception {
        GeneratedFfnModel g = new GeneratedFfnModel(GeneratedFfnModel.Style.RELU, 2, 5, 4, 8, 1, false);
        for (int cut : new int[] {g.bytes.length - 1, g.bytes.length / 2, 3}) {
            Path file = dir.resolve("cut" + cut + ".onnx");
            Files.write(file, Arrays.copyOf(g.bytes, cut));
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> OnnxModel.read(file));
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        }
    }

    @Test
    void hugeDeclaredLengthIsRejectedBeforeAllocating() throws Exception {
        // ModelProto field 7 (graph) declaring 2^31-1 bytes.
        byte[] bad = {0x3a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 1, 2, 3};
        Path file = dir.resolve("huge.onnx");
        Files.write(file, bad);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> OnnxModel.read(file));
        assertTrue(e.getMessage().contains("declares"), e.getMessage());
    }

    @Test
    void rawDataOfTheWrongSizeAndExternalDataAreRejected() throws Exception {
        OnnxTestWriter w = new OnnxTestWriter(17);
        w.rawInitializer("short", new long[] {2, 3}, 1, new byte[20], false);
        w.rawInitializer("ext", new long[] {2}, 1, new byte[0], true);
        w.rawInitializer("int8", new long[] {2}, 3, new byte[2], false);
        Path file = dir.resolve("bad.onnx");
        Files.write(file, w.build());
        OnnxModel m = OnnxModel.read(file);
        ModelFormatException shortErr = assertThrows(
                ModelFormatException.class,
                () -> m.graph().initializers().get("short").toFloats(file));
        assertTrue(
                shortErr.getMessage().contains("tensor 'short'")
                        && shortErr.getMessage().contains("need 24"),
                shortErr.getMessage());
        ModelFormatException ext = assertThrows(
                ModelFormatException.class,
                () -> m.graph().initializers().get("ext").toFloats(file));
        assertTrue(ext.getMessage().contains("external"), ext.getMessage());
        ModelFormatException i8 = assertThrows(
                ModelFormatException.class,
                () -> m.graph().initializers().get("int8").toFloats(file));
        assertTrue(i8.getMessage().contains("int8"), i8.getMessage());
    }

    /** Packed float_data and double_data must hold whole 4- and 8-byte elements. */
    @Test
    void packedFloatsAndDoublesOfPartElementsAreFormatErrors() {
        assertPackedRejected(4, 6, "packed floats of 6 bytes, not a multiple of 4");
        assertPackedRejected(10, 12, "packed doubles of 12 bytes, not a multiple of 8");
    }

    /** A model whose one initializer has {@code bytes} zero bytes in its TensorProto's packed field {@code field}. */
    private static void assertPackedRejected(int field, int bytes, String detail) {
        byte[] tensor = OnnxTestWriter.message(o -> {
            o.writeString(8, "w");
            o.writeByteArray(field, new byte[bytes]);
        });
        byte[] graph = OnnxTestWriter.message(o -> o.writeByteArray(5, tensor));
        byte[] model = OnnxTestWriter.message(o -> o.writeByteArray(7, graph));
        ModelFormatException e =
                assertThrows(ModelFormatException.class, () -> OnnxModel.parse(Path.of("packed.onnx"), model));
        assertTrue(e.getMessage().contains(detail), e.getMessage());
    }

    @Test
    void float16InitializersConvert() throws Exception {
        float[] values = {1.5f, -2.25f, 0.0009765625f};
        ByteBuffer b = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putShort(Float.floatToFloat16(v));
        }
        OnnxTestWriter w = new OnnxTestWriter(17);
        w.rawInitializer("h", new long[] {3}, 10, b.array(), false);
        Path file = dir.resolve("f16.onnx");
        Files.write(file, w.build());
        assertArrayEquals(
                values, OnnxModel.read(file).graph().initializers().get("h").toFloats(file));
    }

    @Test
    void rewriterAddsOutputsAndKeepsEverythingElse() throws Exception {
        GeneratedFfnModel g = new GeneratedFfnModel(GeneratedFfnModel.Style.GATED_SILU, 2, 5, 4, 8, 3, false);
        OnnxModel m = OnnxModel.parse(Path.of("mem.onnx"), g.bytes);
        byte[] out = OnnxOutputsRewriter.withOutputs(
                m, List.of(g.layers.get(0).activationOutput(), g.layers.get(1).activationOutput()));
        OnnxModel back = OnnxModel.parse(Path.of("rewritten.onnx"), out);
        assertEquals(m.graph().nodes(), back.graph().nodes());
        assertEquals(
                m.graph().initializers().keySet(), back.graph().initializers().keySet());
        assertEquals(3, back.graph().outputs().size());
        assertEquals(g.layers.get(1).activationOutput(), back.graph().outputs().get(2));
        assertEquals(m.opsets(), back.opsets());
        // nothing to add: the model's own bytes, so the length counted first is the length written
        assertArrayEquals(g.bytes, OnnxOutputsRewriter.withOutputs(m, List.of()));
        assertArrayEquals(g.bytes, OnnxOutputsRewriter.withOutputs(m, m.graph().outputs()));
    }
}
