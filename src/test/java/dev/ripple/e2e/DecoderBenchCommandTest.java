package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
    @CsvSource({"tiny-opt, 50272, relu, lowrank, ''", "tiny-llama, 32000, fatrelu, oracle, ufs-4.0"})
    void theStrategiesGenerateSideBySide(String preset, int vocab, String act, String predictor, String device)
            throws Exception {
        Path opt = dir.resolve(preset);
        DecoderSteps.synthClustered(opt, preset, vocab, "--hidden-act", act);
        Path json = dir.resolve("bench.json");
        List<String> args = new ArrayList<>(List.of(
                "bench",
                "--model",
                opt.toString(),
                "--calibration-tokens",
                "1500",
                "--sentences",
                "4",
                "--prompt-tokens",
                "12",
                "--decode-tokens",
                "6",
                "--predictor",
                predictor,
                "--reader",
                "pread",
                "--work",
                dir.resolve("work-" + preset).toString(),
                "--json",
                json.toString(),
                "--quiet"));
        if (!device.isEmpty()) {
            args.addAll(List.of("--device", device));
        }
        RippleRun run = RippleRun.succeeds(args.toArray(String[]::new));
        assertTrue(run.out().contains("ripple bench (decoder)"), run.out());
        assertTrue(run.out().contains(opt + " (generated weights) on "), "a synth model says so: " + run.out());
        assertTrue(run.out().contains("prefill  [generated weights]"), "on each table: " + run.out());
        if (!device.isEmpty()) {
            // an emulated device: said in the output, with the real reads served from DRAM (the file fits)
            assertTrue(run.out().contains("device EMULATED " + device), run.out());
            assertTrue(run.out().contains("emulated " + device + ": real reads from DRAM"), run.out());
        }
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertEquals("decoder", j.path("kind").asText());
        assertEquals("generated", j.path("weights").asText());
        assertEquals(!device.isEmpty(), j.path("emulated").asBoolean());
        // pread through the page cache: the strategies' files are evicted before the generation (or,
        // emulated, kept for the DRAM reads); a warm start is only ever said with its reason
        String start = j.path("passStart").asText();
        if (!device.isEmpty()) {
            assertEquals("kept", start, j.toString());
        } else {
            assertTrue(start.equals("evicted") || start.equals("warm") && j.has("passStartReason"), j.toString());
            assertTrue(run.out().contains("I/O: pread reads (file "), run.out());
        }
        List<String> names = new ArrayList<>();
        for (JsonNode s : j.path("strategies")) {
            names.add(s.path("name").asText());
            if (!device.isEmpty()) {
                assertTrue(s.path("realReads").asText().startsWith("from DRAM"), s.toString());
            } else {
                assertTrue(s.path("realReads").isNull(), s.toString());
            }
            // this JVM does not read ahead (-Dripple.readahead): no read-ahead predictor is named
            assertTrue(s.has("readAhead") && s.path("readAhead").isNull(), s.toString());
            assertEquals(
                    4 * 5, s.path("decode").path("tokens").asInt(), "4 prompts x 5 decode steps after the first token");
            assertTrue(s.path("prefill").path("tokensPerSecond").asDouble() > 0);
            assertTrue(s.path("decode").path("tokensPerSecond").asDouble() > 0);
            assertTrue(s.path("decode").path("ioMsPerToken").path("p99").asDouble() > 0);
            JsonNode d = s.path("decode");
            double ms = d.path("msPerToken").asDouble();
            assertEquals(1000 / d.path("tokensPerSecond").asDouble(), ms, 1e-6 * ms, "time per token: " + d);
            double compute = d.path("computeMsPerToken").asDouble();
            assertTrue(compute > 0 && compute <= ms, "compute is the time per token less the I/O stall: " + d);
            assertTrue(d.has("overlap") && Double.isFinite(d.path("overlap").asDouble()), d.toString());
            if (predictor.equals("oracle")) {
                // The exact active sets: sparse generation from flash is the dense model, token for token.
                assertEquals(1.0, s.path("agreement").asDouble(), s.path("name") + " with the oracle: " + s);
                assertTrue(s.path("logitError").asDouble() < 1e-4, s.path("name") + " with the oracle: " + s);
            } else {
                assertTrue(s.path("agreement").asDouble() > 0.5, s.path("name") + " agrees with the dense model: " + s);
            }
        }
        assertEquals(List.of("naive", "llm-in-a-flash", "powerinfer", "ripple", "ripple+"), names);
        double naive =
                j.path("strategies").get(0).path("decode").path("readsPerToken").asDouble();
        double ripplePlus =
                j.path("strategies").get(4).path("decode").path("readsPerToken").asDouble();
        assertTrue(ripplePlus < naive, "ripple+ reads " + ripplePlus + " per token, naive " + naive);
    }

    /**
     * {@code --dtypes}: the ripple+ placement in f32, Q8_0 and Q4_0 at one cache budget. With the
     * oracle, the dense and sparse rows agree; f32 matches the f32 reference, Q8_0 is closer to it
     * than Q4_0, and the narrower the type the fewer bytes of its needed bundles each token reads.
     */
    @Test
    void bundleTypesSideBySide() throws Exception {
        Path opt = TinyOpt.dir();
        Path json = dir.resolve("types.json");
        RippleRun run = RippleRun.succeeds(DecoderSteps.shortBench(
                opt,
                dir.resolve("work"),
                "--predictor",
                "oracle",
                "--dtypes",
                "f32,q8_0,q4_0",
                "--dram",
                "12MiB",
                "--json",
                json.toString()));
        assertTrue(run.out().contains("Bundle types (generated weights) (ripple+ placement"), run.out());
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        for (JsonNode s : doc.path("strategies")) {
            JsonNode m = s.path("memory");
            long used = m.path("residentBytes").asLong()
                    + m.path("kvCacheBytes").asLong()
                    + m.path("workingBytes").asLong()
                    + m.path("cacheBytes").asLong();
            assertTrue(m.path("workingBytes").asLong() > 0, "the working buffers are counted: " + m);
            if (s.path("cache").asText().equals("none")) {
                assertTrue(used < 12L << 20 && m.path("cacheBytes").asLong() == 0, "no cache: " + m);
            } else {
                assertEquals(12L << 20, used, s.path("name") + ": --dram is split, not exceeded: " + m);
            }
        }
        JsonNode types = doc.path("dtypes").path("types");
        assertEquals(3, types.size());
        JsonNode f32 = types.get(0);
        JsonNode q8 = types.get(1);
        JsonNode q4 = types.get(2);
        assertEquals(
                List.of("f32", "q8_0", "q4_0"),
                List.of(
                        f32.path("dtype").asText(),
                        q8.path("dtype").asText(),
                        q4.path("dtype").asText()));
        assertEquals(0.0, f32.path("storageError").path("down").asDouble());
        assertTrue(f32.path("denseLogitError").asDouble() < 1e-5, "f32 bundles are the reference's: " + f32);
        assertEquals(1.0, f32.path("denseAgreement").asDouble());
        double e8 = q8.path("denseLogitError").asDouble();
        double e4 = q4.path("denseLogitError").asDouble();
        assertTrue(e8 > 0 && e8 < e4 && e4 < 0.5, "q8_0 " + e8 + " closer than q4_0 " + e4);
        assertTrue(q4.path("ffnBytes").asLong() < q8.path("ffnBytes").asLong()
                && q8.path("ffnBytes").asLong() < f32.path("ffnBytes").asLong());
        BundleBytes.narrowerReadsLess(types);
        assertEquals(
                doc.path("strategies").get(4).path("memory").path("cacheBytes").asLong(),
                doc.path("dtypes").path("cacheBytes").asLong(),
                "every type gets the bundle cache --dram leaves");

        RippleRun tiny = RippleRun.inProcess(DecoderSteps.shortBench(opt, dir.resolve("work"), "--dram", "1MiB"));
        assertTrue(tiny.refusal().contains("give at least"), tiny.err());
    }

    /**
     * Prompts and decode steps that need more context than the model holds (tiny-opt: 64) are one
     * line naming both options and the model's context, told once the model is imported and before
     * it is profiled: nothing of the bench is written.
     */
    @Test
    void aContextLongerThanTheModelsIsRefusedBeforeTheProfile() throws Exception {
        Path opt = TinyOpt.dir();
        Path work = dir.resolve("work-long");
        RippleRun run = RippleRun.inProcess(
                "bench",
                "--model",
                opt.toString(),
                "--prompt-tokens",
                "40",
                "--decode-tokens",
                "30",
                "--work",
                work.toString(),
                "--quiet");
        assertEquals(1, run.exit(), run.err());
        assertEquals(
                "ripple: --prompt-tokens 40 and --decode-tokens 30 need a context of 69 tokens; " + opt
                        + " holds 64 (give smaller ones)",
                run.err().strip());
        try (Stream<Path> files = Files.list(work)) {
            assertEquals(
                    List.of(),
                    files.map(f -> f.getFileName().toString())
                            .filter(f -> !f.endsWith("-identity.ripple"))
                            .toList(),
                    "only the import is made before the check");
        }
    }
}
