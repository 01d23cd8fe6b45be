package dev.ripple.core.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.RandomModels;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file written by format 1.0's writer (commit 7f5393c, before block-quantized types: a gated
 * f16 model of {@code RandomModels.model(20261206, 2, 8, 12, SILU, gated, F16)}) still reads, and
 * this writer, given the same contents, writes the same bytes.
 */
class OlderVersionTest {
    @TempDir
    Path dir;

    @Test
    void aVersion10FileReadsAsItWasWritten() throws Exception {
        Path fixture = dir.resolve("v1_0.ripple");
        try (var in = getClass().getResourceAsStream("v1_0-gated-f16.ripple")) {
            Files.copy(in, fixture);
        }
        RippleContents c = RandomModels.model(20261206L, 2, 8, 12, Activation.SILU, true, DType.F16);
        Path rewritten = dir.resolve("now.ripple");
        RippleFileWriter.write(rewritten, c);
        try (RippleFile old = RippleFile.open(fixture);
                RippleFile now = RippleFile.open(rewritten)) {
            old.verify();
            assertEquals("1.0", old.version());
            assertEquals("1.0", now.version(), "files without block types are still stamped 1.0");
            assertEquals(now.layers().size(), old.layers().size());
            for (int l = 0; l < old.layers().size(); l++) {
                FfnLayerSection a = old.layers().get(l);
                FfnLayerSection b = now.layers().get(l);
                assertEquals(b.spec(), a.spec());
                assertArrayEquals(b.slotToNeuron(), a.slotToNeuron());
                assertArrayEquals(
                        now.mapped()
                                .asSlice(b.bundles().offset(), b.bundles().length())
                                .toArray(ValueLayout.JAVA_BYTE),
                        old.mapped()
                                .asSlice(a.bundles().offset(), a.bundles().length())
                                .toArray(ValueLayout.JAVA_BYTE),
                        "layer " + l + " bundles");
            }
            for (SectionEntry t : now.tensors()) {
                assertArrayEquals(
                        now.tensor(t.name()).orElseThrow().toFloatArray(),
                        old.tensor(t.name()).orElseThrow().toFloatArray(),
                        t.name());
            }
            assertArrayEquals(
                    now.blob("tokenizer.json").orElseThrow(),
                    old.blob("tokenizer.json").orElseThrow());
        }
        assertArrayEquals(
                Files.readAllBytes(fixture),
                Files.readAllBytes(rewritten),
                "a writer change that alters the bytes of a 1.0 file is a format change: give it a new minor version");
    }
}
