package dev.ripple.placement.importer;

import dev.ripple.core.tensor.Activation;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A generated ONNX model: {@code input_ids → Gather(embedding) → h; per layer h += FFN(h)}, with
 * the FFN written in one of several exporter styles. Keeps the generated weights (in ONNX
 * layout) so tests can compare the import and the profile with them.
 */
public final class GeneratedFfnModel {

    /** How the FFN is written in the graph. */
    public enum Style {
        RELU(Activation.RELU, false),
        GELU_OP(Activation.GELU, false),
        /** Div(√2) → Erf → Add(1) → Mul(x) → Mul(0.5), as PyTorch exports BERT. */
        ERF_GELU(Activation.GELU, false),
        /** Mul(0.5, x) first, then Mul with (1 + Erf(x · 1/√2)). */
        ERF_GELU_HALF_FIRST(Activation.GELU, false),
        SILU(Activation.SILU, false),
        GATED_SILU(Activation.SILU, true),
        GATED_RELU(Activation.RELU, true);

        public final Activation activation;
        final boolean gated;

        Style(Activation a, boolean gated) {
            this.activation = a;
            this.gated = gated;
        }

        /** Whether the FFN is {@code act(gate)·up} rather than {@code act(up)}. */
        public boolean gated() {
            return gated;
        }
    }

    /** Weights of one generated layer, ONNX layout. */
    public record Layer(
            float[] up,
            float[] upBias,
            float[] gate,
            float[] gateBias,
            float[] down,
            float[] downBias,
            String activationOutput) {}

    public final Style style;
    public final int vocab;
    public final int dModel;
    public final int dFfn;
    public final float[] embedding;
    public final List<Layer> layers = new ArrayList<>();
    public final byte[] bytes;

    public GeneratedFfnModel(Style style, int nLayers, int vocab, int dModel, int dFfn, long seed, boolean floatData) {
        this.style = style;
        this.vocab = vocab;
        this.dModel = dModel;
        this.dFfn = dFfn;
        Random rnd = new Random(seed);
        OnnxTestWriter w = new OnnxTestWriter(style == Style.GELU_OP ? 20 : 17);
        w.floatData = floatData;
        w.input("input_ids", 7, "batch", "seq");
        embedding = random(rnd, vocab * dModel, 1.0f);
        w.initializer("embedding", new long[] {vocab, dModel}, embedding);
        String h = w.node("Gather", "embedding", "input_ids");
        float scale = (float) (1 / Math.sqrt(dModel));
        for (int l = 0; l < nLayers; l++) {
            float[] up = random(rnd, dModel * dFfn, scale);
            float[] upBias = style.gated ? new float[dFfn] : random(rnd, dFfn, 0.1f);
            float[] down = random(rnd, dFfn * dModel, (float) (1 / Math.sqrt(dFfn)));
            float[] downBias = style.gated ? new float[dModel] : random(rnd, dModel, 0.1f);
            String wu = w.initializer("layer" + l + ".up", new long[] {dModel, dFfn}, up);
            String wd = w.initializer("layer" + l + ".down", new long[] {dFfn, dModel}, down);
            String u = w.node("MatMul", h, wu);
            if (!style.gated) {
                String bu = w.initializer("layer" + l + ".up_bias", new long[] {dFfn}, upBias);
                u = l % 2 == 0 ? w.node("Add", bu, u) : w.node("Add", u, bu);
            }
            float[] gate = null;
            float[] gateBias = null;
            String act;
            if (style.gated) {
                gate = random(rnd, dModel * dFfn, scale);
                gateBias = new float[dFfn];
                String wg = w.initializer("layer" + l + ".gate", new long[] {dModel, dFfn}, gate);
                String g = w.node("MatMul", h, wg);
                String a = style.activation == Activation.RELU
                        ? w.node("Relu", g)
                        : w.node("Mul", g, w.node("Sigmoid", g));
                act = l % 2 == 0 ? w.node("Mul", a, u) : w.node("Mul", u, a);
            } else {
                act = switch (style) {
                    case RELU -> w.node("Relu", u);
                    case GELU_OP -> w.node("Gelu", u);
                    case SILU -> w.node("Mul", w.node("Sigmoid", u), u);
                    case ERF_GELU -> {
                        String erf = w.node("Erf", w.node("Div", u, w.constant((float) Math.sqrt(2))));
                        String onePlus = w.node("Add", erf, w.constant(1f));
                        yield w.node("Mul", w.node("Mul", u, onePlus), w.constant(0.5f));
                    }
                    default -> {
                        String erf = w.node("Erf", w.node("Mul", u, w.constant((float) (1 / Math.sqrt(2)))));
                        String onePlus = w.node("Add", w.constant(1f), erf);
                        yield w.node("Mul", w.node("Mul", w.constant(0.5f), u), onePlus);
                    }
                };
            }
            String y = w.node("MatMul", act, wd);
            if (!style.gated) {
                String bd = w.initializer("layer" + l + ".down_bias", new long[] {dModel}, downBias);
                y = w.node("Add", y, bd);
            }
            h = w.node("Add", h, y);
            layers.add(new Layer(up, upBias, gate, gateBias, down, downBias, act));
        }
        w.output(h);
        bytes = w.build();
    }

    static float[] random(Random rnd, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextGaussian() * scale);
        }
        return a;
    }

    /** Transposes an ONNX [rows, cols] matrix. */
    public static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[r * cols + c];
            }
        }
        return t;
    }
}
