package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.runtime.RippleModel;
import dev.ripple.core.tokenizer.Tokenizer;
import dev.ripple.placement.importer.gguf.GgmlType;
import dev.ripple.placement.importer.gguf.GgufTestModels;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A GGUF Llama-family file through the commands a user runs: generate straight from the
 * {@code .gguf} file, then profile, place and generate from the placed file with the predictor.
 * The file is a generated tiny Llama with Q8_0 matrices, converted as llama.cpp converts (docs/GGUF.md).
 */
class GgufCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aGgufFileGoesThroughGenerateProfilePlaceAndGenerate() throws Exception {
        Path gguf = GgufTestModels.tinyLlama(dir, GgmlType.Q8_0);
        Path work = dir.resolve("work");
        Path json = dir.resolve("g1.json");
        DecoderSteps.generate(gguf, "the capital of France is", 6, json, "--work", work.toString());
        JsonNode j = JSON.readTree(json.toFile());
        assertTrue(j.path("placedOnTheFly").asBoolean());
        assertEquals(6, j.path("generatedIds").size());

        Path trace = dir.resolve("t.rtrace");
        DecoderSteps.profile(gguf, trace, 400, work);
        Path placed = dir.resolve("tiny-llama.ripple");
        DecoderSteps.place(gguf, trace, placed);
        Tokenizer t;
        try (RippleFile f = RippleFile.open(placed)) {
            assertEquals("llama", f.architecture().path("type").asText());
            assertEquals(
                    "adjacent", f.architecture().path("rope").path("rotation").asText());
            assertEquals("gguf", f.architecture().path("source").asText());
            assertEquals("f16", f.layers().getFirst().spec().dtype().label(), "GGUF bundles default to f16");
            t = RippleModel.tokenizerOf(f).orElseThrow();
        }
        Path json2 = dir.resolve("g2.json");
        DecoderSteps.generate(placed, "the capital of France is", 6, json2);
        JsonNode k = JSON.readTree(json2.toFile());
        assertEquals("lowrank", k.path("predictor").asText());
        assertArrayEquals(t.encode("the capital of France is"), ints(k.path("promptIds")));
        assertEquals(
                t.decode(ints(k.path("generatedIds")), true), k.path("text").asText());
    }

    /**
     * {@code ripple synth --format gguf} writes a file the other commands accept: a tiny Llama with the
     * Llama 2 vocabulary in Q4_0 is profiled, placed with Q4_0 bundles (up and gate rows copied from
     * the file, so their storage error is exactly zero; residents kept as the file's Q4_0 blocks) and
     * generates text.
     */
    @Test
    void aSynthesizedGgufFileIsPlacedAndGenerates() throws Exception {
        Path gguf = dir.resolve("tiny.gguf");
        RippleRun synth = RippleRun.succeeds(
                "synth",
                "--preset",
                "tiny-llama",
                "--vocab",
                "32000",
                "--format",
                "gguf",
                "--dtype",
                "q4_0",
                "--out",
                gguf.toString());
        assertTrue(
                synth.out().contains("GGUF Q4_0 matrices") && synth.out().contains("vocabulary llama2 (32000 tokens)"),
                synth.out());
        Path work = dir.resolve("work");
        Path trace = dir.resolve("t.rtrace");
        DecoderSteps.profile(gguf, trace, 200, work);
        Path placed = dir.resolve("tiny.ripple");
        RippleRun place = DecoderSteps.place(gguf, trace, placed, "--dtype", "q4_0", "--json");
        JsonNode p = JSON.readTree(place.out());
        assertEquals("q4_0", p.path("dtype").asText());
        assertEquals(0.0, p.path("storageError").path("upGate").asDouble(), "up/gate rows copied as the file's blocks");
        assertTrue(
                p.path("storageError").path("down").asDouble() > 0,
                "down columns requantized: " + p.path("storageError"));
        try (RippleFile f = RippleFile.open(placed)) {
            assertEquals(
                    "q4_0",
                    f.tensor("blk.0.attn_q.weight").orElseThrow().dtype().label());
            assertEquals(
                    "q4_0", f.tensor("token_embd.weight").orElseThrow().dtype().label());
        }
        Path json = dir.resolve("g.json");
        DecoderSteps.generate(placed, "the capital of France is", 5, json);
        JsonNode g = JSON.readTree(json.toFile());
        assertEquals(5, g.path("generatedIds").size());
        assertEquals(1, g.path("promptIds").get(0).asInt(), "BOS first, as the vocabulary says");

        RippleRun refused = RippleRun.inProcess(
                "synth",
                "--preset",
                "tiny-llama",
                "--format",
                "gguf",
                "--dtype",
                "q4_0",
                "--out",
                dir.resolve("x.gguf").toString());
        assertEquals(1, refused.exit());
        assertTrue(refused.err().contains("use --vocab 32000 or --tokenizer none"), refused.err());
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }
}
