package dev.ripple.placement.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.tensor.DType;
import dev.ripple.placement.PreparedModel;
import dev.ripple.placement.importer.UnsupportedModelException;
import dev.ripple.placement.synthetic.SyntheticDecoder;
import dev.ripple.placement.synthetic.SyntheticDecoderWriter;
import dev.ripple.placement.trace.ActivationTrace;
import dev.ripple.placement.trace.TraceFiles;
import dev.ripple.placement.trace.TraceInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

/**
 * A file of the wrong kind is refused as what it is: a {@code .ripple} file or a text file given to
 * {@code importModel} (or {@code placeModel}) was refused as "config.json: file: not found", naming a
 * file beside it; a text file given to {@code prepareDecoder} was accepted, and failed later.
 */
class NotAModelTest {
    @TempDir
    Path dir;

    @Test
    void importRefusesARippleFileOrTextSayingWhatItIsAndWhatIsImported() throws Exception {
        Path ck = dir.resolve("ck");
        SyntheticDecoderWriter.write(SyntheticDecoder.tinyOpt().withSeed(3), ck, "F32", 1);
        Path ripple = PlacementPipeline.prepareDecoder(ck, dir.resolve("work"), DType.F32, PipelineListener.NONE)
                .file();
        Path text = Files.writeString(dir.resolve("calib.txt"), "Hello world\n");

        UnsupportedModelException r = assertThrows(
                UnsupportedModelException.class, () -> PlacementPipeline.importModel(ripple, ImportOptions.defaults()));
        assertEquals(ripple, r.file());
        assertTrue(
                r.getMessage().startsWith(ripple + ": unsupported model: it is a .ripple file (placed already")
                        && r.getMessage().contains("import takes an ONNX file (.onnx)"),
                r.getMessage());
        UnsupportedModelException t = assertThrows(
                UnsupportedModelException.class, () -> PlacementPipeline.importModel(text, ImportOptions.defaults()));
        assertTrue(t.getMessage().startsWith(text + ": unsupported model: it looks like text;"), t.getMessage());
        Path trace = dir.resolve("calib.rtrace");
        TraceFiles.write(
                trace,
                ActivationTrace.builder(new TraceInfo("m", "t", "act > 0", 0), new int[] {16})
                        .add(0, RoaringBitmap.bitmapOf(1))
                        .build());
        UnsupportedModelException tr = assertThrows(
                UnsupportedModelException.class, () -> PlacementPipeline.importModel(trace, ImportOptions.defaults()));
        assertTrue(
                tr.getMessage()
                        .startsWith(trace + ": unsupported model: it is an activation trace (ripple profile's output)"
                                + " (the trace to place with, not the model);"),
                tr.getMessage());

        ActivationTrace oneToken = ActivationTrace.builder(new TraceInfo("m", "t", "act > 0", 0), new int[] {16})
                .add(0, RoaringBitmap.bitmapOf(1))
                .build();
        UnsupportedModelException placed = assertThrows(
                UnsupportedModelException.class,
                () -> PlacementPipeline.placeModel(
                        PlacementRequest.of(ripple, oneToken, dir.resolve("out.ripple")), PipelineListener.NONE));
        assertEquals(r.getMessage(), placed.getMessage());
    }

    @Test
    void prepareDecoderRefusesTextAtOnceAndTakesARippleFileAsItIs() throws Exception {
        Path text = Files.writeString(dir.resolve("calib.txt"), "Hello world\n");
        UnsupportedModelException e = assertThrows(
                UnsupportedModelException.class,
                () -> PlacementPipeline.prepareDecoder(text, dir.resolve("work"), DType.F16, PipelineListener.NONE));
        assertEquals(
                text + ": unsupported model: it looks like text, not a .ripple file; a decoder is given as a .ripple"
                        + " file, a Hugging Face checkpoint directory (config.json beside the weights) or a .gguf file",
                e.getMessage());
        Path onnxNamedRipple = Files.write(dir.resolve("encoder.ripple"), new byte[] {0x08, 0x07, 0x12, 0x07});
        assertTrue(assertThrows(
                        UnsupportedModelException.class,
                        () -> PreparedModel.of(onnxNamedRipple, dir.resolve("work"), DType.F16, l -> {}))
                .getMessage()
                .contains("it looks like an ONNX model, not a .ripple file"));

        Path ck = dir.resolve("ck");
        SyntheticDecoderWriter.write(SyntheticDecoder.tinyOpt().withSeed(3), ck, "F32", 1);
        Path ripple = PlacementPipeline.prepareDecoder(ck, dir.resolve("work"), DType.F32, PipelineListener.NONE)
                .file();
        PreparedModel asItIs =
                PlacementPipeline.prepareDecoder(ripple, dir.resolve("work"), DType.F32, PipelineListener.NONE);
        assertEquals(new PreparedModel(ripple, ripple, false, false), asItIs);
    }

    /**
     * A file of a checkpoint directory given as the decoder (its config.json, its tokenizer.json) is
     * refused naming the directory to give: the message listed what is taken, not that the file's
     * own directory is one.
     */
    @Test
    void aFileOfACheckpointDirectoryNamesTheDirectory() throws Exception {
        Path ck = dir.resolve("ck");
        SyntheticDecoderWriter.write(SyntheticDecoder.tinyOpt().withSeed(3), ck, "F32", 1);
        Path config = ck.resolve("config.json");
        UnsupportedModelException e = assertThrows(
                UnsupportedModelException.class,
                () -> PlacementPipeline.prepareDecoder(config, dir.resolve("work"), DType.F16, PipelineListener.NONE));
        assertTrue(e.getMessage().startsWith(config + ": unsupported model: it looks like text"), e.getMessage());
        assertTrue(e.getMessage().endsWith(" or a .gguf file: give its directory, " + ck), e.getMessage());
        UnsupportedModelException imported = assertThrows(
                UnsupportedModelException.class, () -> PlacementPipeline.importModel(config, ImportOptions.defaults()));
        assertTrue(
                imported.getMessage().endsWith(" or a .gguf file: give its directory, " + ck), imported.getMessage());
    }

    /** A null options was a bare NullPointerException thrown inside the import. */
    @Test
    void aNullArgumentIsNamed() {
        assertEquals(
                "options (ImportOptions.defaults() for the defaults)",
                assertThrows(NullPointerException.class, () -> PlacementPipeline.importModel(Path.of("m.onnx"), null))
                        .getMessage());
        assertEquals(
                "options (ProfileOptions.defaults() for the defaults)",
                assertThrows(
                                NullPointerException.class,
                                () -> PlacementPipeline.profile(
                                        Path.of("m.onnx"), null, List.of(), "c", null, PipelineListener.NONE))
                        .getMessage());
    }
}
