package dev.ripple.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.model.bert.BertConfig;
import dev.ripple.core.model.decoder.DecoderConfig;
import dev.ripple.core.model.decoder.DecoderConfig.RopeScaling;
import dev.ripple.core.model.decoder.DecoderConfig.Rotation;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.testing.RandomDecoders;
import dev.ripple.core.testing.RandomDecoders.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The architecture blocks importers write read back as written, one family at a time; broken ones name the field. */
class ArchitectureConfigTest {

    @Test
    void bertRoundTrips() {
        BertConfig c = new BertConfig(
                384,
                1536,
                12,
                1,
                1e-12f,
                30522,
                512,
                2,
                "gelu",
                "mean",
                true,
                "emb.word",
                "emb.pos",
                "emb.type",
                "emb.norm.w",
                "emb.norm.b",
                List.of(new BertConfig.Layer("q", "qb", "k", "kb", "v", "vb", "o", "ob", "n1", "n1b", "n2", "n2b")));
        assertEquals(c, BertConfig.fromJson(c.toJson()));
        BertConfig noTypes = new BertConfig(
                8, 32, 2, 1, 1e-6f, 10, 16, 0, "relu", "cls", false, "w", "p", null, "nw", "nb", c.layers());
        assertEquals(noTypes, BertConfig.fromJson(noTypes.toJson()));
    }

    @Test
    void decoderFamiliesRoundTrip() {
        for (Shape s : List.of(
                Shape.opt(),
                Shape.optPostNorm(),
                Shape.llama().withQkvBias(true).withTied(true),
                Shape.llama()
                        .withScaling(RopeScaling.llama3(8, 1, 4, 8192))
                        .withRotation(Rotation.ADJACENT)
                        .withWindow(4096),
                Shape.llama().withScaling(RopeScaling.linear(4)).with(Activation.RELU, true, 0f))) {
            DecoderConfig c = RandomDecoders.generate(s, 1, DType.F16).config();
            assertEquals(c, DecoderConfig.fromJson(c.toJson()), s.toString());
        }
    }

    @Test
    void aMissingFieldIsNamed() {
        ObjectNode a =
                RandomDecoders.generate(Shape.llama(), 1, DType.F16).config().toJson();
        a.remove("numKeyValueHeads");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DecoderConfig.fromJson(a));
        assertTrue(e.getMessage().contains("numKeyValueHeads"), e.getMessage());
        ObjectNode b =
                RandomDecoders.generate(Shape.opt(), 1, DType.F16).config().toJson();
        ((ObjectNode) b.path("layers").get(1)).remove("query");
        e = assertThrows(IllegalArgumentException.class, () -> DecoderConfig.fromJson(b));
        assertTrue(e.getMessage().contains("layers[1].query.weight"), e.getMessage());
    }
}
