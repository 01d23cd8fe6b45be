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
        RippleRun direct = RippleRun.inProcess("generate", "--model", gguf.toString(), "--prompt", "the capital of France is",
                "--max-tokens", "6", "--ignore-eos", "--work", work.toString(), "--json", json.toString(), "--quiet");
        assertEquals(0, direct.exit(), direct.err());
        JsonNode j = JSON.readTree(json.toFile());
        assertTrue(j.path("placedOnTheFly").asBoolean());
        assertEquals(6, j.path("generatedIds").size());

        Path trace = dir.resolve("t.rtrace");
        RippleRun profile = RippleRun.inProcess("profile", "--model", gguf.toString(), "--out", trace.toString(),
                "--max-tokens", "400", "--work", work.toString(), "--quiet");
        assertEquals(0, profile.exit(), profile.err());
        Path placed = dir.resolve("tiny-llama.ripple");
        RippleRun place = RippleRun.inProcess("place", "--model", gguf.toString(), "--trace", trace.toString(), "--out",
                placed.toString(), "--quiet");
        assertEquals(0, place.exit(), place.err());
        Tokenizer t;
        try (RippleFile f = RippleFile.open(placed)) {
            assertEquals("llama", f.architecture().path("type").asText());
            assertEquals("adjacent", f.architecture().path("rope").path("rotation").asText());
            assertEquals("gguf", f.architecture().path("source").asText());
            assertEquals("f16", f.layers().getFirst().spec().dtype().label(), "GGUF bundles default to f16");
            t = RippleModel.tokenizerOf(f).orElseThrow();
        }
        Path json2 = dir.resolve("g2.json");
        RippleRun run = RippleRun.inProcess("generate", "--model", placed.toString(), "--prompt", "the capital of France is",
                "--max-tokens", "6", "--ignore-eos", "--json", json2.toString(), "--quiet");
        assertEquals(0, run.exit(), run.err());
        JsonNode k = JSON.readTree(json2.toFile());
        assertEquals("lowrank", k.path("predictor").asText());
        assertArrayEquals(t.encode("the capital of France is"), ints(k.path("promptIds")));
        assertEquals(t.decode(ints(k.path("generatedIds")), true), k.path("text").asText());
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }
}
