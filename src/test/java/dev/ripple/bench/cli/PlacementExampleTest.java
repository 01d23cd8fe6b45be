package dev.ripple.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.format.RippleFile;
import dev.ripple.e2e.ReadmeExamples;
import dev.ripple.placement.text.EuroparlCorpus;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's placement example compiles and runs on the real all-MiniLM-L6-v2 and Europarl text:
 * it prints each algorithm's held-out reads and writes a file the runtime opens, with ripple+ reading
 * fewer runs per token than the identity order.
 */
class PlacementExampleTest {
    @TempDir
    Path dir;

    @Test
    void theReadmeExamplePlacesAndWritesTheRealModel() throws Exception {
        Path work = dir.resolve("work");
        UnpackedDefaultModel.linkInto(work);
        Path onnx = DefaultData.model(work);
        Path tokenizer = DefaultData.tokenizer(work);
        EuroparlCorpus.Split text;
        try (InputStream in = DefaultData.europarl()) {
            text = EuroparlCorpus.read(in, 0.5);
        }
        Path calibration = dir.resolve("calibration.txt");
        Path heldOut = dir.resolve("heldout.txt");
        // 30 passages each (about 850 tokens): the example stops at its 4,000-token budget or the end
        // of the text, whichever comes first, and places the same way on fewer tokens; on these ripple+
        // reads 257 runs per token and layer against identity's 359 (2026-12-07)
        Files.write(calibration, text.calibration().subList(0, 30));
        Files.write(heldOut, text.heldOut().subList(0, 30));
        Path out = dir.resolve("model.ripple");

        String printed = ReadmeExamples.run(
                "place",
                ReadmeExamples.placementPreamble("dev.ripple.placement.importer.ImportedModel"),
                Map.of(
                        "Path.of(\"all-minilm-l6-v2.onnx\")", "Path.of(args[0])",
                        "Path.of(\"tokenizer.json\")", "Path.of(args[1])",
                        "Path.of(\"model.ripple\")", "Path.of(args[4])"),
                new String[] {
                    onnx.toString(), tokenizer.toString(), calibration.toString(), heldOut.toString(), out.toString()
                },
                dir);

        Map<String, Double> reads = ReadmeExamples.readsPerTokenAndLayer(printed);
        assertEquals(
                List.of("frequency", "identity", "ripple", "ripple+"),
                reads.keySet().stream().sorted().toList(),
                printed);
        assertTrue(reads.get("ripple+") < reads.get("identity"), "ripple+ reads fewer runs than identity: " + reads);
        assertTrue(printed.contains("wrote " + out), printed);
        try (RippleFile f = RippleFile.open(out)) {
            assertEquals(6, f.layers().size());
            assertEquals(
                    "ripple+",
                    f.provenance().path("placement").path("algorithm").asText());
        }
    }
}
