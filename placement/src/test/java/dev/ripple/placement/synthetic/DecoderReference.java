package dev.ripple.placement.synthetic;

import dev.ripple.placement.importer.SafetensorsFile;
import dev.ripple.placement.synthetic.SyntheticDecoder.Family;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A straightforward double-precision forward pass of a generated decoder over a whole sequence, with
 * no KV cache: every position attends to positions 0..t directly. Written from the Hugging Face
 * modeling code's semantics, independently of the ONNX graph builder (it shares only
 * {@link SafetensorsFile} to read the stored weights), so that agreeing with ONNX Runtime makes the
 * graph trustworthy. Loops, not kernels: tiny models only.
 */
final class DecoderReference {
    /** Sees each layer's FFN activation output (the vector that enters the down projection) per position. */
    interface FfnListener {
        void activation(int layer, int position, double[] act);
    }

    private final SyntheticDecoder s;
    private final SafetensorsFile f;

    DecoderReference(SyntheticDecoder spec, Path safetensors) throws IOException {
        this.s = spec;
        this.f = SafetensorsFile.open(safetensors);
    }

    double[][] logits(int[] ids) throws IOException {
        return logits(ids, (l, t, a) -> {});
    }

    double[][] logits(int[] ids, FfnListener listener) throws IOException {
        return s.family() == Family.OPT ? opt(ids, listener) : llama(ids, listener);
    }

    // ---------------------------------------------------------------- OPT

    private double[][] opt(int[] ids, FfnListener listener) throws IOException {
        int d = s.hiddenSize();
        int proj = s.wordEmbedProjDim();
        String m = "model.decoder.";
        double[] embed = w(m + "embed_tokens.weight");
        double[] positions = w(m + "embed_positions.weight");
        int n = ids.length;
        double[][] x = new double[n][];
        for (int t = 0; t < n; t++) {
            double[] e = row(embed, ids[t], proj);
            if (proj != d) {
                e = matvec(w(m + "project_in.weight"), null, e, d);
            }
            double[] p = row(positions, t + 2, d); // OPT's offset: position t is row t + 2
            x[t] = add(e, p);
        }
        for (int l = 0; l < s.numLayers(); l++) {
            String p = m + "layers." + l + ".";
            if (s.doLayerNormBefore()) {
                double[][] a = optAttention(p, layerNorm(x, p + "self_attn_layer_norm"));
                double[][] h = add(x, a);
                double[][] ffn = optFfn(p, layerNorm(h, p + "final_layer_norm"), l, listener);
                x = add(h, ffn);
            } else {
                double[][] h = layerNorm(add(x, optAttention(p, x)), p + "self_attn_layer_norm");
                x = layerNorm(add(h, optFfn(p, h, l, listener)), p + "final_layer_norm");
            }
        }
        if (s.doLayerNormBefore()) {
            x = layerNorm(x, m + "final_layer_norm");
        }
        if (proj != d) {
            double[] out = w(m + "project_out.weight");
            for (int t = 0; t < n; t++) {
                x[t] = matvec(out, null, x[t], proj);
            }
        }
        return head(x, embed);
    }

    private double[][] optAttention(String p, double[][] x) throws IOException {
        int d = s.hiddenSize();
        double[] wq = w(p + "self_attn.q_proj.weight");
        double[] bq = w(p + "self_attn.q_proj.bias");
        double[] wk = w(p + "self_attn.k_proj.weight");
        double[] bk = w(p + "self_attn.k_proj.bias");
        double[] wv = w(p + "self_attn.v_proj.weight");
        double[] bv = w(p + "self_attn.v_proj.bias");
        double scaling = Math.pow(s.headDim(), -0.5);
        int n = x.length;
        double[][] q = new double[n][];
        double[][] k = new double[n][];
        double[][] v = new double[n][];
        for (int t = 0; t < n; t++) {
            q[t] = matvec(wq, bq, x[t], d);
            for (int i = 0; i < d; i++) {
                q[t][i] *= scaling; // OPT scales after the bias
            }
            k[t] = matvec(wk, bk, x[t], d);
            v[t] = matvec(wv, bv, x[t], d);
        }
        double[][] ctx = attend(q, k, v, s.numHeads(), s.numHeads(), 1.0);
        double[] wo = w(p + "self_attn.out_proj.weight");
        double[] bo = w(p + "self_attn.out_proj.bias");
        double[][] out = new double[n][];
        for (int t = 0; t < n; t++) {
            out[t] = matvec(wo, bo, ctx[t], d);
        }
        return out;
    }

    private double[][] optFfn(String p, double[][] x, int layer, FfnListener listener) throws IOException {
        double[] w1 = w(p + "fc1.weight");
        double[] b1 = w(p + "fc1.bias");
        double[] w2 = w(p + "fc2.weight");
        double[] b2 = w(p + "fc2.bias");
        double[][] out = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            double[] a = matvec(w1, b1, x[t], s.intermediateSize());
            for (int i = 0; i < a.length; i++) {
                a[i] = Math.max(0, a[i]);
            }
            listener.activation(layer, t, a);
            out[t] = matvec(w2, b2, a, s.hiddenSize());
        }
        return out;
    }

    private double[][] layerNorm(double[][] x, String prefix) throws IOException {
        double[] g = w(prefix + ".weight");
        double[] b = w(prefix + ".bias");
        double[][] out = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            double mean = 0;
            for (double v : x[t]) {
                mean += v;
            }
            mean /= x[t].length;
            double var = 0;
            for (double v : x[t]) {
                var += (v - mean) * (v - mean);
            }
            var /= x[t].length;
            double inv = 1 / Math.sqrt(var + 1e-5);
            out[t] = new double[x[t].length];
            for (int i = 0; i < x[t].length; i++) {
                out[t][i] = (x[t][i] - mean) * inv * g[i] + b[i];
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- Llama family

    private double[][] llama(int[] ids, FfnListener listener) throws IOException {
        int d = s.hiddenSize();
        double[] embed = w("model.embed_tokens.weight");
        int n = ids.length;
        double[][] x = new double[n][];
        for (int t = 0; t < n; t++) {
            x[t] = row(embed, ids[t], d);
        }
        for (int l = 0; l < s.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            double[][] h = add(x, llamaAttention(p, rmsNorm(x, p + "input_layernorm.weight")));
            x = add(h, llamaFfn(p, rmsNorm(h, p + "post_attention_layernorm.weight"), l, listener));
        }
        x = rmsNorm(x, "model.norm.weight");
        return head(x, s.tieWordEmbeddings() ? embed : w("lm_head.weight"));
    }

    private double[][] llamaAttention(String p, double[][] x) throws IOException {
        int d = s.hiddenSize();
        int hd = s.headDim();
        int qw = s.numHeads() * hd;
        int kw = s.numKvHeads() * hd;
        boolean bias = s.attentionBias();
        double[] wq = w(p + "self_attn.q_proj.weight");
        double[] wk = w(p + "self_attn.k_proj.weight");
        double[] wv = w(p + "self_attn.v_proj.weight");
        double[] bq = bias ? w(p + "self_attn.q_proj.bias") : null;
        double[] bk = bias ? w(p + "self_attn.k_proj.bias") : null;
        double[] bv = bias ? w(p + "self_attn.v_proj.bias") : null;
        double[] inv = inverseFrequencies();
        int n = x.length;
        double[][] q = new double[n][];
        double[][] k = new double[n][];
        double[][] v = new double[n][];
        for (int t = 0; t < n; t++) {
            q[t] = rope(matvec(wq, bq, x[t], qw), t, inv);
            k[t] = rope(matvec(wk, bk, x[t], kw), t, inv);
            v[t] = matvec(wv, bv, x[t], kw);
        }
        double[][] ctx = attend(q, k, v, s.numHeads(), s.numKvHeads(), 1 / Math.sqrt(hd));
        double[] wo = w(p + "self_attn.o_proj.weight");
        double[][] out = new double[n][];
        for (int t = 0; t < n; t++) {
            out[t] = matvec(wo, null, ctx[t], d);
        }
        return out;
    }

    /** Each head rotated in pairs (i, i + hd/2) by angle position · inv_freq[i] (rotate_half). */
    private double[] rope(double[] x, int position, double[] inv) {
        int hd = s.headDim();
        int half = hd / 2;
        double[] out = x.clone();
        for (int h = 0; h < x.length / hd; h++) {
            for (int i = 0; i < half; i++) {
                double a = position * inv[i];
                double x1 = x[h * hd + i];
                double x2 = x[h * hd + i + half];
                out[h * hd + i] = x1 * Math.cos(a) - x2 * Math.sin(a);
                out[h * hd + i + half] = x2 * Math.cos(a) + x1 * Math.sin(a);
            }
        }
        return out;
    }

    /** transformers' default rope and {@code _compute_llama3_parameters}, written out again here. */
    private double[] inverseFrequencies() {
        int hd = s.headDim();
        double[] inv = new double[hd / 2];
        for (int i = 0; i < inv.length; i++) {
            inv[i] = 1 / Math.pow(s.ropeTheta(), 2.0 * i / hd);
        }
        SyntheticDecoder.RopeScaling r = s.ropeScaling();
        if (r != null) {
            double lowWavelen = r.originalMaxPositions() / r.lowFreqFactor();
            double highWavelen = r.originalMaxPositions() / r.highFreqFactor();
            for (int i = 0; i < inv.length; i++) {
                double wavelen = 2 * Math.PI / inv[i];
                double scaled = wavelen > lowWavelen ? inv[i] / r.factor() : inv[i];
                double smooth = (r.originalMaxPositions() / wavelen - r.lowFreqFactor())
                        / (r.highFreqFactor() - r.lowFreqFactor());
                double smoothed = (1 - smooth) * scaled / r.factor() + smooth * scaled;
                boolean medium = !(wavelen < highWavelen) && !(wavelen > lowWavelen);
                inv[i] = medium ? smoothed : scaled;
            }
        }
        return inv;
    }

    private double[][] llamaFfn(String p, double[][] x, int layer, FfnListener listener) throws IOException {
        double[] wg = w(p + "mlp.gate_proj.weight");
        double[] wu = w(p + "mlp.up_proj.weight");
        double[] wd = w(p + "mlp.down_proj.weight");
        int f = s.intermediateSize();
        double[][] out = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            double[] g = matvec(wg, null, x[t], f);
            double[] u = matvec(wu, null, x[t], f);
            double[] a = new double[f];
            for (int i = 0; i < f; i++) {
                a[i] = switch (s.hiddenAct()) {
                    case "silu" -> g[i] / (1 + Math.exp(-g[i])) * u[i];
                    case "relu" -> Math.max(0, g[i]) * u[i];
                    case "fatrelu" -> (g[i] > (float) s.hiddenActParam() ? g[i] : 0) * u[i];
                    case "drelu" -> Math.max(0, g[i]) * Math.max(0, u[i]);
                    default -> throw new IllegalStateException(s.hiddenAct());
                };
            }
            listener.activation(layer, t, a);
            out[t] = matvec(wd, null, a, s.hiddenSize());
        }
        return out;
    }

    private double[][] rmsNorm(double[][] x, String weight) throws IOException {
        double[] g = w(weight);
        double[][] out = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            double ms = 0;
            for (double v : x[t]) {
                ms += v * v;
            }
            ms /= x[t].length;
            double inv = 1 / Math.sqrt(ms + s.normEps());
            out[t] = new double[x[t].length];
            for (int i = 0; i < x[t].length; i++) {
                out[t][i] = x[t][i] * inv * g[i];
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- shared

    /** Causal softmax attention; query head h reads kv head h / (heads / kvHeads); scores times {@code scale}. */
    private double[][] attend(double[][] q, double[][] k, double[][] v, int heads, int kvHeads, double scale) {
        int hd = s.headDim();
        int group = heads / kvHeads;
        int n = q.length;
        double[][] ctx = new double[n][heads * hd];
        for (int t = 0; t < n; t++) {
            for (int h = 0; h < heads; h++) {
                int kh = h / group;
                double[] scores = new double[t + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= t; j++) {
                    double dot = 0;
                    for (int i = 0; i < hd; i++) {
                        dot += q[t][h * hd + i] * k[j][kh * hd + i];
                    }
                    scores[j] = dot * scale;
                    max = Math.max(max, scores[j]);
                }
                double sum = 0;
                for (int j = 0; j <= t; j++) {
                    scores[j] = Math.exp(scores[j] - max);
                    sum += scores[j];
                }
                for (int j = 0; j <= t; j++) {
                    for (int i = 0; i < hd; i++) {
                        ctx[t][h * hd + i] += scores[j] / sum * v[j][kh * hd + i];
                    }
                }
            }
        }
        return ctx;
    }

    private double[][] head(double[][] x, double[] weight) {
        double[][] out = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            out[t] = matvec(weight, null, x[t], s.vocabSize());
        }
        return out;
    }

    /** {@code W·x + b} for a row-major {@code [rows, x.length]} weight. */
    private static double[] matvec(double[] w, double[] b, double[] x, int rows) {
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double acc = b == null ? 0 : b[r];
            for (int c = 0; c < x.length; c++) {
                acc += w[r * x.length + c] * x[c];
            }
            out[r] = acc;
        }
        return out;
    }

    private static double[] row(double[] m, int r, int width) {
        double[] out = new double[width];
        System.arraycopy(m, r * width, out, 0, width);
        return out;
    }

    private static double[] add(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + b[i];
        }
        return out;
    }

    private static double[][] add(double[][] a, double[][] b) {
        double[][] out = new double[a.length][];
        for (int t = 0; t < a.length; t++) {
            out[t] = add(a[t], b[t]);
        }
        return out;
    }

    private double[] w(String name) throws IOException {
        float[] v = f.read(name);
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }
}
