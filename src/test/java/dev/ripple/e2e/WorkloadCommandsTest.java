package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.io.reader.ReaderKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A synthetic workload end to end, scaled down: {@code ripple synth --workload} writes it,
 * {@code ripple bench --workload} runs the five strategies on an emulated UFS 4.0 with a budget
 * sweep, {@code ripple policies --workload} compares the cache policies; every output says
 * "synthetic workload" and "emulated".
 */
class WorkloadCommandsTest {
    @TempDir
    Path dir;

    @Test
    void synthBenchAndPoliciesRunOnAWorkloadUnderAnEmulatedPhone() throws Exception {
        Path w = dir.resolve("workload");
        RippleRun synth = DecoderSteps.synthTinyWorkload(w, 300, 60);
        assertTrue(synth.out().contains("synthetic workload") && synth.out().contains("mean read length"), synth.out());
        // a tiny workload's size in a unit that fits it, not "0.00 GB"
        assertTrue(synth.out().matches("(?s).*bundles of \\d+ B, \\d+\\.\\d (KiB|MiB) of FFN weights;.*"), synth.out());

        Path json = dir.resolve("bench.json");
        RippleRun bench = RippleRun.succeeds(
                "bench",
                "--workload",
                w.toString(),
                "--device",
                "ufs-4.0",
                "--reader",
                "io_uring",
                "--queue-depth",
                "32",
                "--tokens",
                "40",
                "--budgets",
                "0.05,0.2",
                "--sweep-tokens",
                "10",
                "--work",
                dir.toString(),
                "--json",
                json.toString(),
                "--quiet");
        assertTrue(bench.out().contains("[synthetic workload, emulated ufs-4.0]"), bench.out());
        assertTrue(bench.out().contains("EMULATED ufs-4.0"), bench.out());
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        // the tiny workload fits in memory: its real reads come from DRAM and io_uring never runs
        String kept = doc.path("passStart").asText();
        assertTrue(kept.equals("kept") || kept.equals("bypassed"), doc.toString());
        assertFalse(
                kept.equals("kept") && bench.out().contains("O_DIRECT"),
                "no O_DIRECT is claimed when the real reads came from DRAM: " + bench.out());
        assertTrue(
                bench.out()
                        .contains("emulated ufs-4.0: real reads "
                                + (kept.equals("kept") ? "from DRAM" : "from the disk")),
                bench.out());
        assertTrue(
                !kept.equals("kept") || bench.out().contains("I/O: pread (io_uring asked for; the file fits in memory"),
                "the reader asked for is not credited with reads it did not make: " + bench.out());
        assertEquals(
                kept.equals("kept") ? "pread" : ReaderKind.IO_URING.effective().cliName(),
                doc.path("reader").asText(),
                "the JSON names the reader that ran, as the text does: " + doc);
        if (kept.equals("kept")) {
            assertEquals("io_uring", doc.path("readerAsked").asText(), doc.toString());
            assertTrue(doc.path("readerFallback").asText().startsWith("the file fits in memory"), doc.toString());
        }
        assertEquals("synthetic workload", doc.path("label").asText());
        assertTrue(doc.path("device").path("emulated").asBoolean());
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode s : doc.path("strategies")) {
            byName.put(s.path("name").asText(), s);
            assertTrue(s.path("realReads").asText().startsWith("from "), "where the real reads came from: " + s);
            double measured = s.path("ioMsPerToken").path("mean").asDouble();
            double modelled = s.path("modelledIoMsPerToken").asDouble();
            assertTrue(measured >= 0.95 * modelled, "reads take at least the emulated device's time: " + s);
            assertTrue(
                    s.path("ffnMsPerToken").path("mean").asDouble() >= measured,
                    "the FFN's time includes its reads: " + s);
        }
        assertEquals(5, byName.size());
        assertTrue(
                byName.get("ripple").path("opsPerToken").asDouble()
                        < byName.get("naive").path("opsPerToken").asDouble() / 1.5,
                "co-activation placement with collapse needs fewer reads: " + byName);
        assertEquals(2 * 5, doc.path("budgetSweep").size());
        assertTrue(Files.exists(w.resolve("placed-rippleplus.ripple")), "placed files are kept with the workload");

        Path pjson = dir.resolve("policies.json");
        RippleRun policies = RippleRun.succeeds(
                "policies",
                "--workload",
                w.toString(),
                "--device",
                "ufs-4.0",
                "--tokens",
                "30",
                "--repeats",
                "2",
                "--work",
                dir.toString(),
                "--json",
                pjson.toString(),
                "--quiet");
        assertTrue(
                policies.out().contains("linking vs best of lru/s3fifo/lfu")
                        && policies.out().contains("synthetic workload"),
                policies.out());
        JsonNode pdoc = new ObjectMapper().readTree(pjson.toFile());
        assertEquals(5, pdoc.path("policies").size());
        assertTrue(pdoc.path("verdict").path("text").asText().contains("linking"), pdoc.toString());
        assertTrue(pdoc.path("device").path("emulated").asBoolean());
    }
}
