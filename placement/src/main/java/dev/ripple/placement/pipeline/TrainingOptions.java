package dev.ripple.placement.pipeline;

import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * How {@link PlacementPipeline#trainPredictor} trains the predictor it stores (issue 16): a linear
 * network started from the low-rank factors fitted to the profiled FFN inputs, nudged by Adam
 * ({@code PredictorTrainer.Options.warmStart()}: the start that did best in docs/PERFORMANCE.md
 * §16), each layer's threshold calibrated to {@code recall} on the validation passages.
 * Deterministic under {@code seed}, whatever {@code threads}. Start from {@link #defaults()}; each
 * component has a wither ({@code withRecall(r)}, ...) from {@link TrainingOptionsBuilder.With}.
 *
 * @param rank         the network's width, the low-rank start's rank; -1: {@link PlacementPipeline#defaultRank}
 * @param recall       the validation recall each layer's threshold is calibrated to, in (0, 1]
 * @param maxTokens    tokens profiled to train and validate on (four passages in five train)
 * @param epochs       passes over the training tokens
 * @param learningRate Adam's step size
 * @param seed         the factorisation's, the shuffling's
 * @param threads      layers trained at once
 */
@RecordBuilder
public record TrainingOptions(
        int rank, double recall, long maxTokens, int epochs, float learningRate, long seed, int threads)
        implements TrainingOptionsBuilder.With {

    public TrainingOptions {
        if (rank < -1 || rank == 0) {
            throw new IllegalArgumentException(
                    "trained predictor width must be positive, or -1 for the default, got " + rank);
        }
        if (!(recall > 0 && recall <= 1)) {
            throw new IllegalArgumentException("trained predictor recall target must be in (0, 1], got " + recall);
        }
        if (maxTokens < 1 || epochs < 1 || !(learningRate > 0) || threads < 1) {
            throw new IllegalArgumentException(
                    "trained predictor: tokens, epochs, learning rate and threads must be positive, got " + this);
        }
    }

    /**
     * Default width, recall 0.975 (the operating point of docs/PERFORMANCE.md §16), 10,000 tokens,
     * 2 epochs at step 5e-5, seed 42, one thread per core.
     */
    public static TrainingOptions defaults() {
        return new TrainingOptions(
                -1, 0.975, 10_000, 2, 5e-5f, 42, Runtime.getRuntime().availableProcessors());
    }
}
