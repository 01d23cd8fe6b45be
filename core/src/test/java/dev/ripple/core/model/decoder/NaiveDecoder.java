package dev.ripple.core.model.decoder;

import dev.ripple.core.ffn.FfnLayerWeights;
import dev.ripple.core.model.decoder.DecoderConfig.Family;
import dev.ripple.core.model.decoder.DecoderConfig.Norm;
import dev.ripple.core.model.decoder.DecoderConfig.Projection;
import dev.ripple.core.model.decoder.DecoderConfig.Rotation;
import dev.ripple.core.testing.RandomDecoders.Decoder;

/**
 * The decoder forward written out from the formulas, in double precision, recomputing the whole
 * sequence at every call (no KV cache, no chunks, no kernels): what {@link DecoderModel} must
 * agree with.
 */
final class NaiveDecoder {
    private final Decoder d;
    private final DecoderConfig c;

    NaiveDecoder(Decoder d) {
        this.d = d;
        this.c = d.config();
    }

    /** The logits of every position of {@code ids}. */
    double[][] logits(int[] ids) {
        int n = ids.length;
        int h = c.hiddenSize();
        DecoderConfig.Tensors names = c.tensors();
        int embedDim = d.get(names.embeddings()).length / c.vocabSize();
        double[][] x = new double[n][];
        for (int t = 0; t < n; t++) {
            double[] e = new double[embedDim];
            float[] table = d.get(names.embeddings());
            for (int k = 0; k < embedDim; k++) {
                e[k] = table[ids[t] * embedDim + k];
            }
            x[t] = names.projectIn() == null ? e : matvec(d.get(names.projectIn()), null, e, h);
            if (names.positions() != null) {
                float[] pos = d.get(names.positions());
                for (int k = 0; k < h; k++) {
                    x[t][k] += pos[(t + c.positionOffset()) * h + k];
                }
            }
        }
        for (int l = 0; l < c.numLayers(); l++) {
            DecoderConfig.Layer names1 = names.layers().get(l);
            FfnLayerWeights ffn = d.ffns().get(l);
            if (c.preNorm()) {
                double[][] a = attention(l, names1, normAll(x, names1.attentionNorm()));
                add(x, a);
                double[][] f = ffn(ffn, normAll(x, names1.ffnNorm()));
                add(x, f);
            } else {
                double[][] a = attention(l, names1, x);
                add(x, a);
                x = normAll(x, names1.attentionNorm());
                double[][] f = ffn(ffn, x);
                add(x, f);
                x = normAll(x, names1.ffnNorm());
            }
        }
        double[][] logits = new double[n][];
        for (int t = 0; t < n; t++) {
            double[] y = names.finalNorm() == null ? x[t] : norm(x[t], names.finalNorm());
            if (names.projectOut() != null) {
                y = matvec(d.get(names.projectOut()), null, y, embedDim);
            }
            logits[t] = matvec(d.get(names.lmHead()), null, y, c.vocabSize());
        }
        return logits;
    }

    private double[][] attention(int layer, DecoderConfig.Layer names, double[][] in) {
        int n = in.length;
        int hd = c.headDim();
        double[][] q = new double[n][];
        double[][] k = new double[n][];
        double[][] v = new double[n][];
        for (int t = 0; t < n; t++) {
            q[t] = project(names.query(), in[t], c.numHeads() * hd);
            k[t] = project(names.key(), in[t], c.numKvHeads() * hd);
            v[t] = project(names.value(), in[t], c.numKvHeads() * hd);
            if (c.rope() != null) {
                rotate(q[t], c.numHeads(), t);
                rotate(k[t], c.numKvHeads(), t);
            }
        }
        double[][] out = new double[n][];
        for (int t = 0; t < n; t++) {
            double[] ctx = new double[c.numHeads() * hd];
            for (int head = 0; head < c.numHeads(); head++) {
                int kv = head / (c.numHeads() / c.numKvHeads());
                int first = c.slidingWindow() > 0 ? Math.max(0, t - c.slidingWindow() + 1) : 0;
                double[] s = new double[t + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = first; j <= t; j++) {
                    double dot = 0;
                    for (int i = 0; i < hd; i++) {
                        dot += q[t][head * hd + i] * k[j][kv * hd + i];
                    }
                    s[j] = dot / Math.sqrt(hd);
                    max = Math.max(max, s[j]);
                }
                double sum = 0;
                for (int j = first; j <= t; j++) {
                    s[j] = Math.exp(s[j] - max);
                    sum += s[j];
                }
                for (int j = first; j <= t; j++) {
                    for (int i = 0; i < hd; i++) {
                        ctx[head * hd + i] += s[j] / sum * v[j][kv * hd + i];
                    }
                }
            }
            out[t] = project(names.output(), ctx, c.hiddenSize());
        }
        return out;
    }

    private void rotate(double[] v, int heads, int position) {
        int hd = c.headDim();
        float[] inv = c.rope().inverseFrequencies(hd);
        boolean adjacent = c.rope().rotation() == Rotation.ADJACENT;
        for (int head = 0; head < heads; head++) {
            for (int i = 0; i < hd / 2; i++) {
                int a = head * hd + (adjacent ? 2 * i : i);
                int b = adjacent ? a + 1 : a + hd / 2;
                double angle = position * (double) inv[i];
                double x0 = v[a];
                double x1 = v[b];
                v[a] = x0 * Math.cos(angle) - x1 * Math.sin(angle);
                v[b] = x1 * Math.cos(angle) + x0 * Math.sin(angle);
            }
        }
    }

    private double[][] ffn(FfnLayerWeights w, double[][] in) {
        int h = c.hiddenSize();
        int n = w.spec().dFfn();
        double[][] out = new double[in.length][];
        for (int t = 0; t < in.length; t++) {
            double[] y = new double[h];
            for (int k = 0; k < h; k++) {
                y[k] = w.downBias()[k];
            }
            for (int i = 0; i < n; i++) {
                double u = w.upBias()[i];
                double g = w.spec().gated() ? w.gateBias()[i] : 0;
                for (int k = 0; k < h; k++) {
                    u += w.up()[i * h + k] * in[t][k];
                    if (w.spec().gated()) {
                        g += w.gate()[i * h + k] * in[t][k];
                    }
                }
                double a = w.spec().neuron((float) u, (float) g);
                for (int k = 0; k < h; k++) {
                    y[k] += a * w.downColumns()[i * h + k];
                }
            }
            out[t] = y;
        }
        return out;
    }

    private double[] project(Projection p, double[] x, int out) {
        return matvec(d.get(p.weight()), p.bias() == null ? null : d.get(p.bias()), x, out);
    }

    private static double[] matvec(float[] w, float[] b, double[] x, int out) {
        int in = x.length;
        double[] y = new double[out];
        for (int j = 0; j < out; j++) {
            double s = b == null ? 0 : b[j];
            for (int k = 0; k < in; k++) {
                s += w[j * in + k] * x[k];
            }
            y[j] = s;
        }
        return y;
    }

    private double[][] normAll(double[][] x, Norm norm) {
        double[][] y = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            y[t] = norm(x[t], norm);
        }
        return y;
    }

    private double[] norm(double[] x, Norm norm) {
        int h = x.length;
        float[] w = d.get(norm.weight());
        double[] y = new double[h];
        if (c.family() == Family.OPT) {
            double mean = 0;
            for (double v : x) {
                mean += v;
            }
            mean /= h;
            double var = 0;
            for (double v : x) {
                var += (v - mean) * (v - mean);
            }
            var /= h;
            float[] b = norm.bias() == null ? new float[h] : d.get(norm.bias());
            for (int k = 0; k < h; k++) {
                y[k] = (x[k] - mean) / Math.sqrt(var + c.normEps()) * w[k] + b[k];
            }
        } else {
            double sq = 0;
            for (double v : x) {
                sq += v * v;
            }
            double inv = 1 / Math.sqrt(sq / h + c.normEps());
            for (int k = 0; k < h; k++) {
                y[k] = x[k] * inv * w[k];
            }
        }
        return y;
    }

    private static void add(double[][] x, double[][] d) {
        for (int t = 0; t < x.length; t++) {
            for (int k = 0; k < x[t].length; k++) {
                x[t][k] += d[t][k];
            }
        }
    }
}
