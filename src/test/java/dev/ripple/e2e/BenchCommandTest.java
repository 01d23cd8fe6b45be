package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.io.device.UfsPresets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ripple bench}, scaled down, on the real model: every strategy replays the same tokens with direct I/O. */
class BenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void strategiesReplayTheSameTokensAndCoActivationPlacementNeedsFarFewerReads() throws Exception {
        Path json = dir.resolve("bench.json");
        Path device = dir.resolve("ufs40.json");
        UfsPresets.ufs40().write(device); // a fixed profile: collapse decisions do not depend on this machine's load
        RippleRun run = RippleRun.inProcess("bench", "--work", dir.toString(), "--calibration-tokens", "2000", "--tokens", "40",
                "--device", device.toString(), "--compare-policies", "--json", json.toString(), "--quiet");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("O_DIRECT"), "the output states the I/O mode: " + run.out());
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertEquals(UfsPresets.ufs40().sequentialMiBps(), doc.path("device").path("sequentialMiBps").asDouble());
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode s : doc.path("strategies")) {
            byName.put(s.path("name").asText(), s);
            for (String key : new String[] {"mean", "p50", "p90", "p99"}) {
                assertTrue(s.path("ioMsPerToken").path(key).asDouble() > 0, s.toString());
            }
            assertTrue(s.path("opsPerToken").asDouble() > 0 && s.path("bytesPerToken").asDouble() > 0, s.toString());
        }
        assertEquals(5, byName.size());
        double flashOps = byName.get("llm-in-a-flash").path("opsPerToken").asDouble();
        double rippleOps = byName.get("ripple").path("opsPerToken").asDouble();
        assertTrue(flashOps / rippleOps > 3, "co-activation placement with collapse: " + flashOps + " vs " + rippleOps + " ops");
        assertEquals(0.0, byName.get("naive").path("cacheHitRate").asDouble());
        assertEquals(dev.ripple.cache.CachePolicies.names().size(), doc.path("cachePolicies").size());
        for (JsonNode p : doc.path("cachePolicies")) {
            assertTrue(p.path("ioMsPerToken").path("mean").asDouble() > 0, p.toString());
        }
    }
}
