package dev.ripple.placement.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which recorded model names {@link TraceSource} trusts, and the checkpoint name it compares them with. */
class TraceSourceTest {
    @TempDir
    Path dir;

    @Test
    void anImportNamesItsCheckpoint() {
        assertEquals(Optional.of("tiny-opt"), TraceSource.importedCheckpoint("tiny-opt-f16-identity.ripple"));
        assertEquals(Optional.of("tiny"), TraceSource.importedCheckpoint("work/tiny-q4_0-identity.ripple"));
    }

    @Test
    void otherRecordedNamesSayNothing() {
        assertEquals(Optional.empty(), TraceSource.importedCheckpoint("opt.ripple"));
        assertEquals(Optional.empty(), TraceSource.importedCheckpoint("model.onnx"));
        assertEquals(Optional.empty(), TraceSource.importedCheckpoint(null));
    }

    @Test
    void aCheckpointIsNamedAsItsImportWouldBe() throws Exception {
        Path ckpt = Files.createDirectories(dir.resolve("tiny-opt"));
        Path gguf = Files.writeString(dir.resolve("tiny.gguf"), "x");
        Path ripple = Files.writeString(dir.resolve("m.ripple"), "x");
        assertEquals(Optional.of("tiny-opt"), TraceSource.checkpointName(ckpt));
        assertEquals(Optional.of("tiny"), TraceSource.checkpointName(gguf));
        assertEquals(Optional.empty(), TraceSource.checkpointName(ripple), "a .ripple file is compared by shape only");
    }
}
