package dev.ripple.placement.importer.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.tensor.DType;
import dev.ripple.core.tokenizer.Tokenizer;
import dev.ripple.placement.importer.ImportedModel;
import dev.ripple.placement.importer.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fuzz target's seeds do what they are for: the two micro models import (so fuzzing starts deep
 * in the importer and tokenizer conversion), the damaged ones are refused, and the committed copies
 * equal the generated ones.
 */
class GgufFuzzSeedsTest {
    static final Path COMMITTED =
            Path.of("src/test/resources/dev/ripple/placement/importer/gguf/GgufImporterFuzzTestInputs/"
                    + "importArbitraryGguf");

    @TempDir
    Path dir;

    @Test
    void seedsImportOrAreRefusedAndMatchTheCommittedCopies() throws IOException {
        var seeds = GgufFuzzSeeds.all();
        for (var e : seeds.entrySet()) {
            assertArrayEquals(
                    e.getValue(),
                    Files.readAllBytes(COMMITTED.resolve(e.getKey())),
                    e.getKey() + " differs from the committed seed (run GgufFuzzSeeds.main to refresh)");
        }
        for (String name : new String[] {"seed-llama-q8_0-spm-v3", "seed-qwen2-bf16-bpe-v2"}) {
            Path p = dir.resolve(name + ".gguf");
            Files.write(p, seeds.get(name));
            ImportedModel m = GgufImporter.importModel(p, DType.F16);
            assertEquals(1, m.layers().size(), name);
            Tokenizer t = Tokenizer.fromJson(
                    m.blobs().get("tokenizer.json"), m.blobs().get("tokenizer_config.json"));
            assertTrue(t.encode("abc ab").length > 0, name);
        }
        for (String name :
                new String[] {"seed-llama-truncated", "seed-llama-lying-tensor-count", "seed-llama-version-1"}) {
            Path p = dir.resolve(name + ".gguf");
            Files.write(p, seeds.get(name));
            assertThrows(ModelFormatException.class, () -> GgufImporter.importModel(p, DType.F16), name);
        }
    }
}
