package dev.ripple.placement.importer.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.tensor.DType;
import dev.ripple.core.tensor.Quantization;
import dev.ripple.core.tokenizer.Tokenizer;
import dev.ripple.placement.importer.ImportedModel;
import dev.ripple.placement.synthetic.SyntheticDecoder;
import dev.ripple.placement.synthetic.SyntheticGgufWriter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SyntheticGgufWriter}: a generated Llama written straight to GGUF holds the tensors that
 * converting the same generated checkpoint as llama.cpp does ({@link HfToGguf}) gives (names, ggml
 * dims, q/k permutation, values), quantized by core's ggml rounding; with the Llama 2 vocabulary it
 * imports and tokenizes as the tokenizer.json it came from; shapes llama's GGUF cannot hold are
 * refused. (The heap a large file needs: {@code SyntheticGgufHeapTest}.)
 */
class SyntheticGgufTest {
    @TempDir
    Path dir;

    @Test
    void holdsWhatConvertingTheCheckpointGives() throws Exception {
        SyntheticDecoder spec = SyntheticDecoder.tinyLlama().withSeed(21);
        Path converted = ConvertedCheckpoint.write(dir, spec, "F32", "llama", GgmlType.F32)
                .gguf();
        Path f32 = dir.resolve("f32.gguf");
        Path q40 = dir.resolve("q4_0.gguf");
        SyntheticGgufWriter.write(spec, f32, GgmlType.F32, null, "tiny-llama");
        SyntheticGgufWriter.write(spec, q40, GgmlType.Q4_0, null, "tiny-llama");
        try (GgufFile expected = GgufFile.open(converted);
                GgufFile a = GgufFile.open(f32);
                GgufFile q = GgufFile.open(q40)) {
            assertEquals(expected.tensors().size(), a.tensors().size());
            for (GgufTensor e : expected.tensors()) {
                GgufTensor t = a.findTensor(e.name()).orElseThrow(() -> new AssertionError("missing " + e.name()));
                assertArrayEquals(e.dims(), t.dims(), e.name());
                float[] values = e.toFloatArray();
                assertArrayEquals(values, t.toFloatArray(), e.name());
                GgufTensor qt = q.findTensor(e.name()).orElseThrow();
                boolean matrix = e.dims().length == 2;
                assertEquals(matrix ? GgmlType.Q4_0 : GgmlType.F32, qt.type(), e.name());
                if (matrix) {
                    byte[] blocks = new byte[(int) DType.Q4_0.bytes(values.length)];
                    Quantization.encode(DType.Q4_0, values, 0, values.length, MemorySegment.ofArray(blocks), 0);
                    assertArrayEquals(
                            blocks, qt.data().toArray(ValueLayout.JAVA_BYTE), e.name() + ": core's Q4_0 of the values");
                }
            }
            for (String key : List.of(
                    "llama.embedding_length",
                    "llama.block_count",
                    "llama.feed_forward_length",
                    "llama.attention.head_count",
                    "llama.attention.head_count_kv",
                    "llama.rope.dimension_count",
                    "llama.context_length")) {
                assertEquals(expected.getLong(key), q.getLong(key), key);
            }
            assertEquals(2, q.getLong("general.file_type"), "llama.cpp's MOSTLY_Q4_0");
            assertTrue(q.getString("general.description").contains("generated weights"));
        }
    }

    @Test
    void theLlama2VocabularyImportsAndTokenizesAsItsTokenizerJson() throws Exception {
        byte[] json = GgufVocabularies.resource(GgufVocabularies.DIR + "llama2/tokenizer.json");
        GgufVocabulary v = GgufVocabulary.fromSentencePieceJson(json);
        assertEquals(32000, v.size());
        SyntheticDecoder spec =
                SyntheticDecoder.tinyLlama().withVocabSize(32000).withSeed(2);
        Path file = dir.resolve("vocab.gguf");
        SyntheticGgufWriter.write(spec, file, GgmlType.Q8_0, v, "tiny-llama");
        ImportedModel m = GgufImporter.importModel(file, DType.Q8_0);
        assertEquals(1, m.architecture().path("bosTokenId").asInt());
        assertEquals(2, m.architecture().path("eosTokenId").asInt());
        Tokenizer imported =
                Tokenizer.fromJson(m.blobs().get("tokenizer.json"), m.blobs().get("tokenizer_config.json"));
        Tokenizer original = Tokenizer.fromJson(
                json, GgufVocabularies.resource(GgufVocabularies.DIR + "llama2/tokenizer_config.json"));
        for (String text : GgufVocabularies.europarl(200)) {
            assertArrayEquals(original.encode(text), imported.encode(text), text);
        }
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> SyntheticGgufWriter.write(
                        SyntheticDecoder.tinyLlama(), dir.resolve("x.gguf"), GgmlType.Q8_0, v, "t"));
        assertTrue(e.getMessage().contains("32000 tokens, the model 512"), e.getMessage());
    }

    @Test
    void shapesLlamasGgufCannotHoldAreRefused() {
        for (var c : List.of(
                new Object[] {SyntheticDecoder.tinyOpt(), "the OPT family"},
                new Object[] {SyntheticDecoder.tinyQwen2(), "attention biases"},
                new Object[] {SyntheticDecoder.tinyLlama().withHiddenAct("relu"), "the relu activation"},
                new Object[] {
                    SyntheticDecoder.tinyLlama().withRopeScaling(new SyntheticDecoder.RopeScaling(8, 1, 4, 8192)),
                    "rope scaling"
                })) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> SyntheticGgufWriter.write(
                            (SyntheticDecoder) c[0], dir.resolve("x.gguf"), GgmlType.Q4_0, null, "x"));
            assertTrue(e.getMessage().contains((String) c[1]), e.getMessage());
            assertTrue(Files.notExists(dir.resolve("x.gguf")));
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> SyntheticGgufWriter.write(
                        SyntheticDecoder.tinyLlama(), dir.resolve("x.gguf"), GgmlType.Q4_K, null, "x"));
    }
}
