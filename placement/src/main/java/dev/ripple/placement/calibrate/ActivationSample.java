package dev.ripple.placement.calibrate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Raw FFN activations of a set of calibration tokens, one row-major {@code [tokens × dFfn]} array
 * per layer, as ONNX Runtime computed them with the model run densely. Everything calibrated from
 * it (thresholds, fill-in means) is therefore measured on the dense model, as profiling is.
 *
 * <pre>{@code
 * ActivationSample.Builder b = ActivationSample.builder(new int[] {1536, 1536});
 * b.add(profiler.activations(passage), passage.length());
 * ActivationSample s = b.build();
 * }</pre>
 *
 * @param neurons dFfn per layer
 * @param values  per layer, {@code tokens × neurons[l]} activations
 * @param tokens  rows held
 */
public record ActivationSample(int[] neurons, List<float[]> values, int tokens) {

    public ActivationSample {
        neurons = neurons.clone();
        values = List.copyOf(values);
        if (values.size() != neurons.length) {
            throw new IllegalArgumentException(
                    "activation sample: " + values.size() + " layers of values for " + neurons.length + " layers");
        }
        for (int l = 0; l < neurons.length; l++) {
            if ((long) tokens * neurons[l] != values.get(l).length) {
                throw new IllegalArgumentException("activation sample: layer " + l + " holds " + values.get(l).length
                        + " values, expected " + tokens + " tokens × " + neurons[l] + " neurons");
            }
        }
    }

    @Override
    public int[] neurons() {
        return neurons.clone();
    }

    public int layers() {
        return neurons.length;
    }

    /** Layer {@code l}'s values (the stored array itself: callers only read it). */
    public float[] layer(int l) {
        return values.get(l);
    }

    /** A sample of every {@code stride}-th token, for the costlier searches. */
    public ActivationSample everyNth(int stride) {
        if (stride <= 1) {
            return this;
        }
        int kept = (tokens + stride - 1) / stride;
        List<float[]> out = new ArrayList<>();
        for (int l = 0; l < neurons.length; l++) {
            int n = neurons[l];
            float[] src = values.get(l);
            float[] dst = new float[kept * n];
            for (int t = 0, k = 0; t < tokens; t += stride, k++) {
                System.arraycopy(src, t * n, dst, k * n, n);
            }
            out.add(dst);
        }
        return new ActivationSample(neurons, out, kept);
    }

    public static Builder builder(int[] neurons) {
        return new Builder(neurons);
    }

    /** Collects passages' activations up to a token budget. */
    public static final class Builder {
        private final int[] neurons;
        private final List<List<float[]>> chunks = new ArrayList<>();
        private int tokens;

        private Builder(int[] neurons) {
            this.neurons = neurons.clone();
            for (int l = 0; l < neurons.length; l++) {
                chunks.add(new ArrayList<>());
            }
        }

        /** Adds the first {@code rows} tokens of a passage's per-layer activations. */
        public Builder add(float[][] perLayer, int rows) {
            if (perLayer.length != neurons.length) {
                throw new IllegalArgumentException(
                        "activation sample: passage has " + perLayer.length + " layers, expected " + neurons.length);
            }
            for (int l = 0; l < neurons.length; l++) {
                long need = (long) rows * neurons[l];
                if (perLayer[l].length < need) {
                    throw new IllegalArgumentException("activation sample: layer " + l + " has " + perLayer[l].length
                            + " values, fewer than " + rows + " tokens × " + neurons[l]);
                }
                chunks.get(l).add(Arrays.copyOf(perLayer[l], (int) need));
            }
            tokens += rows;
            return this;
        }

        public int tokens() {
            return tokens;
        }

        public ActivationSample build() {
            List<float[]> values = new ArrayList<>();
            for (int l = 0; l < neurons.length; l++) {
                float[] all = new float[Math.multiplyExact(tokens, neurons[l])];
                int at = 0;
                for (float[] c : chunks.get(l)) {
                    System.arraycopy(c, 0, all, at, c.length);
                    at += c.length;
                }
                values.add(all);
            }
            return new ActivationSample(neurons, values, tokens);
        }
    }
}
