package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ripple bench} on a decoder, scaled down: a generated ReLU model with planted co-activation
 * is profiled with the Java forward, placed with every algorithm, and generates from held-out
 * prompts under each strategy; prefill and decode are reported apart, and co-activation placement
 * with collapsed reads needs fewer reads per token than the original order read neuron by neuron.
 */
class DecoderBenchCommandTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"tiny-opt, 50272, relu, lowrank", "tiny-llama, 32000, fatrelu, oracle"})
    void theStrategiesGenerateSideBySide(String preset, int vocab, String act, String predictor) throws Exception {
        Path opt = dir.resolve(preset);
        RippleRun synth = RippleRun.inProcess("synth", "--preset", preset, "--vocab", "" + vocab, "--hidden-act", act,
                "--active", "0.1", "--clusters", "8", "--out", opt.toString());
        assertEquals(0, synth.exit(), synth.err());
        Path json = dir.resolve("bench.json");
        RippleRun run = RippleRun.inProcess("bench", "--model", opt.toString(), "--calibration-tokens", "1500",
                "--sentences", "4", "--prompt-tokens", "12", "--decode-tokens", "6", "--predictor", predictor, "--reader", "pread", "--work",
                dir.resolve("work-" + preset).toString(), "--json", json.toString(), "--quiet");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("ripple bench (decoder)"), run.out());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertEquals("decoder", j.path("kind").asText());
        List<String> names = new ArrayList<>();
        for (JsonNode s : j.path("strategies")) {
            names.add(s.path("name").asText());
            assertEquals(4 * 5, s.path("decode").path("tokens").asInt(), "4 prompts x 5 decode steps after the first token");
            assertTrue(s.path("prefill").path("tokensPerSecond").asDouble() > 0);
            assertTrue(s.path("decode").path("tokensPerSecond").asDouble() > 0);
            assertTrue(s.path("decode").path("ioMsPerToken").path("p99").asDouble() > 0);
            if (predictor.equals("oracle")) {
                // The exact active sets: sparse generation from flash is the dense model, token for token.
                assertEquals(1.0, s.path("agreement").asDouble(), s.path("name") + " with the oracle: " + s);
                assertTrue(s.path("logitError").asDouble() < 1e-4, s.path("name") + " with the oracle: " + s);
            } else {
                assertTrue(s.path("agreement").asDouble() > 0.5, s.path("name") + " agrees with the dense model: " + s);
            }
        }
        assertEquals(List.of("naive", "llm-in-a-flash", "powerinfer", "ripple", "ripple+"), names);
        double naive = j.path("strategies").get(0).path("decode").path("readsPerToken").asDouble();
        double ripplePlus = j.path("strategies").get(4).path("decode").path("readsPerToken").asDouble();
        assertTrue(ripplePlus < naive, "ripple+ reads " + ripplePlus + " per token, naive " + naive);
    }
}
