package dev.ripple.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.tensor.DType;
import dev.ripple.placement.importer.SafetensorsImporter;
import dev.ripple.placement.pipeline.PipelineListener;
import dev.ripple.placement.pipeline.PlacementPipeline;
import dev.ripple.placement.pipeline.PlacementRequest;
import dev.ripple.placement.pipeline.TraceMatch;
import dev.ripple.placement.synthetic.SyntheticDecoder;
import dev.ripple.placement.synthetic.SyntheticDecoderWriter;
import dev.ripple.placement.trace.ActivationTrace;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint's stamp follows what its weights hold, not their times: weights written again (even
 * copied with their old times kept, as {@code cp -p} does) change it, a touch does not, and an
 * import or a trace judged by it sees the difference.
 */
class CheckpointStampTest {
    @TempDir
    Path dir;

    @Test
    void contentChangesTheStampTimesDoNot() throws IOException {
        Path ckpt = Files.createDirectories(dir.resolve("opt"));
        Path weights = write(ckpt.resolve("model.safetensors"), 1 << 20, 1);
        Files.writeString(ckpt.resolve("config.json"), "{}");
        String stamp = CheckpointStamp.of(ckpt);
        assertTrue(stamp.startsWith("c1:2-"), stamp);

        Files.setLastModifiedTime(weights, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        Files.writeString(ckpt.resolve("README.md"), "notes beside the weights");
        assertEquals(stamp, CheckpointStamp.of(ckpt), "touched, and another file beside: the same weights");
        assertEquals(Optional.of(true), CheckpointStamp.unchangedSince(stamp, ckpt));

        FileTime kept = Files.getLastModifiedTime(weights);
        write(weights, 1 << 20, 2);
        Files.setLastModifiedTime(weights, kept);
        assertNotEquals(stamp, CheckpointStamp.of(ckpt), "other bytes of the same size, the old time kept");
        assertEquals(Optional.of(false), CheckpointStamp.unchangedSince(stamp, ckpt));

        assertEquals("", CheckpointStamp.of(dir.resolve("gone.gguf")));
        assertEquals(Optional.empty(), CheckpointStamp.unchangedSince(stamp, dir.resolve("gone.gguf")));
    }

    /** Past 16 MiB the head and 64 blocks are read: a rewrite is seen wherever it lands, a sample's change too. */
    @Test
    void aLargeFileIsJudgedBySamples() throws IOException {
        Path gguf = write(dir.resolve("m.gguf"), 24 << 20, 3);
        String stamp = CheckpointStamp.of(gguf);
        overwrite(gguf, (24L << 20) - CheckpointStamp.SAMPLE_BYTES, CheckpointStamp.SAMPLE_BYTES); // the last sample
        String lastChanged = CheckpointStamp.of(gguf);
        assertNotEquals(stamp, lastChanged);
        overwrite(gguf, CheckpointStamp.HEAD_BYTES + 5_000_000, 64 << 10); // a tensor between two samples...
        String between = CheckpointStamp.of(gguf);
        // ...is seen when it covers a sample (64 KiB here against 4 KiB samples every 389 KiB,
        // (24 MiB - 64 KiB - 4 KiB) / 63: not always)
        long stride = ((24L << 20) - CheckpointStamp.HEAD_BYTES - CheckpointStamp.SAMPLE_BYTES)
                / (CheckpointStamp.SAMPLES - 1);
        long first = CheckpointStamp.HEAD_BYTES + 5_000_000L;
        boolean coversASample = false;
        for (int i = 0; i < CheckpointStamp.SAMPLES; i++) {
            long at = CheckpointStamp.HEAD_BYTES + stride * i;
            coversASample |= at + CheckpointStamp.SAMPLE_BYTES > first && at < first + (64 << 10);
        }
        assertEquals(coversASample, !between.equals(lastChanged), "the stamp reads exactly the documented samples");
    }

    /** Stamps recorded before content was hashed (name, size, time) are still compared by their rule. */
    @Test
    void aStampFromBeforeIsComparedByTimes() throws IOException {
        Path ckpt = Files.createDirectories(dir.resolve("opt"));
        Path weights = write(ckpt.resolve("model.safetensors"), 4096, 4);
        String old = StampedCheckpoints.byTimes(weights);
        assertEquals(Optional.of(true), CheckpointStamp.unchangedSince(old, ckpt));
        Files.setLastModifiedTime(
                weights, FileTime.fromMillis(Files.getLastModifiedTime(weights).toMillis() + 5_000));
        assertEquals(Optional.of(false), CheckpointStamp.unchangedSince(old, ckpt), "times changed: as then");
    }

    /**
     * An import records its checkpoint's stamp and is made again when the weights are: before stamps,
     * weights copied over with their old times (older than the import) were served from the old import.
     */
    @Test
    void anImportIsMadeAgainWhenItsWeightsAreCopiedOverWithOldTimes() throws IOException {
        Path ckpt = dir.resolve("tiny");
        SyntheticDecoderWriter.write(SyntheticDecoder.tinyLlama().withSeed(1), ckpt, "F32", 1);
        Path work = dir.resolve("work");
        PreparedModel first = PreparedModel.of(ckpt, work, DType.F16, l -> {});
        assertTrue(first.placedNow());
        try (RippleFile f = RippleFile.open(first.file())) {
            assertEquals(Optional.of(CheckpointStamp.of(ckpt)), PreparedModel.checkpointStampOf(f));
        }
        Path weights = ckpt.resolve("model.safetensors");
        Files.setLastModifiedTime(weights, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        assertTrue(!PreparedModel.of(ckpt, work, DType.F16, l -> {}).placedNow(), "touched only: reused");

        Path other = dir.resolve("tiny-seed-2");
        SyntheticDecoderWriter.write(SyntheticDecoder.tinyLlama().withSeed(2), other, "F32", 1);
        assertEquals(Files.size(weights), Files.size(other.resolve("model.safetensors")));
        Files.copy(other.resolve("model.safetensors"), weights, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(weights, FileTime.fromMillis(0)); // older than the import
        assertTrue(PreparedModel.of(ckpt, work, DType.F16, l -> {}).placedNow(), "other weights: imported again");
    }

    /** An import written before imports recorded a stamp is judged by times, as it was then. */
    @Test
    void anImportWithoutAStampIsJudgedByTimes() throws IOException {
        Path ckpt = dir.resolve("tiny");
        SyntheticDecoderWriter.write(SyntheticDecoder.tinyLlama().withSeed(1), ckpt, "F32", 1);
        Path work = Files.createDirectories(dir.resolve("work"));
        Path target = work.resolve(PreparedModel.importStem(ckpt) + "-f16-identity.ripple");
        RippleFileWriter.write(
                target, SafetensorsImporter.importModel(ckpt, DType.F16).toContents(), (l, e) -> {});
        Files.setLastModifiedTime(ckpt.resolve("model.safetensors"), FileTime.fromMillis(0));
        assertTrue(!PreparedModel.of(ckpt, work, DType.F16, l -> {}).placedNow(), "older weights: reused");
        Files.setLastModifiedTime(
                ckpt.resolve("config.json"), FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        PreparedModel again = PreparedModel.of(ckpt, work, DType.F16, l -> {});
        assertTrue(again.placedNow(), "a file newer than the import: imported again");
        try (RippleFile f = RippleFile.open(again.file())) {
            assertTrue(PreparedModel.checkpointStampOf(f).isPresent(), "and stamped from now on");
        }
    }

    /**
     * A trace carries the stamp of the weights it profiled, as the file it ran on recorded them: an
     * import profiled after other weights were copied over its checkpoint (their old times kept) is
     * a trace of the old weights, and placing the checkpoint refuses it. So does a file placed from
     * the checkpoint, which records the stamp too.
     */
    @Test
    void aTraceOfAnImportIsOfTheWeightsImportedNotOfTheCheckpointNow() throws Exception {
        Path ckpt = dir.resolve("tiny");
        SyntheticDecoder spec =
                SyntheticDecoder.tinyOpt().withActiveFraction(0.1).withSeed(1);
        SyntheticDecoderWriter.write(spec, ckpt, "F32", 1);
        PreparedModel imported = PreparedModel.of(ckpt, dir.resolve("work"), DType.F16, l -> {});
        String importedStamp = CheckpointStamp.of(ckpt);
        Path other = dir.resolve("seed-2");
        SyntheticDecoderWriter.write(spec.withSeed(2), other, "F32", 1);
        StampedCheckpoints.copyKeepingTime(other.resolve("model.safetensors"), ckpt.resolve("model.safetensors"));

        ActivationTrace trace = StampedCheckpoints.profile(imported.file(), spec);
        assertEquals(importedStamp, trace.info().checkpointStamp(), "the stamp of the weights profiled");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> PlacementPipeline.placeModel(
                        PlacementRequest.of(ckpt, trace, dir.resolve("placed.ripple")), PipelineListener.NONE));
        assertTrue(
                e.getMessage().contains("before its files were written again (their sizes or contents differ)"),
                e.getMessage());

        // a file placed from the checkpoint as it is now records the new stamp, and so do its traces
        Path placed = dir.resolve("placed-now.ripple");
        PlacementPipeline.placeModel(
                PlacementRequest.of(ckpt, trace, placed).withTraceMatch(TraceMatch.SAME_SHAPE), PipelineListener.NONE);
        try (RippleFile f = RippleFile.open(placed)) {
            assertEquals(Optional.of(CheckpointStamp.of(ckpt)), PreparedModel.checkpointStampOf(f));
        }
        assertEquals(
                CheckpointStamp.of(ckpt),
                StampedCheckpoints.profile(placed, spec).info().checkpointStamp());
    }

    private static Path write(Path file, int bytes, long seed) throws IOException {
        byte[] b = new byte[bytes];
        new Random(seed).nextBytes(b);
        return Files.write(file, b);
    }

    private static void overwrite(Path file, long at, int bytes) throws IOException {
        byte[] b = new byte[bytes];
        new Random(at).nextBytes(b);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(b), at);
        }
    }
}
