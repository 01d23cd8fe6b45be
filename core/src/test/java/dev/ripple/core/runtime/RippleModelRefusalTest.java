package dev.ripple.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ripple.core.activity.PredictorKind;
import dev.ripple.core.format.FileFormatException.Problem;
import dev.ripple.core.format.PlacedLayer;
import dev.ripple.core.format.RippleContents;
import dev.ripple.core.format.RippleFileWriter;
import dev.ripple.core.format.RippleFormatException;
import dev.ripple.core.model.decoder.Session;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.RandomDecoders;
import dev.ripple.core.testing.RandomEncoders;
import dev.ripple.core.testing.RandomModels;
import dev.ripple.io.reader.ReaderKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files the format reader accepts but whose architecture does not fit their tensors or FFN layers
 * are refused when the runtime opens them, with a {@link RippleFormatException} naming the file and
 * the mismatch, instead of failing inside {@code decoder()}, {@code encoder()} or a token. Each
 * case is a finding of the fuzz target over the runtime ({@code RippleFileFuzzTest}, docs/RELIABILITY.md).
 */
class RippleModelRefusalTest {
    @TempDir
    Path dir;

    private static final RandomDecoders.Shape LLAMA = RandomDecoders.Shape.llama()
            .with(b -> b.hidden(8)
                    .embedDim(8)
                    .ffn(12)
                    .layers(2)
                    .heads(2)
                    .kvHeads(1)
                    .vocab(5)
                    .positions(8));
    private static final RandomEncoders.Shape BERT = new RandomEncoders.Shape(8, 12, 2, 2, 6, 4);

    private static final RuntimeOptions OPTIONS = RuntimeOptions.defaults()
            .withReader(ReaderKind.POSITIONAL)
            .withPredictor(PredictorKind.DENSE)
            .withCache("lru", 0.5);

    /** The same contents with only the first {@code layers} FFN layers and without the tensors {@code drop} selects. */
    private static RippleContents copy(RippleContents c, Predicate<String> drop, int layers) {
        RippleContents out = new RippleContents().architecture(c.architecture()).provenance(c.provenance());
        c.tensors().stream().filter(t -> !drop.test(t.name())).forEach(out::addTensor);
        c.layers().stream().limit(layers).forEach(out::addLayer);
        c.blobs().forEach(out::addBlob);
        return out;
    }

    private Path write(RippleContents c) throws IOException {
        Path p = dir.resolve("model.ripple");
        RippleFileWriter.write(p, c);
        return p;
    }

    /** Opening {@code c} as a model is refused as inconsistent metadata, the message naming the file and {@code named}. */
    private void assertRefusedAtOpen(RippleContents c, String named) throws IOException {
        Path p = write(c);
        RippleFormatException e = assertThrows(RippleFormatException.class, () -> RippleModel.open(p, OPTIONS));
        assertEquals(Problem.INCONSISTENT, e.problem(), e.getMessage());
        assertEquals(p, e.file());
        assertEquals("metadata", e.section());
        assertTrue(e.getMessage().startsWith(p + ": metadata: inconsistent: "), e.getMessage());
        assertTrue(e.getMessage().contains(named), e.getMessage());
    }

    @Test
    void theGeneratedModelsRunWhole() throws IOException {
        try (RippleModel m = RippleModel.open(
                        write(RandomDecoders.generate(LLAMA, 1, DType.F16).contents()), OPTIONS);
                Session s = m.decoder().orElseThrow().newSession(4)) {
            assertEquals(5, m.decoder().orElseThrow().decode(s, 4).logits().length);
        }
        try (RippleModel m = RippleModel.open(
                write(RandomEncoders.generate(BERT, 2, DType.F32).contents()), OPTIONS)) {
            assertEquals(8, m.encoder().orElseThrow().embed(new int[] {1, 5, 2}).length);
        }
    }

    /** Fuzzing finding (input finding-decoder-tensor-missing): {@code decoder()} threw IllegalArgumentException. */
    @Test
    void decoderWhoseArchitectureNamesAMissingTensorIsRefused() throws IOException {
        RippleContents c = RandomDecoders.generate(LLAMA, 1, DType.F16).contents();
        assertRefusedAtOpen(
                copy(c, "model.layers.0.o_proj.weight"::equals, 2),
                "tensor 'model.layers.0.o_proj.weight' named by the architecture is missing");
    }

    /** {@code decoder()} threw IllegalArgumentException for a field missing from the architecture block. */
    @Test
    void decoderArchitectureWithoutAFieldIsRefused() throws IOException {
        RippleContents c = RandomDecoders.generate(LLAMA, 1, DType.F16).contents();
        var arch = c.architecture();
        arch.remove("vocabSize");
        c.architecture(arch);
        assertRefusedAtOpen(c, "'vocabSize' is missing");
    }

    /**
     * Query heads whose total width overflows an int wrapped around to the width of the stored
     * projection, so the file loaded and attention ran past its query rows:
     * ArrayIndexOutOfBoundsException.
     */
    @Test
    void decoderWhoseHeadsOverflowTheirWidthIsRefused() throws IOException {
        RippleContents c = RandomDecoders.generate(LLAMA, 1, DType.F16).contents();
        var arch = c.architecture();
        arch.put("numHeads", (1 << 30) + 2); // times head dim 4: 2^32 + 8, which wraps to 8
        c.architecture(arch);
        assertRefusedAtOpen(c, "1073741826 heads of 4 are wider than an int");
    }

    /** The encoder's second layer ran the FFN of a layer the file does not hold: IndexOutOfBoundsException. */
    @Test
    void encoderWithMoreLayersThanTheFileHoldsIsRefused() throws IOException {
        RippleContents c = RandomEncoders.generate(BERT, 2, DType.F32).contents();
        assertRefusedAtOpen(copy(c, name -> false, 1), "the architecture has 2 layers but the file holds 1 FFN layers");
    }

    /** A decoder whose FFN is wider than its residual stream read past it: ArrayIndexOutOfBoundsException. */
    @Test
    void decoderWhoseFfnIsWiderThanItsHiddenSizeIsRefused() throws IOException {
        assertWiderFfnRefused(
                RandomDecoders.generate(LLAMA, 1, DType.F16).contents(), Activation.SILU, true, DType.F16);
    }

    /** The same for an encoder. */
    @Test
    void encoderWhoseFfnIsWiderThanItsHiddenSizeIsRefused() throws IOException {
        assertWiderFfnRefused(
                RandomEncoders.generate(BERT, 2, DType.F32).contents(), Activation.GELU, false, DType.F32);
    }

    /** {@code c}'s architecture (hidden size 8) over two FFN layers 16 wide. */
    private void assertWiderFfnRefused(RippleContents c, Activation activation, boolean gated, DType dtype)
            throws IOException {
        RippleContents wide = copy(c, name -> false, 0);
        Random rnd = new Random(3);
        for (int l = 0; l < 2; l++) {
            wide.addLayer(PlacedLayer.identity(RandomModels.layer(rnd, l, 16, 12, activation, gated, dtype)));
        }
        assertRefusedAtOpen(wide, "FFN layer 0 is 16 wide but the architecture's hidden size is 8");
    }
}
