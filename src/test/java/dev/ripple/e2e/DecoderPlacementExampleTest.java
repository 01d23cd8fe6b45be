package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.format.RippleFile;
import dev.ripple.core.runtime.RippleModel;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.placement.text.EuroparlCorpus;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's decoder placement example compiles and runs: a generated OPT-shaped checkpoint with
 * GPT-2's real vocabulary and planted co-activation is imported, profiled on Europarl text through
 * the import, placed with ripple+ and identity, and written; ripple+ reads fewer runs per token on
 * the held-out text, and the file holds the ripple+ order.
 */
class DecoderPlacementExampleTest {
    @TempDir
    Path dir;

    @Test
    void theReadmeExamplePlacesAGeneratedDecoder() throws Exception {
        Path opt = dir.resolve("opt");
        DecoderSteps.synthClustered(opt, "tiny-opt", 50272, "--quiet");
        EuroparlCorpus.Split text;
        try (InputStream in = DecoderPlacementExampleTest.class.getResourceAsStream(EuroparlCorpus.LUCENE_RESOURCE)) {
            text = EuroparlCorpus.read(in, 0.5);
        }
        Path calibration =
                Files.write(dir.resolve("calibration.txt"), text.calibration().subList(0, 60));
        Path heldOut = Files.write(dir.resolve("heldout.txt"), text.heldOut().subList(0, 30));
        Path out = dir.resolve("opt.ripple");

        String printed = ReadmeExamples.run(
                "place-decoder",
                ReadmeExamples.placementPreamble("dev.ripple.core.tensor.DType", "dev.ripple.placement.PreparedModel"),
                Map.of(
                        "Path.of(\"opt-1.3b\")", "Path.of(args[0])",
                        "Path.of(\"ripple-work\")", "Path.of(args[1])",
                        "Path.of(\"opt-1.3b.ripple\")", "Path.of(args[4])",
                        // a generated model: 800 tokens show its planted clusters (ripple+ 17.6 held-out reads per
                        // token and layer against identity's 33.6, 2026-12-07)
                        "withMaxTokens(20_000)", "withMaxTokens(800)"),
                new String[] {
                    opt.toString(),
                    dir.resolve("work").toString(),
                    calibration.toString(),
                    heldOut.toString(),
                    out.toString()
                },
                dir);

        Map<String, Double> reads = ReadmeExamples.readsPerTokenAndLayer(printed);
        assertEquals(
                List.of("identity", "ripple+"), reads.keySet().stream().sorted().toList(), printed);
        assertTrue(reads.get("ripple+") < reads.get("identity"), "ripple+ reads fewer runs than identity: " + reads);
        assertTrue(printed.contains("wrote " + out), printed);
        try (RippleFile f = RippleFile.open(out)) {
            assertEquals(
                    "ripple+",
                    f.provenance().path("placement").path("algorithm").asText());
        }
        try (RippleModel model = RippleModel.open(out, RuntimeOptions.defaults())) {
            assertTrue(model.decoder().isPresent() && model.tokenizer().isPresent(), "a decoder with its tokenizer");
        }
        assertTrue(Files.isDirectory(dir.resolve("work")), "the import is kept in the work directory");
    }
}
