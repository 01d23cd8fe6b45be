package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ripple decode-speed} on small generated models of both families: the same f32 weights run
 * in Java and in ONNX Runtime, each deciding its greedy tokens alone, give the same continuation;
 * the report carries both speeds, the weight bytes and the bandwidth of its roofline, consistently.
 */
class DecodeSpeedCommandTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tiny-opt", "tiny-llama"})
    void javaAndOnnxRuntimeDecodeTheSameTokens(String preset) throws Exception {
        Path model = dir.resolve(preset);
        RippleRun.succeeds(
                "synth", "--preset", preset, "--dtype", "f32", "--tokenizer", "none", "--out", model.toString());
        Path json = dir.resolve("speed.json");
        Path work = dir.resolve("work");
        RippleRun run = decodeSpeed(model, work, 6, 12, 8, "--json", json.toString());
        assertTrue(run.out().contains("java / onnxruntime"), run.out());
        assertTrue(Files.exists(work.resolve("model.ripple")) && Files.exists(work.resolve("model.onnx")));
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertEquals("decode-speed", j.path("kind").asText());
        assertEquals(12, j.path("decodeSteps").asInt());
        assertEquals(8L << 20, j.path("memoryBandwidth").path("arrayBytes").asLong());
        assertEquals(j.path("javaTokens"), j.path("onnxRuntimeTokens"), "greedy continuations: " + j);
        assertEquals(12, j.path("agreeingTokens").asInt());
        long weights = j.path("weightBytesPerToken").asLong();
        assertEquals(
                j.path("residentBytesPerToken").asLong()
                        + j.path("ffnBytesPerToken").asLong(),
                weights);
        assertTrue(j.path("ffnBytesPerToken").asLong() > 0
                && j.path("residentBytesPerToken").asLong() > 0);
        double bw = j.path("memoryBandwidthGBs").asDouble();
        assertTrue(bw > 0 && bw >= j.path("memoryBandwidth").path("triadGBs").asDouble(), j.toString());
        assertEquals(bw * 1e9 / weights, j.path("rooflineTokensPerSecond").asDouble(), 1e-6 * bw * 1e9 / weights);
        double java = j.path("javaTokensPerSecond").asDouble();
        double ort = j.path("onnxRuntimeTokensPerSecond").asDouble();
        assertTrue(java > 0 && ort > 0, j.toString());
        assertEquals(java / ort, j.path("javaOverOnnxRuntime").asDouble(), 1e-9 * java / ort);
        assertEquals(
                java / j.path("rooflineTokensPerSecond").asDouble(),
                j.path("javaRooflineFraction").asDouble(),
                1e-9);

        // The files are reused: a second run does not rewrite them.
        long modified = Files.getLastModifiedTime(work.resolve("model.ripple")).toMillis();
        decodeSpeed(model, work, 4, 2, 4);
        assertEquals(
                modified,
                Files.getLastModifiedTime(work.resolve("model.ripple")).toMillis());
    }

    /** One round of {@code ripple decode-speed}, which must succeed. */
    private static RippleRun decodeSpeed(
            Path model, Path work, int promptTokens, int steps, int bandwidthMib, String... options) {
        List<String> args = new ArrayList<>(List.of(
                "decode-speed",
                "--model",
                model.toString(),
                "--work",
                work.toString(),
                "--prompt-tokens",
                Integer.toString(promptTokens),
                "--steps",
                Integer.toString(steps),
                "--rounds",
                "1",
                "--bandwidth-mib",
                Integer.toString(bandwidthMib)));
        args.addAll(List.of(options));
        return RippleRun.succeeds(args.toArray(String[]::new));
    }
}
