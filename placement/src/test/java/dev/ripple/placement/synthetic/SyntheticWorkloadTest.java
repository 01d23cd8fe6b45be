package dev.ripple.placement.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.format.FfnLayerSection;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.tensor.DType;
import dev.ripple.placement.trace.ActivationTrace;
import dev.ripple.placement.trace.TraceFiles;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Synthetic workloads: the activity asked for, the structure placement feeds on, the files written. */
class SyntheticWorkloadTest {
    @TempDir
    Path dir;

    @Test
    void tracesHaveTheActivityAndStructureAskedForAndAreDeterministic() {
        SyntheticWorkload.Spec spec = SyntheticWorkload.Spec.tiny(2);
        WorkloadShape shape = WorkloadShape.of(spec);
        assertTrue(Math.abs(shape.activeFraction() - 0.05) < 0.01, "activity " + shape.activeFraction());
        double identity = shape.meanReadLength().get("identity");
        double ripple = shape.meanReadLength().get("ripple");
        assertTrue(identity < 1.2, "the original order carries no structure: " + identity);
        assertTrue(ripple > 1.8 * identity, "co-activation placement finds the clusters: " + shape.meanReadLength());
        assertTrue(shape.windowReuse() > 0.5, "consecutive tokens share their clusters: " + shape.windowReuse());
        assertTrue(shape.hottestTenthShare() > 0.3, "a power law of popularity: " + shape.hottestTenthShare());
        ActivationTrace a = SyntheticWorkload.trace(spec, 1, 50);
        ActivationTrace b = SyntheticWorkload.trace(spec, 1, 50);
        ActivationTrace other = SyntheticWorkload.trace(spec, 0, 50);
        assertEquals(a.active(1, 49), b.active(1, 49));
        assertTrue(!a.active(0, 10).equals(other.active(0, 10)), "calibration and held-out are different streams");
        assertTrue(a.info().model().contains("synthetic workload"), a.info().model());
        assertThrows(
                IllegalArgumentException.class, () -> spec.withActiveFraction(0.005)); // hot neurons alone exceed it
    }

    /** A damaged workload.json is one line naming the file and the problem, not Jackson's class names and sources. */
    @Test
    void aBrokenSpecFileIsNamedWithItsProblem() throws Exception {
        Path file = Files.createDirectories(dir.resolve("broken")).resolve(SyntheticWorkload.SPEC_FILE);
        for (String[] broken : new String[][] {
            {"{", "the JSON ends before it is complete (a truncated file?) (line 1, column 2)"},
            {"{\"x\":1}", "missing field 'name' (line 1, column 7)"},
            {"{\"name\":\"w\"}", "missing field 'layers' (line 1, column 12)"},
            // an enum's value is named with the values it takes, not as "must be an object, not a string"
            {
                "{\"name\":\"w\",\"dtype\":\"f99\"}",
                "field 'dtype' must be one of BYTES, F32, F16, BF16, I32, Q8_0, Q4_0, not \"f99\" (line 1, column 21)"
            },
            {
                "{\"name\":\"w\",\"dtype\":99}",
                "field 'dtype' must be one of BYTES, F32, F16, BF16, I32, Q8_0, Q4_0, not 99"
            },
        }) {
            Files.writeString(file, broken[0]);
            IOException e = assertThrows(IOException.class, () -> SyntheticWorkload.read(file.getParent()));
            String m = e.getMessage();
            assertTrue(m.startsWith(file + ": not a valid workload spec: ") && m.contains(broken[1]), m);
            assertTrue(!m.contains("Source:") && !m.contains("dev.ripple") && !m.contains("\n"), m);
        }
    }

    @Test
    void aWorkloadDirectoryHoldsTheSpecTheTracesAndAnFfnOnlyModelFile() throws Exception {
        SyntheticWorkload.Spec spec = SyntheticWorkload.Spec.tiny(2).withTokens(80, 20);
        Path w = dir.resolve("w");
        SyntheticWorkload.write(spec, w, l -> {});
        assertTrue(SyntheticWorkload.isWorkload(w));
        assertEquals(spec, SyntheticWorkload.read(w));
        assertEquals(
                80,
                TraceFiles.read(w.resolve(SyntheticWorkload.CALIBRATION_TRACE)).tokens(0));
        assertEquals(
                20, TraceFiles.read(w.resolve(SyntheticWorkload.HELD_OUT_TRACE)).tokens(1));
        try (RippleFile f = RippleFile.open(w.resolve(SyntheticWorkload.MODEL_FILE))) {
            assertEquals(2, f.layers().size());
            FfnLayerSection l = f.layers().get(1);
            assertEquals(64, l.spec().dModel());
            assertEquals(1024, l.spec().dFfn());
            assertEquals(DType.F16, l.spec().dtype());
            assertEquals((2 * 64 + 1) * 2, l.spec().bundleBytes());
            assertEquals(
                    "synthetic workload",
                    f.architecture().path("ripple_synthetic").path("label").asText());
        }
        // another placement's file holds each neuron's same bundle, in its slot
        int[][] reversed = new int[2][1024];
        for (int i = 0; i < 1024; i++) {
            reversed[0][i] = 1023 - i;
            reversed[1][i] = 1023 - i;
        }
        Path placed = dir.resolve("placed.ripple");
        SyntheticWorkload.writeModel(spec, placed, reversed, "reversed", l -> {});
        try (RippleFile a = RippleFile.open(w.resolve(SyntheticWorkload.MODEL_FILE));
                RippleFile b = RippleFile.open(placed)) {
            int bytes = a.layers().get(0).spec().bundleBytes();
            byte[] first =
                    a.mapped().asSlice(a.layers().get(0).bundleOffset(5), bytes).toArray(ValueLayout.JAVA_BYTE);
            byte[] moved = b.mapped()
                    .asSlice(b.layers().get(0).bundleOffset(1018), bytes)
                    .toArray(ValueLayout.JAVA_BYTE);
            assertArrayEquals(first, moved, "neuron 5 sits in slot 1018 of the reversed file");
        }
    }
}
