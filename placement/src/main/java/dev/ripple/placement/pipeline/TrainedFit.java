package dev.ripple.placement.pipeline;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.core.activity.TrainedPredictor;

/**
 * A predictor {@link PlacementPipeline#trainPredictor} trained, ready to be stored by
 * {@link LayoutOptions#withTrained}, and how it was made and how it scored on the validation
 * passages (what {@code ripple place} prints).
 *
 * @param predictor          the networks, each with its calibrated threshold
 * @param options            what it was trained with
 * @param rule               the activity rule it predicts
 * @param trainTokens        tokens trained on
 * @param validationTokens   tokens the thresholds were calibrated on
 * @param seconds            wall time of the training itself (not of profiling)
 * @param validationReadShare per layer, the share of neurons predicted active on the validation tokens
 * @param validationRecall   per layer, the share of the truly active neurons predicted there
 */
public record TrainedFit(
        TrainedPredictor predictor,
        TrainingOptions options,
        String rule,
        int trainTokens,
        int validationTokens,
        double seconds,
        double[] validationReadShare,
        double[] validationRecall) {

    public TrainedFit {
        validationReadShare = validationReadShare.clone();
        validationRecall = validationRecall.clone();
    }

    @Override
    public double[] validationReadShare() {
        return validationReadShare.clone();
    }

    @Override
    public double[] validationRecall() {
        return validationRecall.clone();
    }

    /** The networks' width (the low-rank start's rank). */
    public int hidden() {
        return predictor.layer(0).hidden();
    }

    /**
     * The description stored in the file's provenance under {@link TrainedPredictor#PROVENANCE}:
     * {@code relu}, which evaluating the networks needs, and how they were trained. Not the training
     * time, so that the same inputs and seed write the same bytes.
     */
    public ObjectNode provenance() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("relu", predictor.layer(0).relu());
        n.put("start", "lowrank");
        n.put("hidden", hidden());
        n.put("rule", rule);
        n.put("recallTarget", options.recall());
        n.put("epochs", options.epochs());
        n.put("learningRate", options.learningRate());
        n.put("seed", options.seed());
        n.put("trainTokens", trainTokens);
        n.put("validationTokens", validationTokens);
        ArrayNode share = n.putArray("validationReadShare");
        for (double v : validationReadShare) {
            share.add(v);
        }
        ArrayNode recall = n.putArray("validationRecall");
        for (double v : validationRecall) {
            recall.add(v);
        }
        return n;
    }
}
