package dev.ripple.placement.importer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ripple.core.ffn.FfnLayerWeights;

/**
 * A plain, slow BERT encoder forward pass over an {@link ImportedModel}, using only its resident
 * tensors, FFN layers and architecture config as docs/IMPORT.md describes them. Test code: it
 * proves the import is complete and its naming and orientation are what the docs say.
 */
final class BertReference {
    private final ImportedModel m;
    private final JsonNode a;
    private final int d;
    private final int heads;
    private final int hd;

    BertReference(ImportedModel m) {
        this.m = m;
        this.a = m.architecture();
        this.d = a.get("hiddenSize").asInt();
        this.heads = a.get("numHeads").asInt();
        this.hd = a.get("headDim").asInt();
    }

    /** Last hidden state [tokens][d] for one unpadded sequence. */
    float[][] forward(long[] ids, long[] typeIds) {
        int n = ids.length;
        JsonNode emb = a.get("embeddings");
        float[] word = t(emb.get("word").asText());
        float[] pos = t(emb.get("position").asText());
        float[] type =
                emb.get("tokenType").isNull() ? null : t(emb.get("tokenType").asText());
        float[][] x = new float[n][d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                x[i][k] = word[(int) ids[i] * d + k]
                        + pos[i * d + k]
                        + (type == null ? 0 : type[(int) typeIds[i] * d + k]);
            }
            x[i] = norm(x[i], emb.get("norm"));
        }
        for (int li = 0; li < a.get("layers").size(); li++) {
            JsonNode layer = a.get("layers").get(li);
            float[][] q = new float[n][];
            float[][] k = new float[n][];
            float[][] v = new float[n][];
            for (int i = 0; i < n; i++) {
                q[i] = linear(x[i], layer.get("query"));
                k[i] = linear(x[i], layer.get("key"));
                v[i] = linear(x[i], layer.get("value"));
            }
            FfnLayerWeights ffn = m.weights(li);
            float[][] out = new float[n][];
            for (int i = 0; i < n; i++) {
                float[] ctx = new float[d];
                for (int h = 0; h < heads; h++) {
                    double[] s = new double[n];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < n; j++) {
                        double dot = 0;
                        for (int c = 0; c < hd; c++) {
                            dot += (double) q[i][h * hd + c] * k[j][h * hd + c];
                        }
                        s[j] = dot / Math.sqrt(hd);
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < n; j++) {
                        s[j] = Math.exp(s[j] - max);
                        sum += s[j];
                    }
                    for (int j = 0; j < n; j++) {
                        for (int c = 0; c < hd; c++) {
                            ctx[h * hd + c] += (float) (s[j] / sum * v[j][h * hd + c]);
                        }
                    }
                }
                float[] attn = linear(ctx, layer.get("attentionOutput"));
                float[] h1 = new float[d];
                for (int c = 0; c < d; c++) {
                    h1[c] = x[i][c] + attn[c];
                }
                h1 = norm(h1, layer.get("attentionNorm"));
                float[] f = new float[d];
                ffn.denseForward(h1, f);
                for (int c = 0; c < d; c++) {
                    f[c] += h1[c];
                }
                out[i] = norm(f, layer.get("outputNorm"));
            }
            x = out;
        }
        return x;
    }

    private float[] t(String name) {
        return m.tensor(name).values();
    }

    /** {@code W x + b} with W stored [out, in]. */
    private float[] linear(float[] x, JsonNode spec) {
        float[] w = t(spec.get("weight").asText());
        float[] b = t(spec.get("bias").asText());
        int out = b.length;
        int in = x.length;
        float[] y = new float[out];
        for (int j = 0; j < out; j++) {
            double acc = b[j];
            for (int i = 0; i < in; i++) {
                acc += (double) w[j * in + i] * x[i];
            }
            y[j] = (float) acc;
        }
        return y;
    }

    private float[] norm(float[] x, JsonNode spec) {
        float[] g = t(spec.get("weight").asText());
        float[] b = t(spec.get("bias").asText());
        double eps = a.get("layerNormEps").asDouble();
        double mean = 0;
        for (float v : x) {
            mean += v;
        }
        mean /= x.length;
        double var = 0;
        for (float v : x) {
            var += (v - mean) * (v - mean);
        }
        var /= x.length;
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) ((x[i] - mean) / Math.sqrt(var + eps) * g[i] + b[i]);
        }
        return y;
    }
}
