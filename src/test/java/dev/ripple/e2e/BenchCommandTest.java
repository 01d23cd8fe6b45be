package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.bench.cli.UnpackedDefaultModel;
import dev.ripple.bench.harness.PassStart;
import dev.ripple.cache.CachePolicies;
import dev.ripple.io.device.EmulatedReader;
import dev.ripple.io.device.UfsPresets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ripple bench}, scaled down, on the real model: every strategy replays the same tokens with
 * direct I/O, decode-like and prefill-like, and embeds the same passages with the Java encoder;
 * the JSON holds every figure the issue lists. One run serves both tests: the bundle types of
 * {@code --dtypes} are compared on the same placements, so profiling and placing the model once
 * is enough.
 */
class BenchCommandTest {
    @TempDir
    static Path dir;

    static RippleRun run;
    static JsonNode doc;

    @BeforeAll
    static void bench() throws Exception {
        Path json = dir.resolve("bench.json");
        Path device = dir.resolve("ufs40.json");
        Files.writeString(
                device,
                UfsPresets.ufs40()
                        .toJson()); // a fixed profile: collapse decisions do not depend on this machine's load
        UnpackedDefaultModel.linkInto(dir);
        run = RippleRun.succeeds(
                "bench",
                "--work",
                dir.toString(),
                // 1000 calibration tokens and 20 replayed ones keep wide margins (2026-12-07): llm-in-a-flash
                // needs 1048 ops per token against ripple's 6.9 (bar: 3x), cosine mean 0.988 (bar 0.97),
                // neurons read 0.40 (bar 0.05-0.85); 2000 and 40 gave 1052 vs 16.4, 0.992 and 0.39
                "--calibration-tokens",
                "1000",
                "--tokens",
                "20",
                "--sentences",
                "4",
                "--budgets",
                "0.05,0.3",
                "--sweep-tokens",
                "10",
                "--device",
                device.toString(),
                "--compare-policies",
                "--dtypes",
                "f32,q8_0,q4_0",
                "--json",
                json.toString(),
                "--quiet");
        doc = new ObjectMapper().readTree(json.toFile());
    }

    @Test
    void strategiesReplayTheSameTokensAndCoActivationPlacementNeedsFarFewerReads() throws Exception {
        PassStart start = EmulatedReader.readsFromDram(dir.resolve("bench-rippleplus.ripple"))
                ? PassStart.KEPT
                : PassStart.BYPASSED;
        assertEquals(
                start.label(),
                doc.path("passStart").asText(),
                "under --device the direct reader is replaced by DRAM reads when the file fits, else bypasses the cache");
        assertTrue(
                run.out()
                        .contains(
                                start == PassStart.KEPT
                                        ? "I/O: pread (direct asked for; the file fits in memory, so the emulated"
                                                + " device's real reads came from DRAM"
                                        : "I/O: direct reads (" + start.describe() + "), queue depth"),
                "the output states the I/O mode: " + run.out());
        assertTrue(
                run.out().contains("(MiB/s = needed bytes (cache misses) / I/O time;"),
                "the legend says what the MiB/s column divides: " + run.out());
        if (start == PassStart.KEPT) {
            assertEquals("pread", doc.path("reader").asText(), "the JSON names the reader that ran: " + doc);
            assertEquals("direct", doc.path("readerAsked").asText(), doc.toString());
        }
        assertTrue(
                run.out()
                        .contains("emulated ufs-4.0: real reads "
                                + (start == PassStart.KEPT ? "from DRAM" : "from the disk")),
                "the output says where the real reads came from: " + run.out());
        for (JsonNode s : doc.path("strategies")) {
            assertTrue(
                    s.path("realReads").asText().startsWith(start == PassStart.KEPT ? "from DRAM" : "from the disk"),
                    s.toString());
        }
        assertEquals(
                UfsPresets.ufs40().sequentialMiBps(),
                doc.path("device").path("sequentialMiBps").asDouble());
        double ort = doc.path("onnxRuntimeDenseMsPerSentence").asDouble();
        double javaMs = doc.path("javaSparseMsPerSentence").asDouble();
        assertTrue(ort > 0 && javaMs > 0, "compute peer and our forward are timed: " + ort + ", " + javaMs);
        double dense = doc.path("javaDenseMsPerSentence").asDouble();
        double denseFlash = doc.path("javaDenseFromFlashMsPerSentence").asDouble();
        assertTrue(
                dense > 0 && denseFlash > 0,
                "the dense Java forward is timed in DRAM and from flash: " + dense + ", " + denseFlash);
        assertTrue(
                doc.path("javaDenseCosineMean").asDouble() > 0.9999,
                "dense in DRAM is ONNX Runtime's forward up to rounding: " + doc.path("javaDenseCosineMean"));
        assertEquals(4, doc.path("sentences").asInt());
        for (String plot : new String[] {"bench-latency.png", "bench-budget.png", "bench-bandwidth.png"}) {
            assertTrue(Files.size(dir.resolve(plot)) > 1000, plot);
        }
        assertEquals(2 * 5, doc.path("budgetSweep").size());
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode s : doc.path("strategies")) {
            byName.put(s.path("name").asText(), s);
            for (String key : new String[] {"mean", "p50", "p90", "p99"}) {
                assertTrue(s.path("ioMsPerToken").path(key).asDouble() > 0, s.toString());
            }
            assertTrue(
                    s.path("opsPerToken").asDouble() > 0
                            && s.path("bytesPerToken").asDouble() > 0,
                    s.toString());
            assertTrue(
                    s.path("effectiveMiBps").asDouble() > 0
                            && s.path("tokensPerSecond").asDouble() > 0,
                    s.toString());
            double fraction = s.path("neuronsReadFraction").asDouble();
            assertTrue(
                    fraction > 0.05 && fraction < 0.85, "the predictor reads a part of MiniLM's neurons: " + fraction);
            // the low-rank predictor with fill-in, as in the demo; the same for every strategy up to summation order
            assertTrue(
                    s.path("cosine").path("mean").asDouble() > 0.97,
                    s.path("cosine").toString());
            assertTrue(s.path("cosine").path("min").asDouble()
                    <= s.path("cosine").path("mean").asDouble());
            for (String preset : new String[] {"ufs-3.1", "ufs-4.0"}) {
                assertTrue(s.path("projectedIoMsPerToken").path(preset).asDouble() > 0, s.toString());
            }
            JsonNode prefill = s.path("prefill");
            assertTrue(prefill.path("opsPerSentence").asDouble() > 0, prefill.toString());
            assertTrue(
                    prefill.path("unionFraction").asDouble() >= fraction, "a passage's union holds each token's set");
        }
        assertEquals(5, byName.size());
        double flashOps = byName.get("llm-in-a-flash").path("opsPerToken").asDouble();
        double rippleOps = byName.get("ripple").path("opsPerToken").asDouble();
        assertTrue(
                flashOps / rippleOps > 3,
                "co-activation placement with collapse: " + flashOps + " vs " + rippleOps + " ops");
        assertEquals(0.0, byName.get("naive").path("cacheHitRate").asDouble());
        assertTrue(
                byName.get("ripple")
                                .path("projectedIoMsPerToken")
                                .path("ufs-4.0")
                                .asDouble()
                        < byName.get("llm-in-a-flash")
                                .path("projectedIoMsPerToken")
                                .path("ufs-4.0")
                                .asDouble(),
                "fewer, larger reads cost less on the phone preset");
        assertEquals(CachePolicies.names().size(), doc.path("cachePolicies").size());
        for (JsonNode p : doc.path("cachePolicies")) {
            assertTrue(p.path("ioMsPerToken").path("mean").asDouble() > 0, p.toString());
        }
    }

    /**
     * {@code --dtypes} on the real model: the ripple+ placement in f32, Q8_0 and Q4_0 at one cache
     * budget. Q8_0 keeps the dense encoder within a cosine of 0.999 of ONNX Runtime (the issue's
     * bar); Q4_0 loses more; each narrower type reads fewer bytes of the needed bundles per token.
     */
    @Test
    void bundleTypesSideBySideOnTheRealModel() throws Exception {
        assertTrue(run.out().contains("Bundle types"), run.out());
        JsonNode types = doc.path("dtypes").path("types");
        assertEquals(3, types.size());
        JsonNode f32 = types.get(0);
        JsonNode q8 = types.get(1);
        JsonNode q4 = types.get(2);
        assertTrue(f32.path("denseCosine").path("mean").asDouble() > 0.99999, f32.toString());
        double c8 = q8.path("denseCosine").path("mean").asDouble();
        double c4 = q4.path("denseCosine").path("mean").asDouble();
        assertTrue(c8 >= 0.999, "Q8_0 bundles, dense: mean cosine " + c8);
        assertTrue(c4 < c8, "Q4_0 rounds more than Q8_0: " + c4 + " against " + c8);
        double e8 = q8.path("storageError").path("down").asDouble();
        assertTrue(e8 > 0.001 && e8 < 0.02, "Q8_0 down columns: relative RMS error " + e8);
        BundleBytes.narrowerReadsLess(types);
        // each type's file is decided on its own: a narrower file may fit in DRAM where f32's does not
        for (JsonNode type : types) {
            Path file = dir.resolve("bench-ripplePlus-" + type.path("dtype").asText() + ".ripple");
            PassStart expected = EmulatedReader.readsFromDram(file) ? PassStart.KEPT : PassStart.BYPASSED;
            assertEquals(expected.label(), type.path("passStart").asText(), type.toString());
        }
    }
}
