package dev.ripple.core.testing;

import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.core.format.PlacedLayer;
import dev.ripple.core.format.ResidentTensor;
import dev.ripple.core.format.RippleContents;
import dev.ripple.core.model.bert.BertConfig;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Small random BERT encoders for tests, written as {@code .ripple} contents the way the ONNX
 * importer lays them out (architecture block of {@link BertConfig}, resident tensors by the names
 * it lists, one GELU FFN layer per encoder layer): enough for the runtime's encoder to run, with no
 * claim to mean anything.
 */
public final class RandomEncoders {
    private RandomEncoders() {}

    /** What to generate: sizes of a BERT encoder. */
    public record Shape(int hidden, int ffn, int layers, int heads, int vocab, int positions) {}

    /** A generated encoder: its config and file contents. */
    public record Encoder(BertConfig config, RippleContents contents) {}

    public static Encoder generate(Shape s, long seed, DType bundles) {
        Random rnd = new Random(seed);
        int h = s.hidden();
        RippleContents c = new RippleContents();
        matrix(c, rnd, "embeddings.word", s.vocab(), h);
        matrix(c, rnd, "embeddings.position", s.positions(), h);
        matrix(c, rnd, "embeddings.token_type", 2, h);
        norm(c, rnd, "embeddings.norm", h);
        List<BertConfig.Layer> layers = new ArrayList<>();
        for (int l = 0; l < s.layers(); l++) {
            String p = "encoder." + l + ".";
            for (String part : List.of("query", "key", "value", "output")) {
                matrix(c, rnd, p + part + ".weight", h, h);
                vector(c, rnd, p + part + ".bias", h, 0.1f, 0f);
            }
            norm(c, rnd, p + "attention_norm", h);
            norm(c, rnd, p + "output_norm", h);
            layers.add(new BertConfig.Layer(
                    p + "query.weight",
                    p + "query.bias",
                    p + "key.weight",
                    p + "key.bias",
                    p + "value.weight",
                    p + "value.bias",
                    p + "output.weight",
                    p + "output.bias",
                    p + "attention_norm.weight",
                    p + "attention_norm.bias",
                    p + "output_norm.weight",
                    p + "output_norm.bias"));
            FfnLayerWeights w = RandomModels.layer(rnd, l, h, s.ffn(), Activation.GELU, false, bundles);
            c.addLayer(new PlacedLayer(w, RandomModels.shuffled(rnd, s.ffn())));
        }
        BertConfig config = new BertConfig(
                h,
                s.ffn(),
                s.heads(),
                s.layers(),
                1e-12f,
                s.vocab(),
                s.positions(),
                2,
                "gelu",
                "mean",
                true,
                "embeddings.word",
                "embeddings.position",
                "embeddings.token_type",
                "embeddings.norm.weight",
                "embeddings.norm.bias",
                layers);
        c.architecture(config.toJson());
        return new Encoder(config, c);
    }

    private static void matrix(RippleContents c, Random rnd, String name, int rows, int cols) {
        c.addTensor(new ResidentTensor(
                name, DType.F32, new long[] {rows, cols}, RandomModels.randomFloats(rnd, rows * cols, (float)
                        (1 / Math.sqrt(cols)))));
    }

    private static void norm(RippleContents c, Random rnd, String base, int h) {
        vector(c, rnd, base + ".weight", h, 0.1f, 1f);
        vector(c, rnd, base + ".bias", h, 0.1f, 0f);
    }

    private static void vector(RippleContents c, Random rnd, String name, int n, float scale, float offset) {
        float[] v = RandomModels.randomFloats(rnd, n, scale);
        for (int i = 0; i < n; i++) {
            v[i] += offset;
        }
        c.addTensor(new ResidentTensor(name, DType.F32, new long[] {n}, v));
    }
}
