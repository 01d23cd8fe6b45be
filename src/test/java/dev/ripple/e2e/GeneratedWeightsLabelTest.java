package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every figure measured on a model made by {@code ripple synth} says "generated weights" (README,
 * docs/DECODERS.md, docs/SYNTHETIC.md): profile's, place's and generate's output and JSON on the
 * generated tiny-opt, and none of them on the same checkpoint with the generator's label taken out
 * of its config.json, as a trained checkpoint's would be.
 */
class GeneratedWeightsLabelTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    @Test
    void profilePlaceAndGenerateSayGeneratedWeights() throws Exception {
        Figures f = run(TinyOpt.dir(), dir.resolve("generated"));
        assertTrue(f.profile.contains("(generated weights)"), f.profile);
        assertTrue(f.place.lines().findFirst().orElseThrow().contains("(generated weights)"), f.place);
        assertTrue(f.place.contains("held-out, per layer (generated weights):"), f.place);
        assertTrue(f.place.contains("held-out, all layers (mean per token and layer) (generated weights):"), f.place);
        assertEquals("generated", f.placeJson.path("weights").asText());
        assertTrue(f.generate.contains("[generated weights] "), f.generate);
        assertEquals("generated", f.generateJson.path("weights").asText());
    }

    @Test
    void aCheckpointWithoutTheGeneratorsLabelIsNotLabelled() throws Exception {
        Path plain = dir.resolve("plain");
        Files.createDirectories(plain);
        try (Stream<Path> files = Files.list(TinyOpt.dir())) {
            for (Path p : files.toList()) {
                Files.copy(p, plain.resolve(p.getFileName()));
            }
        }
        ObjectNode config =
                (ObjectNode) JSON.readTree(plain.resolve("config.json").toFile());
        config.remove("ripple_synthetic");
        JSON.writeValue(plain.resolve("config.json").toFile(), config);

        Figures f = run(plain, dir.resolve("plain-run"));
        for (String out : new String[] {f.profile, f.place, f.generate}) {
            assertFalse(out.contains("generated weights"), out);
        }
        assertEquals("checkpoint", f.placeJson.path("weights").asText());
        assertEquals("checkpoint", f.generateJson.path("weights").asText());
    }

    private record Figures(String profile, String place, JsonNode placeJson, String generate, JsonNode generateJson) {}

    private static Figures run(Path model, Path at) throws Exception {
        Files.createDirectories(at);
        Path work = at.resolve("work");
        Path trace = at.resolve("t.rtrace");
        String profile = DecoderSteps.profile(model, trace, 600, work).out();
        Path heldOut = at.resolve("h.rtrace");
        RippleRun.succeeds(
                "profile",
                "--model",
                model.toString(),
                "--split",
                "heldout",
                "--max-tokens",
                "300",
                "--out",
                heldOut.toString(),
                "--work",
                work.toString(),
                "--quiet");
        Path placed = at.resolve("m.ripple");
        String place = DecoderSteps.place(model, trace, placed, "--eval", heldOut.toString(), "--work", work.toString())
                .out();
        String placeJson = DecoderSteps.place(
                        model, trace, at.resolve("m2.ripple"), "--json", "--work", work.toString())
                .out();
        Path g = at.resolve("g.json");
        String generate = DecoderSteps.generate(placed, "The Commission", 3, g).out();
        return new Figures(profile, place, JSON.readTree(placeJson), generate, JSON.readTree(g.toFile()));
    }
}
