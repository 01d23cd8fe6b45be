package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.io.device.UfsPresets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ripple policies}, scaled down, on the real model. Timing is never asserted (the machine is
 * shared); what is asserted holds by construction: the runtime reads only the misses, planned among
 * themselves, and every read of that plan lies inside a read of the plan over all needed bundles
 * (its gaps are at least as wide), so no cache can cost more bytes than no cache. It may cost more
 * operations: a run of hits splits a read where skipping it is cheaper on the device.
 */
class PoliciesCommandTest {
    @TempDir
    Path dir;

    @Test
    @Tag("slow") // 31-45 s on the shared 2-core machine: five policies x two rounds plus profiling
    void everyPolicyReplaysTheSameTokensAndNoCacheAddsBytes() throws Exception {
        Path json = dir.resolve("policies.json");
        Path device = dir.resolve("ufs40.json");
        Files.writeString(
                device,
                UfsPresets.ufs40()
                        .toJson()); // a fixed profile: collapse decisions do not depend on this machine's load
        RippleRun run = RippleRun.succeeds(
                "policies",
                "--work",
                dir.toString(),
                "--calibration-tokens",
                "1000",
                "--tokens",
                "30",
                "--repeats",
                "2",
                "--device",
                device.toString(),
                "--json",
                json.toString(),
                "--quiet");
        assertTrue(run.out().contains("linking vs best of lru/s3fifo/lfu"), run.out());
        assertTrue(run.out().strip().endsWith("json: " + json), "the report names its JSON file last: " + run.out());
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertEquals("act > 0.5", doc.path("rule").asText());
        assertEquals(30, doc.path("tokens").asInt());
        assertEquals(2, doc.path("repeats").asInt());
        assertTrue(
                doc.path("neededShare").asDouble() > 0
                        && doc.path("neededShare").asDouble() < 0.2,
                doc.toString());
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode p : doc.path("policies")) {
            byName.put(p.path("name").asText(), p);
            assertEquals(2, p.path("ioMsPerTokenRuns").size(), p.toString());
            double min = p.path("ioMsPerTokenMin").asDouble();
            double median = p.path("ioMsPerTokenMedian").asDouble();
            double max = p.path("ioMsPerTokenMax").asDouble();
            assertTrue(0 < min && min <= median && median <= max, p.toString());
            assertTrue(
                    p.path("p50").asDouble() <= p.path("p90").asDouble()
                            && p.path("p90").asDouble() <= p.path("p99").asDouble(),
                    p.toString());
            assertTrue(p.path("hitRate").asDouble() >= 0 && p.path("hitRate").asDouble() <= 1, p.toString());
            assertTrue(p.path("modelledMsPerToken").asDouble() > 0, p.toString());
        }
        assertEquals(Set.of("none", "lru", "s3fifo", "lfu", "linking"), byName.keySet());
        JsonNode none = byName.get("none");
        assertEquals(0.0, none.path("hitRate").asDouble());
        for (JsonNode p : byName.values()) {
            assertTrue(
                    p.path("kibPerToken").asDouble() <= none.path("kibPerToken").asDouble(), "misses only: " + p);
        }
        JsonNode verdict = doc.path("verdict");
        assertTrue(
                List.of("lru", "s3fifo", "lfu").contains(verdict.path("rival").asText()), verdict.toString());
        assertTrue(
                verdict.path("timeRatio").asDouble() > 0
                        && verdict.path("modelledRatio").asDouble() > 0,
                verdict.toString());
        assertTrue(verdict.path("text").asText().startsWith("linking vs best of"), verdict.toString());
    }

    @Test
    void badOptionsGiveOneLineErrors() {
        RippleRun run = RippleRun.inProcess("policies", "--policies", "lru,bogus", "--work", dir.toString(), "--quiet");
        assertTrue(run.refusal().startsWith("ripple: unknown cache policy 'bogus'"), run.err());
    }
}
