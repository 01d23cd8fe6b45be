package dev.ripple.placement.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.placement.CheckpointStamp;
import dev.ripple.placement.StampedCheckpoints;
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

    /**
     * A checkpoint written again in the same place is another model: placing it imports the new
     * weights, whose stamp is not the trace's, and the trace is refused, with the way round.
     */
    @Test
    void aCheckpointWrittenAgainSinceTheTraceIsRefused() throws Exception {
        Path ckpt = Files.createDirectories(dir.resolve("opt"));
        Path weights = Files.writeString(ckpt.resolve("model.safetensors"), "old weights");
        Files.writeString(ckpt.resolve("config.json"), "{}");
        ActivationTrace trace = trace(ckpt, CheckpointStamp.of(ckpt));
        TraceSource.requireRecordedOn(ckpt, CheckpointStamp.of(ckpt), trace, "calib.rtrace"); // unchanged: taken
        Files.writeString(ckpt.resolve("held.rtrace"), "a trace written beside the weights");
        Files.writeString(ckpt.resolve("README.md"), "notes");
        // other files do not change the stamp
        TraceSource.requireRecordedOn(ckpt, CheckpointStamp.of(ckpt), trace, "calib.rtrace");

        FileTime kept = Files.getLastModifiedTime(weights);
        Files.writeString(weights, "new weights"); // the same size, copied with its old time kept (cp -p)
        Files.setLastModifiedTime(weights, kept);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> TraceSource.requireRecordedOn(ckpt, CheckpointStamp.of(ckpt), trace, "calib.rtrace"));
        assertTrue(
                e.getMessage()
                        .startsWith("calib.rtrace was recorded on " + ckpt
                                + " before its files were written again (their sizes or contents differ)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("--trust-trace"), e.getMessage());

        ActivationTrace unstamped = trace(ckpt, "");
        // a trace from before stamps: by path alone
        TraceSource.requireRecordedOn(ckpt, CheckpointStamp.of(ckpt), unstamped, "old.rtrace");
    }

    /**
     * The trace is compared with the weights imported for placing (the import's stamp, taken before it
     * read them), not with what the checkpoint holds when the trace is checked: those are the weights
     * written. A trace of A placed from an import of A is taken though B is there by now; a trace of A
     * placed from an import of B is refused though A is back.
     */
    @Test
    void aTraceIsComparedWithTheWeightsImportedNotWithTheCheckpointNow() throws Exception {
        Path ckpt = Files.createDirectories(dir.resolve("opt"));
        Path weights = Files.writeString(ckpt.resolve("model.safetensors"), "weights A");
        String a = CheckpointStamp.of(ckpt);
        ActivationTrace ofA = trace(ckpt, a);
        Files.writeString(weights, "weights B");
        String b = CheckpointStamp.of(ckpt);

        TraceSource.requireRecordedOn(ckpt, a, ofA, "calib.rtrace");
        Files.writeString(weights, "weights A");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> TraceSource.requireRecordedOn(ckpt, b, ofA, "calib.rtrace"));
        assertTrue(
                e.getMessage().contains("calib.rtrace") && e.getMessage().contains("contents differ"), e.getMessage());

        assertEquals(Optional.of(true), TraceSource.sameWeights(a, a, dir.resolve("gone")), "no file is read");
        assertEquals(Optional.empty(), TraceSource.sameWeights(a, "", ckpt), "an import that could not be stamped");
        assertEquals(Optional.empty(), TraceSource.sameWeights("", a, ckpt), "a trace that was not");
    }

    /**
     * A stamp from before content was hashed cannot be compared with the import's: it is judged by
     * the checkpoint's sizes and times now, as it was then, whatever the import's stamp.
     */
    @Test
    void aTraceWithAStampFromBeforeIsJudgedByTimes() throws Exception {
        Path ckpt = Files.createDirectories(dir.resolve("opt"));
        Path weights = Files.writeString(ckpt.resolve("model.safetensors"), "weights A");
        ActivationTrace old = trace(ckpt, StampedCheckpoints.byTimes(weights));
        String importedNow = CheckpointStamp.of(ckpt);
        TraceSource.requireRecordedOn(ckpt, importedNow, old, "old.rtrace");
        TraceSource.requireRecordedOn(ckpt, "", old, "old.rtrace");

        FileTime kept = Files.getLastModifiedTime(weights);
        Files.writeString(weights, "weights B"); // times alone cannot tell: taken, as it was then
        Files.setLastModifiedTime(weights, kept);
        TraceSource.requireRecordedOn(ckpt, CheckpointStamp.of(ckpt), old, "old.rtrace");

        Files.setLastModifiedTime(weights, FileTime.fromMillis(kept.toMillis() + 5_000));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> TraceSource.requireRecordedOn(ckpt, importedNow, old, "old.rtrace"));
        assertTrue(
                e.getMessage()
                        .startsWith("old.rtrace was recorded on " + ckpt
                                + " before its files were written again (their sizes or modification times differ)"),
                e.getMessage());
    }

    /** A one-layer trace of the import of {@code ckpt}, stamped {@code stamp}. */
    private static ActivationTrace trace(Path ckpt, String stamp) throws Exception {
        return ActivationTrace.builder(
                        new TraceInfo(
                                "opt-f16-identity.ripple",
                                "text",
                                "act > 0",
                                1,
                                ckpt.toRealPath().toString(),
                                stamp),
                        new int[] {4})
                .build();
    }
}
