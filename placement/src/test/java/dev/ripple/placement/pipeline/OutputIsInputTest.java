package dev.ripple.placement.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.tensor.DType;
import dev.ripple.placement.OutputIsInputException;
import dev.ripple.placement.importer.ImportedModel;
import dev.ripple.placement.synthetic.SyntheticDecoder;
import dev.ripple.placement.synthetic.SyntheticDecoderWriter;
import dev.ripple.placement.trace.ActivationTrace;
import dev.ripple.placement.trace.TraceInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model written over one of its own inputs is refused before any work: {@code placeModel} with
 * {@code out} the checkpoint's {@code model.safetensors} replaced the weights with the {@code
 * .ripple} file made from them. Every way of naming the same file is seen through (hard link,
 * {@code ..}, symbolic link), every file the import reads counts (shards, config, tokenizer), and
 * nothing of the checkpoint changes.
 */
class OutputIsInputTest {
    @TempDir
    Path dir;

    Path ck;
    Map<Path, String> before;

    /** A trace refused for its emptiness: what the refusal of the output must come before. */
    static final ActivationTrace NO_TOKENS = ActivationTrace.builder(
                    new TraceInfo("m", "t", "act > 0", 0), new int[] {16})
            .build();

    @BeforeEach
    void checkpoint() throws IOException {
        ck = dir.resolve("ck");
        SyntheticDecoderWriter.write(SyntheticDecoder.tinyOpt().withSeed(3), ck, "F32", 2);
        Files.writeString(ck.resolve("tokenizer.json"), "{}");
        before = contents(ck);
    }

    @Test
    void placingOverAnyFileTheImportReadsIsRefusedAndChangesNothing() throws Exception {
        List<Path> inputs;
        try (Stream<Path> files = Files.list(ck)) {
            inputs = files.sorted().toList();
        }
        assertTrue(
                inputs.stream()
                                .filter(p -> p.toString().endsWith(".safetensors"))
                                .count()
                        == 2,
                inputs.toString());
        for (Path input : inputs) {
            OutputIsInputException e = refused(PlacementRequest.of(ck, NO_TOKENS, input));
            assertEquals(input, e.output());
            assertEquals(input, e.input());
            assertEquals(
                    "output " + input + " is the input " + input + " (a file of the model " + ck
                            + "); writing it would destroy the input: give another output",
                    e.getMessage());
        }
        Path shard = inputs.stream()
                .filter(p -> p.getFileName().toString().startsWith("model-00001"))
                .findFirst()
                .orElseThrow();
        Path hardLink = Files.createLink(dir.resolve("linked.safetensors"), shard);
        Path symbolic = Files.createSymbolicLink(dir.resolve("symbolic.ripple"), shard);
        Path dotDot = ck.resolve("..").resolve("ck").resolve(shard.getFileName());
        for (Path sameFile : List.of(hardLink, symbolic, dotDot)) {
            assertEquals(
                    shard, refused(PlacementRequest.of(ck, NO_TOKENS, sameFile)).input(), sameFile.toString());
        }
        // the checkpoint given by one of its weights files: the same inputs
        assertEquals(
                ck.resolve("config.json").toAbsolutePath(),
                refused(PlacementRequest.of(
                                shard, NO_TOKENS, ck.resolve("config.json").toAbsolutePath()))
                        .input());
        assertEquals(before, contents(ck), "the checkpoint is as it was");
    }

    @Test
    void theTokenizerAndASingleFileModelAreInputsToo() throws Exception {
        Path tokenizer = Files.writeString(dir.resolve("tok.json"), "{}");
        OutputIsInputException t = refused(PlacementRequest.of(ck, NO_TOKENS, tokenizer)
                .withLayout(LayoutOptions.defaults().withTokenizer(tokenizer)));
        assertTrue(t.getMessage().contains("(the tokenizer)"), t.getMessage());
        for (String name : List.of("m.gguf", "m.onnx")) {
            Path model = Files.writeString(dir.resolve(name), "not read: refused first");
            assertEquals(
                    model, refused(PlacementRequest.of(model, NO_TOKENS, model)).input());
        }
    }

    /** A new file beside the weights, or a file of the directory the import does not read, is no input. */
    @Test
    void otherFilesOfTheCheckpointDirectoryMayBeWritten() throws Exception {
        Path placedBefore = Files.writeString(ck.resolve("model.ripple"), "an earlier placement");
        for (Path out : List.of(placedBefore, ck.resolve("new.ripple"))) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> PlacementPipeline.placeModel(PlacementRequest.of(ck, NO_TOKENS, out), PipelineListener.NONE));
            assertFalse(e instanceof OutputIsInputException, e.getMessage());
            assertTrue(e.getMessage().contains("holds no tokens"), e.getMessage());
        }
    }

    /** {@code write}, called without {@code placeModel}, refuses the import's own files as well. */
    @Test
    void writeRefusesTheFilesTheImportWasReadFrom() throws Exception {
        ImportedModel model =
                PlacementPipeline.importModel(ck, ImportOptions.defaults().withBundles(DType.F32));
        Path config = ck.resolve("config.json");
        OutputIsInputException e = assertThrows(
                OutputIsInputException.class,
                () -> PlacementPipeline.write(
                        model,
                        new Placement("identity", new int[0][], null),
                        NO_TOKENS,
                        LayoutOptions.defaults(),
                        config,
                        PipelineListener.NONE));
        assertTrue(Files.isSameFile(config, e.input()), e.getMessage());
        assertEquals(before, contents(ck));
    }

    private static OutputIsInputException refused(PlacementRequest request) {
        return assertThrows(
                OutputIsInputException.class, () -> PlacementPipeline.placeModel(request, PipelineListener.NONE));
    }

    /** Each file's SHA-256, by path. */
    private static Map<Path, String> contents(Path d) throws IOException {
        Map<Path, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(d)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                out.put(f, sha256(Files.readAllBytes(f)));
            }
        }
        return out;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
