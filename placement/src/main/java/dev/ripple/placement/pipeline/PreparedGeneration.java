package dev.ripple.placement.pipeline;

import dev.ripple.core.activity.PredictorKind;
import dev.ripple.core.model.decoder.DecoderConfig;
import dev.ripple.core.runtime.MemoryPlan;
import dev.ripple.core.tokenizer.Tokenizer;
import dev.ripple.placement.PreparedModel;
import java.util.Optional;

/**
 * A generation ready to run ({@link Generation#prepare}): the model file, the prompt's ids and every
 * choice made for the request, known before the runtime opens, so that a caller can say what was
 * chosen for it (an import, a dense run) before the text comes.
 *
 * @param request         what was asked
 * @param model           the {@code .ripple} file, imported now or earlier when a checkpoint was given
 * @param config          the decoder's architecture
 * @param tokenizer       the model's tokenizer, when the file has one
 * @param predictor       the predictor it runs with
 * @param predictorStored true when the file holds a low-rank predictor
 * @param promptIds       the prompt as token ids
 * @param context         the KV cache length in tokens
 * @param budget          the split of the request's DRAM budget, when it gave one
 */
public record PreparedGeneration(
        GenerationRequest request,
        PreparedModel model,
        DecoderConfig config,
        Optional<Tokenizer> tokenizer,
        PredictorKind predictor,
        boolean predictorStored,
        int[] promptIds,
        int context,
        Optional<MemoryPlan> budget) {

    public PreparedGeneration {
        promptIds = promptIds.clone();
    }

    @Override
    public int[] promptIds() {
        return promptIds.clone();
    }

    /** True when no predictor was asked for and the file has none, so every neuron is read. */
    public boolean denseForWantOfPredictor() {
        return request.predictor() == null && !predictorStored;
    }
}
