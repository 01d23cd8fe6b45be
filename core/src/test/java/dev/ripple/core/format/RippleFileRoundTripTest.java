package dev.ripple.core.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.Quantization;
import dev.ripple.core.tensor.Tensor;
import dev.ripple.core.testing.RandomModels;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RippleFileRoundTripTest {
    @TempDir
    Path dir;

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(1L, 1, 1, 1, Activation.RELU, false, DType.F32),
                Arguments.of(2L, 2, 8, 32, Activation.GELU, false, DType.F32),
                Arguments.of(3L, 3, 16, 48, Activation.SILU, true, DType.F32),
                Arguments.of(4L, 2, 7, 13, Activation.GELU, false, DType.F16),
                Arguments.of(5L, 1, 33, 100, Activation.SILU, true, DType.F16),
                Arguments.of(6L, 2, 12, 40, Activation.RELU, true, DType.BF16),
                Arguments.of(7L, 1, 384, 64, Activation.GELU_TANH, false, DType.F16),
                Arguments.of(8L, 2, 32, 20, Activation.RELU, true, DType.Q8_0),
                Arguments.of(9L, 1, 64, 30, Activation.GELU, false, DType.Q4_0),
                Arguments.of(10L, 1, 96, 17, Activation.SILU, true, DType.Q4_0));
    }

    @ParameterizedTest(name = "seed {0}: {1} layers d={2} n={3} {4} gated={5} {6}")
    @MethodSource("shapes")
    void writtenModelReadsBackExactly(long seed, int layers, int d, int n, Activation act, boolean gated, DType dtype)
            throws Exception {
        RippleContents c = RandomModels.model(seed, layers, d, n, act, gated, dtype);
        Path file = dir.resolve("m.ripple");
        long size = RippleFileWriter.write(file, c);
        assertEquals(Files.size(file), size);
        try (RippleFile f = RippleFile.open(file)) {
            f.verify();
            assertEquals(
                    dtype.isQuantized() ? "1.1" : "1.0", f.version(), "the lowest version that describes the file");
            assertEquals("test", f.architecture().path("type").asText());
            assertEquals(
                    "random", f.provenance().path("placement").path("algorithm").asText());
            assertEquals(layers, f.layers().size());
            for (int l = 0; l < layers; l++) {
                PlacedLayer placed = c.layers().get(l);
                FfnLayerSection section = f.layers().get(l);
                FfnLayerSpec spec = placed.weights().spec();
                assertEquals(spec, section.spec());
                assertArrayEquals(placed.slotToNeuron(), section.slotToNeuron());
                assertEquals(0, section.bundles().offset() % RippleFormat.PAGE, "bundles aligned to 4 KiB");
                assertBundlesMatch(placed, section, f.mapped());
                assertArrayEquals(
                        placed.weights().downBias(),
                        f.tensor(section.downBiasTensor()).orElseThrow().toFloatArray());
            }
            ResidentTensor word = c.tensors().get(0);
            Tensor view = f.tensor("embeddings.word").orElseThrow();
            assertArrayEquals(word.shape(), view.shape());
            assertArrayEquals(word.values(), view.toFloatArray());
            float[] norm = f.tensor("norm.weight").orElseThrow().toFloatArray();
            float[] given = c.tensors().get(1).values();
            assertArrayEquals(rounded(dtype, given, 0, given.length), norm, "norm.weight stored as " + dtype.label());
            assertArrayEquals(
                    c.blobs().get("tokenizer.json"), f.blob("tokenizer.json").orElseThrow());
            assertEquals(List.of("tokenizer.json"), f.blobNames());
        }
    }

    /** Every bundle on flash holds the weights of the neuron its slot names, rounded to the dtype. */
    private static void assertBundlesMatch(PlacedLayer placed, FfnLayerSection section, MemorySegment file) {
        BundleSource w = placed.weights();
        FfnLayerSpec spec = w.spec();
        float[] bundle = new float[spec.bundleElements()];
        for (int slot = 0; slot < spec.dFfn(); slot++) {
            int neuron = section.slotToNeuron()[slot];
            w.bundleOf(neuron, bundle, 0);
            long at = section.bundleOffset(slot);
            float[] stored = storedBundle(spec, file, section.bundleOffset(slot));
            float[] expected = roundedBundle(spec, bundle);
            for (int e = 0; e < bundle.length; e++) {
                assertEquals(expected[e], stored[e], "layer " + spec.index() + " slot " + slot + " element " + e);
            }
        }
    }

    /** A bundle as the layout in docs/FORMAT.md says it is stored, decoded back to the element layout. */
    private static float[] storedBundle(FfnLayerSpec spec, MemorySegment file, long at) {
        DType t = spec.dtype();
        int d = spec.dModel();
        float[] out = new float[spec.bundleElements()];
        if (!t.isQuantized()) {
            Quantization.decode(t, file, at, out, 0, out.length);
            return out;
        }
        Quantization.decode(t, file, at, out, 0, d);
        if (spec.gated()) {
            Quantization.decode(t, file, at + t.bytes(d), out, d, d);
        }
        int rows = spec.gated() ? 3 : 2;
        Quantization.decode(t, file, at + (rows - 1) * t.bytes(d), out, (rows - 1) * d, d);
        Quantization.decode(DType.F32, file, at + rows * t.bytes(d), out, rows * d, rows - 1);
        return out;
    }

    /** The given f32 bundle rounded to the layer's types: each row through its blocks, biases kept in f32. */
    private static float[] roundedBundle(FfnLayerSpec spec, float[] bundle) {
        DType t = spec.dtype();
        int d = spec.dModel();
        float[] out = bundle.clone();
        int rows = spec.gated() ? 3 : 2;
        if (!t.isQuantized()) {
            return rounded(t, bundle, 0, out.length);
        }
        for (int r = 0; r < rows; r++) {
            System.arraycopy(rounded(t, bundle, r * d, d), 0, out, r * d, d);
        }
        return out;
    }

    /** {@code x[from, from + n)} stored as {@code t} and read back. */
    private static float[] rounded(DType t, float[] x, int from, int n) {
        MemorySegment stored = MemorySegment.ofArray(new byte[(int) t.bytes(n)]);
        Quantization.encode(t, x, from, n, stored, 0);
        float[] out = new float[n];
        Quantization.decode(t, stored, 0, out, 0, n);
        return out;
    }

    @Test
    void rewritingReplacesTheFileAtomicallyAndLeavesNoTemporaryFiles() throws Exception {
        Path file = dir.resolve("m.ripple");
        RippleFileWriter.write(file, RandomModels.model(11, 1, 4, 8, Activation.RELU, false, DType.F32));
        RippleFileWriter.write(file, RandomModels.model(12, 2, 4, 8, Activation.RELU, false, DType.F32));
        try (RippleFile f = RippleFile.open(file)) {
            assertEquals(2, f.layers().size());
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void failedWriteLeavesTheExistingDestinationIntact() throws Exception {
        Path file = dir.resolve("m.ripple");
        RippleFileWriter.write(file, RandomModels.model(13, 1, 4, 8, Activation.RELU, false, DType.F32));
        byte[] before = Files.readAllBytes(file);
        RippleContents bad = RandomModels.model(14, 1, 4, 8, Activation.RELU, false, DType.F32)
                .addBlob("x".repeat(2000), new byte[1]); // name longer than the format allows: fails mid-write
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> RippleFileWriter.write(file, bad));
        assertTrue(e.getMessage().contains("section name"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "temporary file removed");
        }
    }

    @Test
    void halfPrecisionRoundingIsNearest() {
        assertEquals(1.0f, DType.F16.decode(DType.F16.encode(1.0f)));
        assertEquals(65504f, DType.F16.decode(DType.F16.encode(65504f)));
        assertEquals(1.0078125f, DType.BF16.decode(DType.BF16.encode(1.0078125f)));
        assertEquals(1.0f, DType.BF16.decode(DType.BF16.encode(1.001f)));
        assertTrue(Float.isNaN(DType.BF16.decode(DType.BF16.encode(Float.NaN))));
    }
}
