package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.format.SectionEntry;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.RandomModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ripple inspect} on files written by the writer, as a user runs it (a child JVM). */
class InspectCommandTest {
    @TempDir
    Path dir;

    Path model;

    @BeforeEach
    void writeModel() throws Exception {
        model = dir.resolve("model.ripple");
        RippleFileWriter.write(model, RandomModels.model(7, 3, 16, 64, Activation.GELU, false, DType.F16));
    }

    @Test
    void describesLayersDimsActivationDtypeBundlesAndProvenance() throws Exception {
        RippleRun run = RippleRun.succeeds("inspect", model.toString(), "--verify");
        assertTrue(run.out().contains("gelu"), run.out());
        assertTrue(run.out().matches("(?s).*\\n0\\s+16\\s+64\\s+gelu\\s+no\\s+f16\\s+66\\s.*"), run.out());
        assertTrue(run.out().contains("placement {algorithm random}"), run.out());
        assertTrue(run.out().contains("checksums:        OK"), run.out());
        assertEquals("", run.err());
    }

    @Test
    void jsonReportHoldsEveryLayerAndSection() throws Exception {
        RippleRun run = RippleRun.succeeds("inspect", "--json", model.toString());
        JsonNode doc = new ObjectMapper().readTree(run.out());
        assertEquals(3, doc.path("layers").size());
        assertEquals(66, doc.path("layers").get(2).path("bundleBytes").asInt());
        assertEquals("gelu", doc.path("layers").get(0).path("activation").asText());
        try (RippleFile f = RippleFile.open(model)) {
            assertEquals(f.sections().size(), doc.path("sections").size());
        }
    }

    @Test
    void flippedByteInALayerSectionFailsVerifyWithOneLineNamingTheSection() throws Exception {
        SectionEntry bundles;
        try (RippleFile f = RippleFile.open(model)) {
            bundles = f.section("ffn.1.bundles").orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(model);
        bytes[(int) bundles.offset() + 100] ^= 0x04;
        Path damaged = dir.resolve("damaged.ripple");
        Files.write(damaged, bytes);

        RippleRun plain = RippleRun.childJvm("inspect", damaged.toString());
        assertEquals(0, plain.exit(), "without --verify the bundles are not read: " + plain.err());

        RippleRun run = RippleRun.childJvm("inspect", "--verify", damaged.toString());
        assertEquals(1, run.exit());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("ripple: " + damaged), run.err());
        assertTrue(run.err().contains("ffn.1.bundles"), run.err());
        assertTrue(run.err().contains("checksum mismatch"), run.err());
    }

    @Test
    void missingForeignAndUnknownOptionEachGiveOneLineAndNonZeroExit() throws Exception {
        Path foreign = Files.writeString(dir.resolve("notes.txt"), "hello\n".repeat(100));
        RippleRun missing =
                RippleRun.childJvm("inspect", dir.resolve("absent.ripple").toString());
        RippleRun notRipple = RippleRun.childJvm("inspect", foreign.toString());
        RippleRun unknown = RippleRun.childJvm("inspect", "--frobnicate", model.toString());
        assertEquals(2, missing.exit(), "a missing input is refused as the command line is read");
        assertTrue(
                missing.err().startsWith("ripple: ")
                        && missing.err().contains(dir.resolve("absent.ripple") + ": no such file"),
                missing.err());
        assertEquals(1, notRipple.exit());
        assertTrue(notRipple.err().contains("not a .ripple file"), notRipple.err());
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("--frobnicate"), unknown.err());
        for (RippleRun r : new RippleRun[] {missing, notRipple, unknown}) {
            assertEquals(1, r.err().lines().count(), r.err());
            assertEquals("", r.out());
        }
    }
}
