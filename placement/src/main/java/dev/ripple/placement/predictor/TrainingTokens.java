package dev.ripple.placement.predictor;

import dev.ripple.placement.calibrate.ActivationSample;
import dev.ripple.placement.profile.EncodedPassage;
import dev.ripple.placement.profile.OnnxProfiler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * What a trained predictor learns from: profiled FFN inputs and activations, split passage by
 * passage into a training and a validation part (every fifth passage to validation, so the two are
 * disjoint by passage and the thresholds are calibrated on tokens the networks never saw), plus
 * every token's activations and input moments for the rule's fill-in and the low-rank start.
 *
 * <pre>{@code
 * TrainingTokens data = TrainingTokens.collect(profiler, passages, 10_000, t -> {});
 * PredictorTrainer.train(data.train(), data.validation(), rule, fillIn, layers, start, options);
 * }</pre>
 *
 * @param all        every collected token's activations (train and validation)
 * @param moments    per layer, the FFN input moments of every collected token
 * @param train      four passages in five
 * @param validation every fifth passage
 */
public record TrainingTokens(
        ActivationSample all,
        List<InputMoments> moments,
        PredictorTrainer.TokenSet train,
        PredictorTrainer.TokenSet validation) {

    public TrainingTokens {
        moments = List.copyOf(moments);
    }

    /**
     * Runs {@code passages} through {@code profiler} until {@code maxTokens} tokens are collected.
     *
     * @param tokensDone told the running token count after each passage
     * @throws IllegalArgumentException when the model does not expose its FFN inputs, or the
     *     passages give no validation part (fewer than five)
     */
    public static TrainingTokens collect(
            OnnxProfiler profiler, List<EncodedPassage> passages, long maxTokens, LongConsumer tokensDone)
            throws IOException {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("predictor training needs a positive token budget, got " + maxTokens);
        }
        int layers = profiler.model().layers().size();
        int[] neurons = profiler.model().layers().stream()
                .mapToInt(l -> l.spec().dFfn())
                .toArray();
        int[] width = profiler.model().layers().stream()
                .mapToInt(l -> l.spec().dModel())
                .toArray();
        ActivationSample.Builder all = ActivationSample.builder(neurons);
        ActivationSample.Builder[] split = {ActivationSample.builder(neurons), ActivationSample.builder(neurons)};
        List<List<float[][]>> inputs = List.of(new ArrayList<>(), new ArrayList<>());
        List<InputMoments.Builder> moments = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            moments.add(InputMoments.builder(width[l]));
        }
        int index = 0;
        for (EncodedPassage p : passages) {
            int rows = (int) Math.min(p.length(), maxTokens - all.tokens());
            if (rows <= 0) {
                break;
            }
            OnnxProfiler.PassageTensors t = profiler.run(p);
            if (t.inputs().length != layers) {
                throw new IllegalArgumentException(profiler.model().source()
                        + ": the model does not expose its FFN inputs (or they are wider than "
                        + OnnxProfiler.MAX_MOMENT_WIDTH + "), which the trained predictor learns from");
            }
            all.add(t.activations(), rows);
            int part = index % 5 == 4 ? 1 : 0;
            split[part].add(t.activations(), rows);
            float[][] in = new float[layers][];
            for (int l = 0; l < layers; l++) {
                moments.get(l).add(t.inputs()[l], rows);
                in[l] = Arrays.copyOf(t.inputs()[l], rows * width[l]);
            }
            inputs.get(part).add(in);
            index++;
            tokensDone.accept(all.tokens());
        }
        if (split[0].tokens() == 0 || split[1].tokens() == 0) {
            throw new IllegalArgumentException("predictor training needs at least 5 passages (every fifth validates "
                    + "the thresholds), got " + index + " within " + maxTokens + " tokens");
        }
        return new TrainingTokens(
                all.build(),
                moments.stream().map(InputMoments.Builder::build).toList(),
                tokenSet(split[0].build(), inputs.get(0), layers),
                tokenSet(split[1].build(), inputs.get(1), layers));
    }

    /** The inputs of each passage (arrays per layer) joined per layer. */
    private static PredictorTrainer.TokenSet tokenSet(ActivationSample acts, List<float[][]> passages, int layers) {
        List<float[]> perLayer = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            int size = 0;
            for (float[][] p : passages) {
                size += p[l].length;
            }
            float[] joined = new float[size];
            int at = 0;
            for (float[][] p : passages) {
                System.arraycopy(p[l], 0, joined, at, p[l].length);
                at += p[l].length;
            }
            perLayer.add(joined);
        }
        return new PredictorTrainer.TokenSet(perLayer, acts);
    }
}
