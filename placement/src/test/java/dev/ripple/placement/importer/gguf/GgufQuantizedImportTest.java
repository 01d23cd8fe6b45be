package dev.ripple.placement.importer.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ripple.core.format.FfnLayerSection;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.format.StorageError;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.Quantization;
import dev.ripple.core.tensor.Tensor;
import dev.ripple.placement.importer.ImportedModel;
import dev.ripple.placement.importer.SafetensorsImporter;
import dev.ripple.placement.synthetic.SyntheticDecoder;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a quantized GGUF file becomes in a {@code .ripple} file. Q4_0 (and Q8_0) blocks are core's
 * own, so a Q4_0 file's resident matrices are its blocks byte for byte, and with Q4_0 bundles the
 * up and gate rows are copied rather than requantized (zero storage error; only the down columns,
 * which GGUF stores across neurons, are requantized). A Q4_K file's resident matrices, which the
 * runtime does not compute on, become Q8_0 of the values the file holds, and generation follows
 * the logits of those values within the error that conversion reports.
 */
class GgufQuantizedImportTest {
    /**
     * Logits may differ from those of the exact values by at most this many times the relative RMS
     * error of the weights that differ: as in {@link GgufDecoderCrossCheckTest#QUANTIZED_ERROR_FACTOR},
     * each logit sums many products whose weight errors are independent and unbiased, so the
     * output's relative error is of the order of the weights' (a wrong decoding would be off by
     * order 1, not by order of a quantization step).
     */
    static final double ERROR_FACTOR = GgufDecoderCrossCheckTest.QUANTIZED_ERROR_FACTOR;

    @TempDir
    Path dir;

    @Test
    void q4_0RowsAndResidentsAreTheFilesBlocks() throws Exception {
        SyntheticDecoder spec = SyntheticDecoder.tinyLlama().withSeed(41);
        ConvertedCheckpoint converted = ConvertedCheckpoint.write(dir, spec, "F32", "llama", GgmlType.Q4_0);
        Path hf = converted.hf();
        Path gguf = converted.gguf();
        Path out = dir.resolve("model.ripple");
        List<StorageError> errors = new ArrayList<>();
        RippleFileWriter.write(out, GgufImporter.importModel(gguf, DType.Q4_0).toContents(), (l, e) -> errors.add(e));

        assertEquals(spec.numLayers(), errors.size());
        for (StorageError e : errors) {
            assertEquals(0.0, e.upGate(), "up and gate rows copied as the file's blocks: " + e);
            // Q4_0's step is a sixteenth of a block's range: requantizing the down columns costs several percent
            assertTrue(e.down() > 0.01 && e.down() < 0.15, "down columns requantized: " + e);
        }
        try (GgufFile g = GgufFile.open(gguf);
                RippleFile r = RippleFile.open(out)) {
            r.verify();
            for (int l = 0; l < spec.numLayers(); l++) {
                FfnLayerSection layer = r.layers().get(l);
                assertEquals(DType.Q4_0, layer.spec().dtype());
                GgufTensor up = g.findTensor("blk." + l + ".ffn_up.weight").orElseThrow();
                GgufTensor gate = g.findTensor("blk." + l + ".ffn_gate.weight").orElseThrow();
                int[] slot = layer.neuronToSlot();
                int rowBytes = layer.spec().rowBytes();
                assertEquals(up.rowBytes(), rowBytes);
                for (int neuron = 0; neuron < spec.intermediateSize(); neuron++) {
                    long at = layer.bundleOffset(slot[neuron]);
                    assertArrayEquals(
                            bytes(up.data(), (long) neuron * rowBytes, rowBytes),
                            bytes(r.mapped(), at, rowBytes),
                            "layer " + l + " up row " + neuron);
                    assertArrayEquals(
                            bytes(gate.data(), (long) neuron * rowBytes, rowBytes),
                            bytes(r.mapped(), at + layer.spec().gateOffsetBytes(), rowBytes),
                            "layer " + l + " gate row " + neuron);
                }
            }
            int residents = 0;
            for (GgufTensor t : g.tensors()) {
                if (t.dims().length != 2 || t.name().contains(".ffn_")) {
                    continue;
                }
                Tensor stored = r.tensor(t.name()).orElseThrow();
                assertEquals(DType.Q4_0, stored.dtype(), t.name());
                assertArrayEquals(
                        t.data().toArray(ValueLayout.JAVA_BYTE),
                        stored.data().toArray(ValueLayout.JAVA_BYTE),
                        t.name() + ": the file's blocks");
                residents++;
            }
            assertEquals(2 + 4 * spec.numLayers(), residents, "embeddings, head and attention");
        }

        // Generation against the values the file holds: only the requantized down columns differ.
        Path held = dir.resolve("held");
        HfToGguf.copyWithMatrices(hf, held, (tensor, v) -> GgmlEncoder.implied(GgmlType.Q4_0, v));
        int[] prompt = new Random(9)
                .ints(GgufDecoderCrossCheckTest.PROMPT, 0, spec.vocabSize())
                .toArray();
        List<float[]> exact = GgufDecoderCrossCheckTest.run(
                write("held.ripple", SafetensorsImporter.importModel(held, DType.F32)), prompt);
        List<float[]> actual = GgufDecoderCrossCheckTest.run(out, prompt);
        double down = errors.stream().mapToDouble(StorageError::down).max().orElseThrow();
        double worst = worst(exact, actual);
        System.out.printf(
                Locale.ROOT,
                "q4_0 bundles: down columns %.4f requantized, logits within %.4f of the file's values%n",
                down,
                worst);
        assertTrue(worst < ERROR_FACTOR * down, "logits " + worst + " from the file's values, down columns " + down);
    }

    @Test
    void kQuantResidentsBecomeQ8_0OfTheFilesValues() throws Exception {
        // rows of whole Q4_K super-blocks: hidden 256, ffn 512
        SyntheticDecoder spec = SyntheticDecoder.llama(2, 256, 512, 4, 2, 512)
                .withMaxPositions(128)
                .withSeed(43);
        ConvertedCheckpoint converted = ConvertedCheckpoint.write(dir, spec, "F32", "llama", GgmlType.Q4_K);
        Path hf = converted.hf();
        Path gguf = converted.gguf();
        ImportedModel m = GgufImporter.importModel(gguf, DType.F32);
        Path out = write("model.ripple", m);

        JsonNode conversions = m.architecture().path("gguf").path("residentConversions");
        double conversionError = 0;
        try (GgufFile g = GgufFile.open(gguf);
                RippleFile r = RippleFile.open(out)) {
            int residents = 0;
            for (GgufTensor t : g.tensors()) {
                if (t.dims().length != 2 || t.name().contains(".ffn_")) {
                    continue;
                }
                assertEquals(GgmlType.Q4_K, t.type());
                Tensor stored = r.tensor(t.name()).orElseThrow();
                assertEquals(DType.Q8_0, stored.dtype(), t.name());
                float[] values = t.toFloatArray();
                assertArrayEquals(
                        q8Bytes(values),
                        stored.data().toArray(ValueLayout.JAVA_BYTE),
                        t.name() + ": Q8_0 of the file's values");
                JsonNode c = conversions.path(t.name());
                assertEquals("Q4_K", c.path("from").asText(), t.name());
                assertEquals("q8_0", c.path("to").asText(), t.name());
                double e = c.path("relativeRmsError").asDouble();
                // Q8_0's step is 1/127 of a block's largest magnitude: about half a percent of a tensor's RMS
                assertTrue(e > 0 && e < 0.01, t.name() + ": conversion error " + e);
                conversionError = Math.max(conversionError, e);
                residents++;
            }
            assertEquals(2 + 4 * spec.numLayers(), residents, "embeddings, head and attention");
            assertEquals(residents, conversions.size());
        }

        int[] prompt = new Random(9)
                .ints(GgufDecoderCrossCheckTest.PROMPT, 0, spec.vocabSize())
                .toArray();
        List<float[]> actual = GgufDecoderCrossCheckTest.run(out, prompt);
        // The values the file holds (Q4_K decoded by the quantizer's own integers) ...
        Path held = dir.resolve("held");
        HfToGguf.copyWithMatrices(hf, held, (tensor, v) -> GgmlEncoder.implied(GgmlType.Q4_K, v));
        List<float[]> exact = GgufDecoderCrossCheckTest.run(
                write("held.ripple", SafetensorsImporter.importModel(held, DType.F32)), prompt);
        // ... and those values with the resident matrices rounded to Q8_0: what the .ripple file should compute
        Path heldQ8 = dir.resolve("held-q8");
        HfToGguf.copyWithMatrices(hf, heldQ8, (tensor, v) -> {
            float[] q = GgmlEncoder.implied(GgmlType.Q4_K, v);
            return tensor.contains(".mlp.") ? q : q8(q);
        });
        List<float[]> exactQ8 = GgufDecoderCrossCheckTest.run(
                write("held-q8.ripple", SafetensorsImporter.importModel(heldQ8, DType.F32)), prompt);
        double q8Worst = worst(exactQ8, actual);
        double worst = worst(exact, actual);
        System.out.printf(
                Locale.ROOT,
                "q4_K residents as q8_0: conversion error up to %.4f, logits within %.4f of the file's "
                        + "values, %.1e of their q8_0 rounding%n",
                conversionError,
                worst,
                q8Worst);
        assertTrue(q8Worst < GgufDecoderCrossCheckTest.TOLERANCE, "against the Q8_0-rounded values: " + q8Worst);
        assertTrue(
                worst < ERROR_FACTOR * conversionError,
                "logits " + worst + " from the file's values, conversion error " + conversionError);
    }

    private Path write(String name, ImportedModel m) throws Exception {
        Path p = dir.resolve(name);
        RippleFileWriter.write(p, m.toContents());
        return p;
    }

    private static double worst(List<float[]> expected, List<float[]> actual) {
        double worst = 0;
        for (int i = 0; i < expected.size(); i++) {
            worst = Math.max(worst, GgufDecoderCrossCheckTest.relativeError(expected.get(i), actual.get(i)));
        }
        return worst;
    }

    private static byte[] bytes(MemorySegment s, long at, int n) {
        return s.asSlice(at, n).toArray(ValueLayout.JAVA_BYTE);
    }

    static byte[] q8Bytes(float[] x) {
        byte[] b = new byte[(int) DType.Q8_0.bytes(x.length)];
        Quantization.encode(DType.Q8_0, x, 0, x.length, MemorySegment.ofArray(b), 0);
        return b;
    }

    static float[] q8(float[] x) {
        float[] out = new float[x.length];
        Quantization.decode(DType.Q8_0, MemorySegment.ofArray(q8Bytes(x)), 0, out, 0, x.length);
        return out;
    }
}
