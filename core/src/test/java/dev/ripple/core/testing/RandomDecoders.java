package dev.ripple.core.testing;

import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.core.format.FfnLayerSpec;
import dev.ripple.core.format.PlacedLayer;
import dev.ripple.core.format.ResidentTensor;
import dev.ripple.core.format.RippleContents;
import dev.ripple.core.model.decoder.DecoderConfig;
import dev.ripple.core.model.decoder.DecoderConfig.Family;
import dev.ripple.core.model.decoder.DecoderConfig.Norm;
import dev.ripple.core.model.decoder.DecoderConfig.Projection;
import dev.ripple.core.model.decoder.DecoderConfig.Rope;
import dev.ripple.core.model.decoder.DecoderConfig.RopeScaling;
import dev.ripple.core.model.decoder.DecoderConfig.Rotation;
import dev.ripple.core.tensor.Activation;
import dev.ripple.core.tensor.DType;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Small random decoders for tests, written as {@code .ripple} contents with Hugging Face-like
 * tensor names: each family and the variants the forward pass must handle (post-norm OPT with
 * input/output projections, grouped-query Llama with q/k/v biases, rotary scaling, both rotation
 * conventions, FATReLU and dReLU FFNs, tied heads). The same weights are kept by name for the
 * tests' own reference forward ({@link #values}).
 */
public final class RandomDecoders {

    /** What to generate; each component has a wither from {@link RandomDecodersShapeBuilder.With}. */
    @RecordBuilder
    public record Shape(
            Family family,
            int hidden,
            int ffn,
            int layers,
            int heads,
            int kvHeads,
            int vocab,
            int positions,
            boolean preNorm,
            int embedDim,
            boolean qkvBias,
            boolean tied,
            Activation activation,
            boolean gated,
            boolean upActivated,
            float reluThreshold,
            RopeScaling scaling,
            Rotation rotation,
            int window)
            implements RandomDecodersShapeBuilder.With {

        public static Shape opt() {
            return new Shape(
                    Family.OPT,
                    32,
                    96,
                    2,
                    4,
                    4,
                    61,
                    40,
                    true,
                    32,
                    true,
                    true,
                    Activation.RELU,
                    false,
                    false,
                    0f,
                    null,
                    null,
                    0);
        }

        /** OPT-350m's kind: norms after the residuals, embeddings narrower than the model. */
        public static Shape optPostNorm() {
            return opt().with(b -> b.preNorm(false).embedDim(16));
        }

        public static Shape llama() {
            return new Shape(
                    Family.LLAMA,
                    32,
                    80,
                    2,
                    4,
                    2,
                    67,
                    64,
                    true,
                    32,
                    false,
                    false,
                    Activation.SILU,
                    true,
                    false,
                    0f,
                    null,
                    Rotation.HALF,
                    0);
        }

        public Shape with(Activation a, boolean upActivated, float threshold) {
            return with(b -> b.activation(a).upActivated(upActivated).reluThreshold(threshold));
        }

        public int headDim() {
            return hidden / heads;
        }
    }

    /** A generated decoder: its config, file contents and every weight by name (the FFN's under mlp.*). */
    public record Decoder(
            DecoderConfig config, RippleContents contents, Map<String, float[]> values, List<FfnLayerWeights> ffns) {
        public float[] get(String name) {
            float[] v = values.get(name);
            if (v == null) {
                throw new IllegalArgumentException("no tensor " + name);
            }
            return v;
        }
    }

    private RandomDecoders() {}

    public static Decoder generate(Shape s, long seed, DType bundles) {
        Random rnd = new Random(seed);
        Map<String, float[]> values = new HashMap<>();
        RippleContents c = new RippleContents();
        int h = s.hidden();
        int hd = s.headDim();
        boolean opt = s.family() == Family.OPT;
        String emb = "model.embed_tokens.weight";
        put(c, values, emb, rnd, 0.5f, s.vocab(), s.embedDim());
        String positions = null;
        if (opt) {
            positions = "model.embed_positions.weight";
            put(c, values, positions, rnd, 0.3f, s.positions() + 2, h);
        }
        String projectIn = null;
        String projectOut = null;
        if (s.embedDim() != h) {
            projectIn = "model.project_in.weight";
            projectOut = "model.project_out.weight";
            put(c, values, projectIn, rnd, (float) (1 / Math.sqrt(s.embedDim())), h, s.embedDim());
            put(c, values, projectOut, rnd, (float) (1 / Math.sqrt(h)), s.embedDim(), h);
        }
        List<DecoderConfig.Layer> layers = new ArrayList<>();
        List<FfnLayerWeights> ffns = new ArrayList<>();
        for (int l = 0; l < s.layers(); l++) {
            String p = "model.layers." + l + ".";
            float scale = (float) (1 / Math.sqrt(h));
            Projection q = projection(c, values, p + "q_proj", rnd, scale, s.heads() * hd, h, s.qkvBias());
            Projection k = projection(c, values, p + "k_proj", rnd, scale, s.kvHeads() * hd, h, s.qkvBias());
            Projection v = projection(c, values, p + "v_proj", rnd, scale, s.kvHeads() * hd, h, s.qkvBias());
            Projection o = projection(
                    c, values, p + "o_proj", rnd, (float) (1 / Math.sqrt(s.heads() * hd)), h, s.heads() * hd, opt);
            layers.add(new DecoderConfig.Layer(
                    q,
                    k,
                    v,
                    o,
                    norm(c, values, p + "attn_norm", rnd, h, opt),
                    norm(c, values, p + "ffn_norm", rnd, h, opt)));
            FfnLayerSpec spec = new FfnLayerSpec(
                    l, h, s.ffn(), s.activation(), s.gated(), bundles, s.upActivated(), s.reluThreshold());
            float[] up = RandomModels.randomFloats(rnd, s.ffn() * h, scale);
            float[] gate = s.gated() ? RandomModels.randomFloats(rnd, s.ffn() * h, scale) : null;
            float[] down = RandomModels.randomFloats(rnd, s.ffn() * h, (float) (1 / Math.sqrt(s.ffn())));
            float[] upBias = opt ? RandomModels.randomFloats(rnd, s.ffn(), 0.1f) : new float[s.ffn()];
            float[] downBias = opt ? RandomModels.randomFloats(rnd, h, 0.1f) : new float[h];
            FfnLayerWeights w =
                    new FfnLayerWeights(spec, up, gate, down, upBias, s.gated() ? new float[s.ffn()] : null, downBias);
            ffns.add(w);
            c.addLayer(PlacedLayer.identity(w));
        }
        DecoderConfig.Norm finalNorm = opt && !s.preNorm() ? null : norm(c, values, "model.norm", rnd, h, opt);
        String lmHead = emb;
        if (!s.tied()) {
            lmHead = "lm_head.weight";
            put(c, values, lmHead, rnd, 0.5f, s.vocab(), s.embedDim());
        }
        Rope rope = opt ? null : new Rope(10000.0, s.rotation(), s.scaling());
        DecoderConfig config = new DecoderConfig(
                s.family(),
                opt ? "opt" : "llama",
                h,
                s.ffn(),
                s.heads(),
                s.kvHeads(),
                hd,
                s.vocab(),
                s.positions(),
                opt ? 1e-5f : 1e-6f,
                s.preNorm(),
                opt ? 2 : 0,
                rope,
                s.window(),
                1,
                2,
                new DecoderConfig.Tensors(emb, positions, projectIn, projectOut, finalNorm, lmHead, layers));
        c.architecture(config.toJson());
        return new Decoder(config, c, values, ffns);
    }

    /**
     * The same model as llama.cpp's converter stores it for GGUF: the rows of every q and k
     * projection permuted within each head so that dimension pairs (i, i + headDim/2) become
     * adjacent (2i, 2i + 1), with the adjacent rotation convention recorded. Its outputs equal the
     * original's.
     */
    public static Decoder permuteForAdjacentRotation(Decoder d) {
        DecoderConfig c = d.config();
        int hd = c.headDim();
        Map<String, float[]> values = new HashMap<>(d.values());
        Set<String> permuted = new HashSet<>();
        for (DecoderConfig.Layer l : c.tensors().layers()) {
            for (var p : List.of(l.query(), l.key())) {
                int rows = d.get(p.weight()).length / c.hiddenSize();
                values.put(p.weight(), permuteRows(d.get(p.weight()), rows, c.hiddenSize(), hd));
                permuted.add(p.weight());
                if (p.bias() != null) {
                    values.put(p.bias(), permuteRows(d.get(p.bias()), rows, 1, hd));
                    permuted.add(p.bias());
                }
            }
        }
        DecoderConfig adjacent = new DecoderConfig(
                c.family(),
                c.hfModelType(),
                c.hiddenSize(),
                c.intermediateSize(),
                c.numHeads(),
                c.numKvHeads(),
                hd,
                c.vocabSize(),
                c.maxPositions(),
                c.normEps(),
                c.preNorm(),
                c.positionOffset(),
                new Rope(c.rope().theta(), Rotation.ADJACENT, c.rope().scaling()),
                c.slidingWindow(),
                c.bosId(),
                c.eosId(),
                c.tensors());
        RippleContents out = new RippleContents().architecture(adjacent.toJson());
        for (ResidentTensor t : d.contents().tensors()) {
            out.addTensor(
                    permuted.contains(t.name())
                            ? new ResidentTensor(t.name(), t.dtype(), t.shape(), values.get(t.name()))
                            : t);
        }
        d.contents().layers().forEach(out::addLayer);
        return new Decoder(adjacent, out, values, d.ffns());
    }

    /** new row 2i + j of each head = old row j·(headDim/2) + i. */
    private static float[] permuteRows(float[] w, int rows, int cols, int hd) {
        float[] out = new float[w.length];
        int half = hd / 2;
        for (int r = 0; r < rows; r++) {
            int head = r / hd;
            int within = r % hd;
            int i = within / 2;
            int j = within % 2;
            int from = head * hd + j * half + i;
            System.arraycopy(w, from * cols, out, r * cols, cols);
        }
        return out;
    }

    private static void put(
            RippleContents c, Map<String, float[]> values, String name, Random rnd, float scale, int rows, int cols) {
        add(c, values, name, RandomModels.randomFloats(rnd, rows * cols, scale), rows, cols);
    }

    /** Keeps {@code v} by name for the reference forward and adds it to the file as an F32 tensor. */
    private static void add(RippleContents c, Map<String, float[]> values, String name, float[] v, long... shape) {
        values.put(name, v);
        c.addTensor(new ResidentTensor(name, DType.F32, shape, v));
    }

    /** A random bias {@code base.bias} of {@code n} values, or null (none) when {@code present} is false. */
    private static String bias(
            RippleContents c, Map<String, float[]> values, String base, Random rnd, int n, boolean present) {
        if (!present) {
            return null;
        }
        add(c, values, base + ".bias", RandomModels.randomFloats(rnd, n, 0.1f), n);
        return base + ".bias";
    }

    private static Projection projection(
            RippleContents c,
            Map<String, float[]> values,
            String base,
            Random rnd,
            float scale,
            int out,
            int in,
            boolean bias) {
        put(c, values, base + ".weight", rnd, scale, out, in);
        return new Projection(base + ".weight", bias(c, values, base, rnd, out, bias));
    }

    private static Norm norm(
            RippleContents c, Map<String, float[]> values, String base, Random rnd, int h, boolean bias) {
        float[] w = new float[h];
        for (int i = 0; i < h; i++) {
            w[i] = 1f + (float) rnd.nextGaussian() * 0.1f;
        }
        add(c, values, base + ".weight", w, h);
        return new Norm(base + ".weight", bias(c, values, base, rnd, h, bias));
    }
}
