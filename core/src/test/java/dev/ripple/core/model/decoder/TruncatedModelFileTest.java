package dev.ripple.core.model.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.activity.PredictorKind;
import dev.ripple.core.format.RippleContents;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.model.bert.EncoderModel;
import dev.ripple.core.runtime.MappedFfn;
import dev.ripple.core.runtime.RippleModel;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.RandomDecoders;
import dev.ripple.core.testing.RandomDecoders.Shape;
import dev.ripple.core.testing.RandomEncoders;
import dev.ripple.core.testing.StoredPredictors;
import dev.ripple.io.FileShrankException;
import dev.ripple.io.reader.ReaderKind;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A {@code .ripple} file truncated in place while a model has it open: the next step throws an
 * {@link UncheckedIOException} caused by a {@link FileShrankException} naming the file, whether
 * the fault is met in the memory-mapped resident weights (the JVM's {@code InternalError} before)
 * or by the reader of the flash-resident bundles.
 */
class TruncatedModelFileTest {

    @TempDir
    static Path dir;

    @ParameterizedTest
    @EnumSource(
            value = ReaderKind.class,
            names = {"DIRECT", "MMAP", "POSITIONAL"})
    void aStepAfterTheFileShrankIsATypedErrorNamingTheFile(ReaderKind reader) throws Exception {
        Path file = dir.resolve("truncated-" + reader + ".ripple");
        RippleFileWriter.write(
                file, RandomDecoders.generate(Shape.llama(), 31, DType.F32).contents());
        long size = Files.size(file);
        RuntimeOptions options = RuntimeOptions.defaults()
                .withReader(reader)
                .withPredictor(PredictorKind.DENSE)
                .withCache("none", 0);
        int[] prompt = new Random(4).ints(5, 0, Shape.llama().vocab()).toArray();
        try (RippleModel m = RippleModel.open(file, options)) {
            DecoderModel model = m.decoder().orElseThrow();
            try (Session s = model.newSession(16)) {
                model.prefill(s, prompt);
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(size / 3);
            }
            try (Session s = model.newSession(16)) {
                UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> model.prefill(s, prompt));
                FileShrankException cause = shrank(e, file);
                assertEquals(size, cause.sizeWhenOpened());
                assertEquals(size / 3, cause.sizeNow());
                assertTrue(
                        e.getMessage().contains(file.toString())
                                && e.getMessage().contains("shrank"),
                        e.getMessage());
            }
        }
    }

    /**
     * The same with everything mapped (weights and FFN, no reader): the fault can only come from a
     * mapped page, which the JVM reports as an {@code InternalError}; the step turns it into the
     * typed exception.
     */
    @Test
    void aStepOverMappedWeightsAfterTheFileShrankIsATypedErrorNotAnInternalError() throws Exception {
        Path file = dir.resolve("truncated-mapped.ripple");
        RippleFileWriter.write(
                file, RandomDecoders.generate(Shape.llama(), 37, DType.F32).contents());
        long size = Files.size(file);
        int[] prompt = new Random(5).ints(5, 0, Shape.llama().vocab()).toArray();
        try (RippleFile f = RippleFile.open(file)) {
            DecoderModel model = DecoderModel.load(f, MappedFfn.of(f));
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(size / 3);
            }
            try (Session s = model.newSession(16)) {
                UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> model.prefill(s, prompt));
                FileShrankException cause = shrank(e, file);
                assertInstanceOf(InternalError.class, cause.getCause(), "the JVM's report is kept as the cause");
            }
        }
    }

    /** An encoder over mapped weights, its file emptied while open: the typed exception as well. */
    @Test
    void anEncoderPassAfterTheFileShrankIsATypedError() throws Exception {
        Path file = dir.resolve("truncated-encoder.ripple");
        RippleFileWriter.write(
                file,
                RandomEncoders.generate(new RandomEncoders.Shape(64, 256, 2, 4, 500, 32), 7, DType.F32)
                        .contents());
        try (RippleFile f = RippleFile.open(file)) {
            EncoderModel model = EncoderModel.load(f, MappedFfn.of(f));
            int[] ids = {1, 7, 42, 2};
            model.hiddenStates(ids);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(0);
            }
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> model.hiddenStates(ids));
            assertEquals(0, shrank(e, file).sizeNow());
        }
    }

    /**
     * What an app calls besides a step, on a file emptied while open, with the low-rank predictor
     * read from it (its factors mapped): an FFN layer's own call and the stored tokenizer threw the
     * JVM's {@code InternalError}, and {@link RippleFile#verify()} killed the JVM with SIGBUS (the
     * checksum intrinsic over a vanished mapped page; 2026-12-07, a new user's walkthrough). Each
     * now throws the typed exception.
     */
    @Test
    void layerCallsTheTokenizerAndVerifyAfterTheFileShrankAreTypedErrors() throws Exception {
        Path file = dir.resolve("truncated-calls.ripple");
        RippleContents contents = StoredPredictors.withLowRank(
                RandomDecoders.generate(Shape.llama(), 41, DType.F32).contents(), 3, 4);
        contents.addBlob("tokenizer.json", "{}".getBytes(StandardCharsets.UTF_8));
        RippleFileWriter.write(file, contents);
        RuntimeOptions options = RuntimeOptions.defaults().withReader(ReaderKind.POSITIONAL);
        try (RippleModel m = RippleModel.open(file, options)) {
            int width = Shape.llama().hidden();
            float[] x = new float[width];
            Random random = new Random(6);
            for (int i = 0; i < width; i++) {
                x[i] = (float) random.nextGaussian();
            }
            m.ffn(0).forward(x, new float[width]);
            m.file().verify();
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(0);
            }
            List<Executable> calls = List.of(
                    () -> m.ffn(0).forward(x, new float[width]),
                    () -> m.ffn(1).forwardAll(new float[][] {x}, 1, new float[][] {new float[width]}),
                    m::tokenizer,
                    () -> m.file().blob("tokenizer.json"),
                    () -> m.file().verify());
            for (Executable call : calls) {
                assertEquals(
                        0,
                        shrank(assertThrows(UncheckedIOException.class, call), file)
                                .sizeNow());
            }
        }
    }

    /** {@code e}'s cause, which must be a {@link FileShrankException} naming {@code file}. */
    private static FileShrankException shrank(UncheckedIOException e, Path file) {
        FileShrankException cause = assertInstanceOf(FileShrankException.class, e.getCause(), e.toString());
        assertEquals(file, cause.file());
        return cause;
    }
}
