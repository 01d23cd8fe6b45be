package dev.ripple.placement.synthetic;

import dev.ripple.placement.synthetic.SyntheticDecoder.Family;
import java.util.ArrayList;
import java.util.List;

/**
 * The tensors of a {@link SyntheticDecoder}, in checkpoint order, each with Hugging Face's name and
 * PyTorch shape ({@code [out, in]} for linear weights) and a generator of its rows. Nothing is
 * generated until a tensor's rows are opened, and a row is produced from the seed and the tensor's
 * name alone, so tensors can be written one row at a time in any grouping (shards) with the same
 * values.
 */
final class SyntheticTensors {
    private SyntheticTensors() {}

    /** Produces a tensor's rows in order, each {@code rowLength} values. */
    interface Rows {
        void next(float[] row);
    }

    /** One planned tensor; 1-D tensors are one row. */
    record Planned(String name, long[] shape, RowsFactory factory) {
        long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        int rowCount() {
            return shape.length == 1 ? 1 : (int) shape[0];
        }

        int rowLength() {
            return (int) shape[shape.length - 1];
        }

        Rows open() {
            return factory.open();
        }
    }

    interface RowsFactory {
        Rows open();
    }

    /** Every tensor of the model, in the order they are written. */
    static List<Planned> plan(SyntheticDecoder s) {
        return s.family() == Family.OPT ? planOpt(s) : planLlama(s);
    }

    /** The whole tensor as floats (tests and small tensors). */
    static float[] generate(SyntheticDecoder s, String name) {
        for (Planned p : plan(s)) {
            if (p.name().equals(name)) {
                long n = p.elements();
                if (n > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException(name + " has " + n + " elements, more than one array holds");
                }
                float[] out = new float[(int) n];
                float[] row = new float[p.rowLength()];
                Rows rows = p.open();
                for (int r = 0; r < p.rowCount(); r++) {
                    rows.next(row);
                    System.arraycopy(row, 0, out, r * row.length, row.length);
                }
                return out;
            }
        }
        throw new IllegalArgumentException("no tensor '" + name + "' in this model");
    }

    private static List<Planned> planOpt(SyntheticDecoder s) {
        List<Planned> out = new ArrayList<>();
        int d = s.hiddenSize();
        int f = s.intermediateSize();
        int proj = s.wordEmbedProjDim();
        String m = "model.decoder.";
        out.add(normal(s, m + "embed_tokens.weight", s.vocabSize(), proj));
        out.add(normal(s, m + "embed_positions.weight", s.maxPositions() + 2L, d));
        if (proj != d) {
            out.add(normal(s, m + "project_in.weight", d, proj));
        }
        for (int i = 0; i < s.numLayers(); i++) {
            String l = m + "layers." + i + ".";
            for (String p : new String[] {"k_proj", "v_proj", "q_proj", "out_proj"}) {
                out.add(normal(s, l + "self_attn." + p + ".weight", d, d));
                out.add(bias(s, l + "self_attn." + p + ".bias", d, 0));
            }
            out.add(normWeight(s, l + "self_attn_layer_norm.weight", d));
            out.add(bias(s, l + "self_attn_layer_norm.bias", d, 0));
            out.add(clustered(s, l + "fc1.weight", i, f, d, null, 0));
            out.add(bias(s, l + "fc1.bias", f, s.fc1BiasShift()));
            out.add(normal(s, l + "fc2.weight", d, f));
            out.add(bias(s, l + "fc2.bias", d, 0));
            out.add(normWeight(s, l + "final_layer_norm.weight", d));
            out.add(bias(s, l + "final_layer_norm.bias", d, 0));
        }
        if (s.doLayerNormBefore()) {
            out.add(normWeight(s, m + "final_layer_norm.weight", d));
            out.add(bias(s, m + "final_layer_norm.bias", d, 0));
        }
        if (proj != d) {
            out.add(normal(s, m + "project_out.weight", proj, d));
        }
        return out;
    }

    private static List<Planned> planLlama(SyntheticDecoder s) {
        List<Planned> out = new ArrayList<>();
        int d = s.hiddenSize();
        int f = s.intermediateSize();
        int q = s.numHeads() * s.headDim();
        int kv = s.numKvHeads() * s.headDim();
        out.add(normal(s, "model.embed_tokens.weight", s.vocabSize(), d));
        for (int i = 0; i < s.numLayers(); i++) {
            String l = "model.layers." + i + ".";
            out.add(normal(s, l + "self_attn.q_proj.weight", q, d));
            if (s.attentionBias()) {
                out.add(bias(s, l + "self_attn.q_proj.bias", q, 0));
            }
            out.add(normal(s, l + "self_attn.k_proj.weight", kv, d));
            if (s.attentionBias()) {
                out.add(bias(s, l + "self_attn.k_proj.bias", kv, 0));
            }
            out.add(normal(s, l + "self_attn.v_proj.weight", kv, d));
            if (s.attentionBias()) {
                out.add(bias(s, l + "self_attn.v_proj.bias", kv, 0));
            }
            out.add(normal(s, l + "self_attn.o_proj.weight", d, q));
            String gate = l + "mlp.gate_proj.weight";
            out.add(clustered(s, gate, i, f, d, null, 0));
            out.add(clustered(s, l + "mlp.up_proj.weight", i, f, d, gate, s.gateUpCorrelation()));
            out.add(normal(s, l + "mlp.down_proj.weight", d, f));
            out.add(normWeight(s, l + "input_layernorm.weight", d));
            out.add(normWeight(s, l + "post_attention_layernorm.weight", d));
        }
        out.add(normWeight(s, "model.norm.weight", d));
        if (!s.tieWordEmbeddings()) {
            out.add(normal(s, "lm_head.weight", s.vocabSize(), d));
        }
        return out;
    }

    private static Planned normal(SyntheticDecoder s, String name, long rows, int cols) {
        long key = Gaussians.key(s.seed(), name);
        double std = s.initStd();
        return new Planned(name, new long[] {rows, cols}, () -> {
            Gaussians g = new Gaussians(key);
            return row -> {
                for (int j = 0; j < row.length; j++) {
                    row[j] = (float) (std * g.nextGaussian());
                }
            };
        });
    }

    private static Planned normWeight(SyntheticDecoder s, String name, int n) {
        return noisy(s, name, n, 1, SyntheticDecoder.NORM_NOISE);
    }

    private static Planned bias(SyntheticDecoder s, String name, int n, double mean) {
        return noisy(s, name, n, mean, SyntheticDecoder.BIAS_STD);
    }

    private static Planned noisy(SyntheticDecoder s, String name, int n, double mean, double std) {
        long key = Gaussians.key(s.seed(), name);
        return new Planned(name, new long[] {n}, () -> {
            Gaussians g = new Gaussians(key);
            return row -> {
                for (int j = 0; j < row.length; j++) {
                    row[j] = (float) (mean + std * g.nextGaussian());
                }
            };
        });
    }

    /**
     * FFN input rows (fc1, gate, up): {@code initStd·(sqrt(m)·u_c + sqrt(1-m)·n_i)} with the cluster's
     * direction {@code u_c} (from the seed, the tensor name and the cluster), or plain normal rows
     * without clusters. When {@code correlatedWith} names a gate tensor, each row is further mixed with
     * that tensor's row: {@code ρ·gate_i/initStd + sqrt(1 - ρ²)·(own clustered row)}, all scaled by initStd.
     */
    private static Planned clustered(
            SyntheticDecoder s, String name, int layer, int rows, int cols, String correlatedWith, double rho) {
        long key = Gaussians.key(s.seed(), name);
        double std = s.initStd();
        int clusters = s.clusters();
        double shared = Math.sqrt(s.clusterMixing());
        double own = Math.sqrt(1 - s.clusterMixing());
        double other = Math.sqrt(1 - rho * rho);
        Planned partner =
                correlatedWith == null || rho == 0 ? null : clustered(s, correlatedWith, layer, rows, cols, null, 0);
        return new Planned(name, new long[] {rows, cols}, () -> {
            Gaussians noise = new Gaussians(key);
            int[] assignment = clusters == 0 ? null : s.clusterAssignment(layer);
            Rows gate = partner == null ? null : partner.open();
            float[] gateRow = gate == null ? null : new float[cols];
            int[] index = {0};
            return row -> {
                int i = index[0]++;
                Gaussians dir = assignment == null
                        ? null
                        : new Gaussians(Gaussians.key(s.seed(), name + " cluster " + assignment[i]));
                if (gate != null) {
                    gate.next(gateRow);
                }
                for (int j = 0; j < row.length; j++) {
                    double z = dir == null
                            ? noise.nextGaussian()
                            : shared * dir.nextGaussian() + own * noise.nextGaussian();
                    if (gateRow != null) {
                        z = rho * (gateRow[j] / std) + other * z;
                    }
                    row[j] = (float) (std * z);
                }
            };
        });
    }
}
