package dev.ripple.placement.pipeline;

import static dev.ripple.placement.pipeline.InvalidGenerationRequestException.RULES;

import dev.ripple.cache.CacheSettings;
import dev.ripple.core.activity.LowRankPredictor;
import dev.ripple.core.activity.PredictorKind;
import dev.ripple.core.format.RippleFile;
import dev.ripple.core.model.decoder.DecoderConfig;
import dev.ripple.core.model.decoder.DecoderModel;
import dev.ripple.core.model.decoder.Detokenizer;
import dev.ripple.core.model.decoder.Generator;
import dev.ripple.core.model.decoder.Session;
import dev.ripple.core.runtime.MemoryPlan;
import dev.ripple.core.runtime.RippleModel;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.tokenizer.ChatMessage;
import dev.ripple.core.tokenizer.Tokenizer;
import dev.ripple.core.tokenizer.UnsupportedChatTemplateException;
import dev.ripple.io.device.EmulatedReader;
import dev.ripple.io.reader.ReaderRan;
import dev.ripple.placement.PreparedModel;
import dev.ripple.placement.pipeline.InvalidGenerationRequestException.Input;
import dev.ripple.placement.synthetic.GeneratedWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.collections.api.set.primitive.MutableIntSet;
import org.eclipse.collections.impl.factory.primitive.IntSets;

/**
 * Text from a decoder whose FFN stays on flash, from whatever the user has: a {@code .ripple} file,
 * or a checkpoint imported on the fly in its original neuron order. In two steps so that a caller can
 * report the choices ({@link PreparedGeneration}) before the tokens stream:
 *
 * <pre>{@code
 * PreparedGeneration p = Generation.prepare(request, PipelineListener.NONE);
 * GenerationResult r = Generation.run(p, token -> System.out.print(token.text()));
 * System.out.println(r.summary());
 * }</pre>
 */
public final class Generation {
    private Generation() {}

    /** {@link #prepare} then {@link #run}. */
    public static GenerationResult generate(
            GenerationRequest request, PipelineListener progress, Consumer<Generator.Token> tokens) throws IOException {
        return run(prepare(request, progress), tokens);
    }

    /**
     * Imports the model when it is a checkpoint (step "import NAME", per layer), reads its
     * architecture, tokenizer and predictor, encodes the prompt and splits the DRAM budget.
     */
    public static PreparedGeneration prepare(GenerationRequest request, PipelineListener progress) throws IOException {
        PreparedModel model = importModel(request, progress);
        try (RippleFile f = RippleFile.open(model.file())) {
            if (!DecoderConfig.isDecoder(f.architecture())) {
                throw new IllegalArgumentException(model.file()
                        + ": not a decoder (ripple generate runs OPT and Llama-family models; this file holds '"
                        + f.architecture().path("type").asText() + "')");
            }
            DecoderConfig config = DecoderConfig.fromJson(f.architecture());
            boolean stored = LowRankPredictor.isStoredIn(f);
            Optional<Tokenizer> tokenizer = RippleModel.tokenizerOf(f);
            int[] given = request.prompt().ids();
            int[] ids = given != null ? given : encode(request, tokenizer.orElse(null));
            int generated = request.generation().maxTokens();
            // in long: a prompt plus --max-tokens near Integer.MAX_VALUE overflows an int sum
            int ctx = request.context() > 0
                    ? request.context()
                    : (int) Math.min(config.maxPositions(), (long) ids.length + generated);
            if (ctx > config.maxPositions()) { // else refused only when the session opens, in the model's words
                throw RULES.refuse(
                        List.of(Input.CONTEXT),
                        n -> n.apply(Input.CONTEXT) + " " + ctx + " is longer than the model's " + config.maxPositions()
                                + " positions",
                        null);
            }
            int positions = config.maxPositions();
            if (ids.length >= positions) { // no context holds it: the prompt is at fault, not the context
                throw RULES.refuse(
                        List.of(given != null ? Input.PROMPT_IDS : Input.PROMPT_TEXT),
                        n -> "the prompt has " + ids.length + " tokens, too many for the model's " + positions
                                + " positions, which must also hold a token to generate; give a shorter prompt, of"
                                + " at most " + (positions - 1) + " tokens",
                        null);
            }
            if (ids.length >= ctx) {
                throw RULES.refuse(
                        List.of(Input.CONTEXT),
                        n -> "the prompt has " + ids.length + " tokens and the context holds " + ctx
                                + "; give a longer " + n.apply(Input.CONTEXT) + ", of at least " + (ids.length + 1)
                                + " (the model takes up to " + positions + ")",
                        null);
            }
            Optional<MemoryPlan> budget =
                    request.dramBytes() > 0 ? Optional.of(memoryPlan(f, config, request, ctx)) : Optional.empty();
            PredictorKind predictor = request.predictor() != null
                    ? request.predictor()
                    : stored ? PredictorKind.LOWRANK : PredictorKind.DENSE;
            return new PreparedGeneration(request, model, config, tokenizer, predictor, stored, ids, ctx, budget);
        }
    }

    /**
     * The DRAM budget split for one session of {@code context} tokens; a budget too small for it is
     * the request's fault, told with the budget and the context named as the caller names them.
     */
    private static MemoryPlan memoryPlan(RippleFile f, DecoderConfig config, GenerationRequest request, int context) {
        try {
            return MemoryPlan.of(f, config, request.dramBytes(), context, request.kv(), 1);
        } catch (IllegalArgumentException e) {
            throw RULES.refuse(
                    List.of(Input.DRAM_BYTES, Input.CONTEXT),
                    n -> n.apply(Input.DRAM_BYTES) + ", " + n.apply(Input.CONTEXT) + ": " + e.getMessage(),
                    e);
        }
    }

    /** Opens the runtime and generates, handing {@code tokens} each token as it comes. */
    public static GenerationResult run(PreparedGeneration p, Consumer<Generator.Token> tokens) throws IOException {
        RuntimeOptions options = runtimeOptions(p);
        try (RippleModel m = RippleModel.open(p.model().file(), options)) {
            DecoderModel decoder = m.decoder()
                    .orElseThrow(() -> new IllegalArgumentException(
                            p.model().file() + ": not a decoder (ripple generate runs OPT and Llama-family models)"));
            Tokenizer tokenizer = p.tokenizer().orElse(null);
            Detokenizer detokenizer = tokenizer == null ? null : Detokenizer.of(tokenizer.newIncrementalDecoder(true));
            Generator.Result result;
            try (Session s = decoder.newSession(p.context(), p.request().kv())) {
                result = Generator.generate(
                        decoder, s, p.promptIds(), generatorOptions(p, decoder), detokenizer, tokens);
            }
            ReaderRan reader = ReaderRan.of(options.reader(), m.reader() instanceof EmulatedReader e && e.fromDram());
            String realReads = m.reader() instanceof EmulatedReader e
                    ? "real reads " + e.realReads()
                    : reader.name() + " reads from the disk";
            MemoryPlan memory = p.budget().orElseGet(() -> held(m, p));
            return new GenerationResult(
                    p,
                    result,
                    memory,
                    realReads,
                    reader,
                    GeneratedWeights.inArchitecture(m.file().architecture()));
        }
    }

    /**
     * The model as a {@code .ripple} file, reported as one step that ends when it does: "import NAME"
     * for a checkpoint, "open NAME" for a {@code .ripple} file; a missing model fails before any step,
     * and a file of another kind (an encoder's ONNX model, text) when it is opened, by its first bytes
     * whatever its name ({@link PreparedModel#of}).
     */
    private static PreparedModel importModel(GenerationRequest request, PipelineListener progress) throws IOException {
        if (!Files.exists(request.model())) {
            throw new NoSuchFileException(request.model().toString());
        }
        String step = (PreparedModel.isCheckpoint(request.model()) ? "import " : "open ")
                + request.model().getFileName();
        int[] layers = {0};
        progress.progress(step, 0, -1);
        PreparedModel model = PreparedModel.of(request.model(), request.work(), DType.F16, l -> {
            layers[0] = l + 1;
            progress.progress(step, layers[0], -1);
        });
        progress.progress(step, layers[0], layers[0]);
        return model;
    }

    private static int[] encode(GenerationRequest request, Tokenizer tokenizer) throws IOException {
        GenerationRequest.Prompt prompt = request.prompt();
        if (tokenizer == null) {
            throw RULES.refuse(
                    List.of(Input.PROMPT_TEXT, Input.PROMPT_IDS),
                    n -> request.model() + ": the model has no tokenizer (tokenizer.json, or vocab.json and "
                            + "merges.txt) to encode " + n.apply(Input.PROMPT_TEXT) + "; give the prompt as "
                            + n.apply(Input.PROMPT_IDS),
                    null);
        }
        if (!prompt.chat()) {
            return tokenizer.encode(prompt.text());
        }
        List<ChatMessage> messages = new ArrayList<>();
        if (prompt.system() != null) {
            messages.add(new ChatMessage("system", prompt.system()));
        }
        messages.add(new ChatMessage("user", prompt.text()));
        if (prompt.chatFormat() != null) {
            return tokenizer.encodeChat(prompt.chatFormat(), messages, true);
        }
        try {
            return tokenizer.encodeChat(messages, true);
        } catch (UnsupportedChatTemplateException e) {
            throw RULES.refuse(
                    List.of(Input.CHAT_FORMAT),
                    // the message lists the formats already; say only where one is named
                    n -> e.getMessage() + "; " + n.apply(Input.CHAT_FORMAT) + " names one",
                    e);
        }
    }

    /** The request's options with the chosen predictor, and a budget's bundle cache when it gave one. */
    private static RuntimeOptions runtimeOptions(PreparedGeneration p) {
        RuntimeOptions options = p.request().runtime().withPredictor(p.predictor());
        if (p.budget().isPresent()) {
            long cacheBytes = p.budget().get().cacheBytes();
            options = options.withCacheBytes(cacheBytes > 0 ? options.cache() : new CacheSettings.None(), cacheBytes);
        }
        return options;
    }

    /** The request's stop ids, plus the model's and the tokenizer's end of sequence unless it ignores them. */
    private static Generator.Options generatorOptions(PreparedGeneration p, DecoderModel decoder) {
        Generator.Options asked = p.request().generation();
        MutableIntSet stopIds = IntSets.mutable.ofAll(asked.stopIds());
        if (!p.request().ignoreEos()) {
            if (decoder.config().eosId() >= 0) {
                stopIds.add(decoder.config().eosId());
            }
            p.tokenizer().ifPresent(t -> t.eosId().ifPresent(stopIds::add));
        }
        return asked.withStopIds(stopIds);
    }

    /** What a run without a budget held: resident tensors, its KV cache, working buffers, the bundle cache. */
    private static MemoryPlan held(RippleModel m, PreparedGeneration p) {
        return MemoryPlan.held(
                m.file(),
                p.config().kvBytesPerToken(p.request().kv()) * p.context(),
                m.cache().map(c -> c.budgetBytes()).orElse(0L));
    }
}
