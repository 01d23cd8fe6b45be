package dev.ripple.placement.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.format.RippleFile;
import dev.ripple.core.tensor.DType;
import dev.ripple.placement.PreparedModel;
import dev.ripple.placement.StampedCheckpoints;
import dev.ripple.placement.importer.ImportedModel;
import dev.ripple.placement.synthetic.SyntheticDecoder;
import dev.ripple.placement.synthetic.SyntheticDecoderWriter;
import dev.ripple.placement.trace.ActivationTrace;
import dev.ripple.placement.trace.TraceInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PlacementPipeline#placeModel} judges its traces by the weights it imports and writes (the
 * import's stamp, taken before they were read), not by what the checkpoint holds when the traces are
 * checked; a trace stamped before content was hashed is still judged by the checkpoint's times.
 */
class PlaceAgainstTheImportTest {
    private static final SyntheticDecoder SPEC =
            SyntheticDecoder.tinyOpt().withActiveFraction(0.1).withSeed(1);

    @TempDir
    Path dir;

    Path ckpt;
    Path weights;
    /** A trace of the checkpoint's first weights (A), profiled on their import. */
    ActivationTrace ofA;

    @BeforeEach
    void profileTheFirstWeights() throws Exception {
        ckpt = dir.resolve("tiny");
        SyntheticDecoderWriter.write(SPEC, ckpt, "F32", 1);
        weights = ckpt.resolve("model.safetensors");
        ofA = StampedCheckpoints.profile(
                PreparedModel.of(ckpt, dir.resolve("work"), DType.F16, l -> {}).file(), SPEC);
    }

    /**
     * A trace is judged by the weights imported: a trace of them is taken and the file records their
     * stamp; weights copied over the checkpoint in place after the import (which maps it and reads
     * the bundles only as it writes them) are refused before anything is written, whatever the trace;
     * and a trace of other weights than those imported is refused even when the checkpoint holds its
     * weights again by then.
     */
    @Test
    void aTraceIsOfTheWeightsImportedWhateverTheCheckpointHoldsNow() throws Exception {
        Path seedA = dir.resolve("seed-1");
        Path seedB = dir.resolve("seed-2");
        SyntheticDecoderWriter.write(SPEC, seedA, "F32", 1);
        SyntheticDecoderWriter.write(SPEC.withSeed(2), seedB, "F32", 1);

        Path placed = dir.resolve("a.ripple");
        PlacementPipeline.placeImported(
                PlacementRequest.of(ckpt, ofA, placed),
                PlacementPipeline.importModel(ckpt, ImportOptions.defaults()),
                PipelineListener.NONE);
        try (RippleFile f = RippleFile.open(placed)) {
            assertEquals(
                    Optional.of(ofA.info().checkpointStamp()),
                    PreparedModel.checkpointStampOf(f),
                    "the file records the weights profiled");
        }

        ImportedModel importOfA = PlacementPipeline.importModel(ckpt, ImportOptions.defaults());
        StampedCheckpoints.copyKeepingTime(seedB.resolve("model.safetensors"), weights);
        Path changed = dir.resolve("changed.ripple");
        IllegalStateException whileWritten = assertThrows(
                IllegalStateException.class,
                () -> PlacementPipeline.placeImported(
                        PlacementRequest.of(ckpt, ofA, changed), importOfA, PipelineListener.NONE));
        assertTrue(
                whileWritten
                        .getMessage()
                        .startsWith(ckpt + ": its files were written again while changed.ripple was made from them"),
                whileWritten.getMessage());
        assertFalse(Files.exists(changed), "nothing written");

        ImportedModel importOfB = PlacementPipeline.importModel(ckpt, ImportOptions.defaults());
        StampedCheckpoints.copyKeepingTime(seedA.resolve("model.safetensors"), weights);
        Path refused = dir.resolve("b.ripple");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> PlacementPipeline.placeImported(
                        PlacementRequest.of(ckpt, ofA, refused), importOfB, PipelineListener.NONE));
        assertTrue(
                e.getMessage()
                        .startsWith("calibration trace was recorded on " + ckpt
                                + " before its files were written again (their sizes or contents differ)"),
                e.getMessage());
        assertFalse(Files.exists(refused), "nothing written");
    }

    /** A trace stamped before content was hashed is judged by the checkpoint's sizes and times, as then. */
    @Test
    void aTraceStampedByTimesIsStillJudgedByTimes() throws Exception {
        ActivationTrace old = withStamp(ofA, StampedCheckpoints.byTimes(ckpt.resolve("config.json"), weights));
        Path placed = dir.resolve("old.ripple");
        PlacementPipeline.placeModel(PlacementRequest.of(ckpt, old, placed), PipelineListener.NONE);
        assertTrue(Files.isRegularFile(placed), "the times are those recorded: taken");

        Files.setLastModifiedTime(
                weights, FileTime.fromMillis(Files.getLastModifiedTime(weights).toMillis() + 5_000));
        PlacementRequest request =
                PlacementRequest.of(ckpt, ofA, dir.resolve("late.ripple")).withHeldOut(old, "old.rtrace");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> PlacementPipeline.placeModel(request, PipelineListener.NONE));
        assertTrue(
                e.getMessage()
                        .startsWith("old.rtrace was recorded on " + ckpt
                                + " before its files were written again (their sizes or modification times differ)"),
                e.getMessage());
    }

    private static ActivationTrace withStamp(ActivationTrace trace, String stamp) {
        TraceInfo i = trace.info();
        return trace.withInfo(new TraceInfo(i.model(), i.corpus(), i.rule(), i.tokens(), i.checkpoint(), stamp));
    }
}
