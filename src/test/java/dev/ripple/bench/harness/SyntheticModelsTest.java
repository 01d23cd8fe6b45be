package dev.ripple.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.core.tokenizer.Tokenizer;
import dev.ripple.placement.importer.gguf.GgmlType;
import dev.ripple.placement.synthetic.SyntheticDecoder;
import dev.ripple.placement.synthetic.SyntheticWorkload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code ripple synth} writes, through the records its API returns: a checkpoint with a real
 * tokenizer whose BOS/EOS the config names, a GGUF file with the Llama 2 vocabulary or none, a
 * workload whose first layer is measured; shapes a vocabulary cannot serve are refused.
 */
class SyntheticModelsTest {
    @TempDir
    Path dir;

    private static SyntheticDecoder tinyLlamaOfLlama2Vocabulary() {
        return SyntheticCheckpoint.preset("tiny-llama").withVocabSize(32000).withSeed(3);
    }

    @Test
    void aCheckpointCarriesItsTokenizerAndTheConfigNamesItsSpecialTokens() throws Exception {
        SyntheticDecoder s = tinyLlamaOfLlama2Vocabulary();
        assertEquals(SyntheticVocabulary.LLAMA2, SyntheticVocabulary.forShape(s));
        Path out = dir.resolve("llama");
        SyntheticCheckpoint c = SyntheticCheckpoint.write(s, out, "F16", 1, SyntheticVocabulary.LLAMA2, null);
        assertEquals(s, c.decoder());
        assertNull(c.onnx());
        Tokenizer t = Tokenizer.fromDirectory(out);
        assertEquals(t.vocabSize(), c.tokenizerSize());
        JsonNode config = new ObjectMapper().readTree(out.resolve("config.json").toFile());
        assertEquals(t.bosId().orElseThrow(), config.path("bos_token_id").asInt());
        assertEquals(t.eosId().orElseThrow(), config.path("eos_token_id").asInt());
        assertEquals(s, SyntheticDecoder.fromCheckpoint(out).orElseThrow(), "the weights follow the shape asked");

        SyntheticCheckpoint bare =
                SyntheticCheckpoint.write(s, dir.resolve("bare"), "F32", 1, SyntheticVocabulary.NONE, null);
        assertEquals(0, bare.tokenizerSize());
        assertTrue(Files.notExists(dir.resolve("bare").resolve("tokenizer.json")));
    }

    @Test
    void aVocabularyLargerThanTheModelsIsRefusedInTheApisWordsBeforeAnythingIsWritten() {
        Path opt = dir.resolve("opt");
        InvalidBenchSettingsException small = assertThrows(
                InvalidBenchSettingsException.class,
                () -> SyntheticCheckpoint.write(
                        SyntheticCheckpoint.preset("tiny-opt"), opt, "F16", 1, SyntheticVocabulary.GPT2, null));
        assertEquals(SyntheticCheckpoint.Input.VOCABULARY, small.input());
        assertEquals(
                "the gpt2 tokenizer has 50257 tokens, more than the model's vocabulary of 512;"
                        + " choose another vocabulary or a vocabSize of at least 50257",
                small.getMessage());
        assertTrue(Files.notExists(opt), "the vocabulary is checked before the weights are written");
    }

    @Test
    void aGgufFileHasTheLlama2VocabularyOrNone() throws Exception {
        SyntheticDecoder s = tinyLlamaOfLlama2Vocabulary();
        Path file = dir.resolve("m.gguf");
        SyntheticGguf g = SyntheticGguf.write(s, file, GgmlType.Q8_0, SyntheticVocabulary.LLAMA2, "tiny");
        assertEquals(Files.size(file), g.sizeBytes());
        assertEquals(32000, g.vocabularySize());
        assertEquals(GgmlType.Q8_0, g.type());
        SyntheticGguf bare = SyntheticGguf.write(
                SyntheticCheckpoint.preset("tiny-llama"),
                dir.resolve("b.gguf"),
                GgmlType.F16,
                SyntheticVocabulary.NONE,
                "b");
        assertEquals(0, bare.vocabularySize());
        SyntheticGguf.VocabularySizeException rows = assertThrows(
                SyntheticGguf.VocabularySizeException.class,
                () -> SyntheticGguf.write(
                        SyntheticCheckpoint.preset("tiny-llama"),
                        dir.resolve("c.gguf"),
                        GgmlType.F16,
                        SyntheticVocabulary.LLAMA2,
                        "c"));
        assertEquals(
                "the llama2 vocabulary has 32000 tokens and GGUF needs as many embedding rows; "
                        + "this model has 512 (give the decoder a vocabSize of 32000 or no vocabulary)",
                rows.getMessage());
        assertEquals(32000, rows.tokens());
    }

    @Test
    void aWorkloadIsWrittenThenItsFirstLayerMeasured() throws Exception {
        SyntheticWorkload.Spec spec = SyntheticWorkload.Spec.preset("tiny", 2).withTokens(200, 40);
        List<String> phases = new ArrayList<>();
        WrittenWorkload w = WrittenWorkload.write(spec, dir.resolve("w"), (task, steps) -> {
            phases.add(task + " " + steps);
            return Progress.NONE.start(task, steps);
        });
        assertEquals(spec, w.spec());
        assertTrue(Files.isRegularFile(w.dir().resolve(SyntheticWorkload.MODEL_FILE)));
        assertTrue(
                w.layer0().describe().contains("mean read length"), w.layer0().describe());
        assertEquals(
                List.of("write the synthetic workload 2", "measure layer 0 against the papers' figures -1"), phases);
    }

    @Test
    void namesAreResolvedOrRefusedWithTheKnownOnes() {
        assertEquals(SyntheticVocabulary.LLAMA3, SyntheticVocabulary.parse("LLaMA3"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SyntheticVocabulary.parse("bert"))
                .getMessage()
                .contains("unknown tokenizer 'bert' (known: gpt2, llama2, llama3, none)"));
        assertTrue(SyntheticCheckpoint.presets().containsAll(List.of("tiny-opt", "tiny-llama", "llama-2-7b")));
        InvalidBenchSettingsException unknown =
                assertThrows(InvalidBenchSettingsException.class, () -> SyntheticCheckpoint.preset("gpt-5"));
        assertEquals(SyntheticCheckpoint.Input.PRESET, unknown.input());
        assertEquals(
                "unknown preset 'gpt-5' (known: " + String.join(", ", SyntheticCheckpoint.presets()) + ")",
                unknown.getMessage());
    }
}
