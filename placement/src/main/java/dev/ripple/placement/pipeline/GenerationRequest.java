package dev.ripple.placement.pipeline;

import static dev.ripple.placement.pipeline.InvalidGenerationRequestException.RULES;

import dev.ripple.core.activity.PredictorKind;
import dev.ripple.core.model.decoder.Generator;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.tokenizer.ChatFormat;
import dev.ripple.placement.pipeline.InvalidGenerationRequestException.Input;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@link Generation} runs: a decoder (a {@code .ripple} file or a checkpoint to import), a
 * prompt, how to generate and how to read the model. Inputs out of range, or that do not go together,
 * are an {@link InvalidGenerationRequestException} naming them.
 *
 * <pre>{@code
 * GenerationRequest r = new GenerationRequest(
 *         Path.of("opt-125m/"), Path.of("ripple-work"), GenerationRequest.Prompt.text("Hello"),
 *         Generator.Options.greedy(32), false, 0, DType.F16, 0, RuntimeOptions.defaults(), null);
 * }</pre>
 *
 * @param model      a decoder {@code .ripple} file, or a checkpoint {@link dev.ripple.placement.PreparedModel} imports
 * @param work       where an import is kept (and reused while the checkpoint is unchanged)
 * @param prompt     the prompt, as text or as token ids
 * @param generation tokens, sampling and stop strings; the model's end-of-sequence ids are added to its
 *                   stop ids unless {@code ignoreEos}
 * @param ignoreEos  do not stop at the end-of-sequence token
 * @param context    KV cache length in tokens; 0: the prompt and the tokens to generate, within the model's limit
 * @param kv         the KV cache's element type
 * @param dramBytes  a DRAM budget split into resident tensors, KV cache and bundle cache ({@code MemoryPlan});
 *                   0: the bundle cache of {@code runtime}'s fraction
 * @param runtime    reader, queue depth, emulated device and cache policy; its predictor is replaced by
 *                   {@code predictor}'s choice
 * @param predictor  the activation predictor; null: the file's low-rank one when it has one, else dense
 */
public record GenerationRequest(
        Path model,
        Path work,
        Prompt prompt,
        Generator.Options generation,
        boolean ignoreEos,
        int context,
        DType kv,
        long dramBytes,
        RuntimeOptions runtime,
        PredictorKind predictor) {

    public GenerationRequest {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(work, "work");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(generation, "generation");
        Objects.requireNonNull(kv, "kv");
        Objects.requireNonNull(runtime, "runtime");
        RULES.requireNonNegative(Input.CONTEXT, context);
        RULES.requireNonNegative(Input.DRAM_BYTES, dramBytes);
    }

    /**
     * A prompt: token ids as given, or text the model's tokenizer encodes, optionally wrapped in its
     * chat template as one user message after an optional system message.
     *
     * @param text       the text; null when {@code ids} are given
     * @param ids        the token ids; null when {@code text} is given
     * @param chat       wrap {@code text} in the chat template
     * @param chatFormat with {@code chat}: the template; null: the one the tokenizer's config names
     * @param system     with {@code chat}: a system message, or null
     */
    public record Prompt(String text, int[] ids, boolean chat, ChatFormat chatFormat, String system) {
        public Prompt {
            if ((text == null) == (ids == null)) {
                throw RULES.oneOf(Input.PROMPT_TEXT, Input.PROMPT_IDS, "the prompt");
            }
            if (!chat && chatFormat != null) {
                throw RULES.needs(Input.CHAT_FORMAT, Input.CHAT);
            }
            if (!chat && system != null) {
                throw RULES.needs(Input.SYSTEM, Input.CHAT);
            }
            if (chat && text == null) {
                throw RULES.needs(Input.CHAT, Input.PROMPT_TEXT);
            }
            ids = ids == null ? null : ids.clone();
        }

        public static Prompt text(String text) {
            return new Prompt(Objects.requireNonNull(text, "text"), null, false, null, null);
        }

        public static Prompt ids(int... ids) {
            return new Prompt(null, Objects.requireNonNull(ids, "ids"), false, null, null);
        }

        /** {@code text} as the user's message in the chat template {@code format} (null: the tokenizer's). */
        public static Prompt chat(String text, ChatFormat format, String system) {
            return new Prompt(Objects.requireNonNull(text, "text"), null, true, format, system);
        }

        @Override
        public int[] ids() {
            return ids == null ? null : ids.clone();
        }
    }
}
