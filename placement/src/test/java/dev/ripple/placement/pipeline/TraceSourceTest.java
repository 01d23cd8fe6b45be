package dev.ripple.placement.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.placement.CheckpointStamp;
import dev.ripple.placement.trace.ActivationTrace;
import dev.ripple.placement.trace.TraceInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
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

    @Test
    void aRecordedCheckpointIsComparedAsAFile() throws Exception {
        Path ckpt = Files.createDirectories(dir.resolve("a").resolve("opt"));
        Path sameName = Files.createDirectories(dir.resolve("b").resolve("opt"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), ckpt);
        Path weights = Files.writeString(ckpt.resolve("model.safetensors"), "x");
        String recorded = ckpt.toRealPath().toString();
        assertEquals(Optional.of(true), TraceSource.sameCheckpoint(ckpt, recorded));
        assertEquals(Optional.of(true), TraceSource.sameCheckpoint(link, recorded), "through a link");
        assertEquals(Optional.of(true), TraceSource.sameCheckpoint(weights, recorded), "its weights file");
        assertEquals(Optional.of(false), TraceSource.sameCheckpoint(sameName, recorded), "same name, other files");
    }

    @Test
    void whatCannotBeComparedHereFallsBackToNames() throws Exception {
        Path ckpt = Files.createDirectories(dir.resolve("opt"));
        Path ripple = Files.writeString(dir.resolve("m.ripple"), "x");
        assertEquals(Optional.empty(), TraceSource.sameCheckpoint(ckpt, ""), "nothing recorded");
        assertEquals(Optional.empty(), TraceSource.sameCheckpoint(ckpt, "/made/elsewhere/opt"), "not on this machine");
        assertEquals(Optional.empty(), TraceSource.sameCheckpoint(ripple, ckpt.toString()), "no checkpoint placed");
    }

    /** A checkpoint written again in the same place is another model: its trace is refused, with the way round. */
    @Test
    void aCheckpointWrittenAgainSinceTheTraceIsRefused() throws Exception {
        Path ckpt = Files.createDirectories(dir.resolve("opt"));
        Path weights = Files.writeString(ckpt.resolve("model.safetensors"), "old weights");
        Files.writeString(ckpt.resolve("config.json"), "{}");
        ActivationTrace trace = ActivationTrace.builder(
                        new TraceInfo(
                                "opt-f16-identity.ripple",
                                "text",
                                "act > 0",
                                1,
                                ckpt.toRealPath().toString(),
                                CheckpointStamp.of(ckpt)),
                        new int[] {4})
                .build();
        TraceSource.requireRecordedOn(ckpt, trace, "calib.rtrace"); // unchanged: taken
        Files.writeString(ckpt.resolve("held.rtrace"), "a trace written beside the weights");
        Files.writeString(ckpt.resolve("README.md"), "notes");
        TraceSource.requireRecordedOn(ckpt, trace, "calib.rtrace"); // other files do not change the stamp

        FileTime kept = Files.getLastModifiedTime(weights);
        Files.writeString(weights, "new weights"); // the same size, copied with its old time kept (cp -p)
        Files.setLastModifiedTime(weights, kept);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> TraceSource.requireRecordedOn(ckpt, trace, "calib.rtrace"));
        assertTrue(
                e.getMessage()
                        .startsWith("calib.rtrace was recorded on " + ckpt + " before its files were written again"),
                e.getMessage());
        assertTrue(e.getMessage().contains("--trust-trace"), e.getMessage());

        ActivationTrace unstamped = ActivationTrace.builder(
                        new TraceInfo(
                                "opt-f16-identity.ripple",
                                "text",
                                "act > 0",
                                1,
                                ckpt.toRealPath().toString()),
                        new int[] {4})
                .build();
        TraceSource.requireRecordedOn(ckpt, unstamped, "old.rtrace"); // a trace from before stamps: by path alone
    }
}
