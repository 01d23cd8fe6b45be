package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
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
        Path ripple = work.resolve(preset + "-f32-identity.ripple");
        assertTrue(Files.exists(ripple) && Files.exists(work.resolve(preset + "-f32-identity.onnx")));
        assertTrue(run.out().contains("generated weights"), run.out());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertEquals("decode-speed", j.path("kind").asText());
        JsonNode ran = j.path("run"); // what every --json report says of its run
        assertTrue(ran.path("command").asText().startsWith("ripple decode-speed --model " + model), ran.toString());
        assertTrue(ran.path("cores").asInt() > 0 && ran.path("java").asText().startsWith("25"), ran.toString());
        assertTrue(
                !Instant.parse(ran.path("writtenAt").asText())
                        .isBefore(Instant.parse(ran.path("startedAt").asText())),
                ran.toString());
        assertTrue(ran.has("loadAverageAtStart") && ran.has("loadAverageAtEnd") && ran.has("host"), ran.toString());
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
        long modified = Files.getLastModifiedTime(ripple).toMillis();
        decodeSpeed(model, work, 4, 2, 4);
        assertEquals(modified, Files.getLastModifiedTime(ripple).toMillis());
    }

    /**
     * Two checkpoints of one name share a work directory, and each is measured on its own weights.
     * The import used to be WORK/model.ripple whatever the model, reused whenever it was there: the
     * second checkpoint was measured on the first one's weights and graph.
     */
    @Test
    void aSharedWorkDirectoryServesEachCheckpointItsOwnWeights() throws Exception {
        Path opt = dir.resolve("a").resolve("m");
        Path llama = dir.resolve("b").resolve("m");
        RippleRun.succeeds(
                "synth", "--preset", "tiny-opt", "--dtype", "f32", "--tokenizer", "none", "--out", opt.toString());
        RippleRun.succeeds(
                "synth", "--preset", "tiny-llama", "--dtype", "f32", "--tokenizer", "none", "--out", llama.toString());
        Path work = dir.resolve("shared");
        Path optJson = dir.resolve("opt.json");
        Path llamaJson = dir.resolve("llama.json");
        Path llamaAloneJson = dir.resolve("llama-alone.json");
        decodeSpeed(opt, work, 4, 2, 4, "--json", optJson.toString());
        decodeSpeed(llama, work, 4, 2, 4, "--json", llamaJson.toString());
        decodeSpeed(llama, dir.resolve("alone"), 4, 2, 4, "--json", llamaAloneJson.toString());
        ObjectMapper json = new ObjectMapper();
        long optBytes =
                json.readTree(optJson.toFile()).path("weightBytesPerToken").asLong();
        long llamaBytes =
                json.readTree(llamaJson.toFile()).path("weightBytesPerToken").asLong();
        assertNotEquals(optBytes, llamaBytes, "two models of other shapes");
        assertEquals(
                json.readTree(llamaAloneJson.toFile())
                        .path("weightBytesPerToken")
                        .asLong(),
                llamaBytes,
                "the llama checkpoint measured in the shared directory is measured on its own weights");
        assertEquals(
                2,
                json.readTree(llamaJson.toFile()).path("agreeingTokens").asInt(),
                "ONNX Runtime runs the llama's own export: it decodes the Java side's tokens");
    }

    @Test
    void aModelThatIsNoCheckpointDirectoryIsAOneLineError() throws Exception {
        Path file = Files.writeString(dir.resolve("m.ripple"), "x");
        RippleRun run = RippleRun.inProcess("decode-speed", "--model", file.toString(), "--work", dir.toString());
        assertTrue(run.refusal().contains("checkpoint directory"), run.err());
    }

    /**
     * A step count past the model's context is refused naming the options, before the ONNX export:
     * 2147483647 steps wrapped the int context past the session's check and ran out of heap on
     * the token arrays ("out of memory ... -Xmx8g"); --threads 0 was refused by the bandwidth probe
     * in its own terms ("threads and passes >= 1: 67108864, 0, 5").
     */
    @Test
    void stepsPastTheContextAndNoThreadsAreRefusedNamingTheOptions() throws Exception {
        Path model = dir.resolve("tiny-llama");
        RippleRun.succeeds(
                "synth", "--preset", "tiny-llama", "--dtype", "f32", "--tokenizer", "none", "--out", model.toString());
        Path work = dir.resolve("refused-work");
        for (String[] refused : new String[][] {
            {
                "--steps",
                "2147483647",
                "--prompt-tokens 8 and --steps 2147483647 need a context of 2147483655 tokens;"
                        + " tiny-llama takes up to 128"
            },
            {
                "--steps",
                "121",
                "--prompt-tokens 8 and --steps 121 need a context of 129 tokens; tiny-llama takes up to 128"
            },
            {"--threads", "0", "--threads must be at least 1, got 0"}
        }) {
            RippleRun run = RippleRun.inProcess(
                    "decode-speed",
                    "--model",
                    model.toString(),
                    "--work",
                    work.toString(),
                    "--prompt-tokens",
                    "8",
                    refused[0],
                    refused[1]);
            assertEquals(1, run.exit(), run.err());
            assertEquals("ripple: " + refused[2], run.err().strip());
        }
        assertTrue(!Files.exists(work.resolve("tiny-llama-f32-identity.onnx")), "refused before the ONNX export");
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
