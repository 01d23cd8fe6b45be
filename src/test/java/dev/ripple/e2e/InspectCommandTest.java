package dev.ripple.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    /**
     * An array of a few values is printed as its values (a per-layer threshold, the architectures),
     * a long one as its first values with the count, and one of objects as the count: "[1]" told a
     * reader how many thresholds there were, not what they were.
     */
    @Test
    void shortArraysShowTheirValuesLongOnesTheirFirstOfTheCount() throws Exception {
        ObjectNode arch = JsonNodeFactory.instance.objectNode().put("type", "test");
        arch.putArray("architectures").add("TestForCausalLM");
        ArrayNode longFactor = arch.putObject("rope").putArray("longFactor");
        for (int i = 0; i < 24; i++) {
            longFactor.add(i + 0.5);
        }
        ArrayNode layers = arch.putArray("layers");
        for (int i = 0; i < 3; i++) {
            layers.addObject().put("query", "layers." + i + ".q");
        }
        arch.putArray("stopIds");
        ObjectNode prov = JsonNodeFactory.instance.objectNode();
        prov.putObject("activityRule")
                .put("rule", "act > 0.1,0.2,0.3")
                .putArray("thresholds")
                .add(0.1)
                .add(0.2)
                .add(0.3);
        Path file = dir.resolve("arrays.ripple");
        RippleFileWriter.write(
                file,
                RandomModels.model(7, 3, 16, 64, Activation.GELU, false, DType.F16)
                        .architecture(arch)
                        .provenance(prov));

        String out = RippleRun.succeeds("inspect", file.toString()).out();
        assertTrue(
                out.contains(
                        "architecture: type test, architectures [TestForCausalLM], rope {longFactor [first 8 of 24:"
                                + " 0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, …]}, layers [3 objects], stopIds []\n"),
                out);
        assertTrue(out.contains("activityRule {rule act > 0.1,0.2,0.3, thresholds [0.1, 0.2, 0.3]}"), out);
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
