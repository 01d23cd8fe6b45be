package dev.ripple.bench.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ripple.bench.harness.DepthNote;
import dev.ripple.bench.harness.ProgressSteps;
import dev.ripple.core.activity.PredictorKind;
import dev.ripple.core.model.decoder.Generator;
import dev.ripple.core.model.decoder.Sampler;
import dev.ripple.core.runtime.InvalidRuntimeOptionsException;
import dev.ripple.core.runtime.RuntimeOptions;
import dev.ripple.core.tensor.DType;
import dev.ripple.core.tokenizer.ChatFormat;
import dev.ripple.io.device.DeviceProfile;
import dev.ripple.placement.InputFiles;
import dev.ripple.placement.PreparedModel;
import dev.ripple.placement.pipeline.Generation;
import dev.ripple.placement.pipeline.GenerationRequest;
import dev.ripple.placement.pipeline.GenerationResult;
import dev.ripple.placement.pipeline.InvalidGenerationRequestException;
import dev.ripple.placement.pipeline.PreparedGeneration;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ripple generate}: text from a decoder with its FFN on flash, streamed as it is generated,
 * then one line of figures (and every figure as JSON with {@code --json}).
 */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = "Generate text with a decoder LLM (OPT, Llama family) whose FFN stays on flash: stream the text, "
                + "then report prefill and decode speed, I/O per token, cache hit rate and the memory split.")
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    IoOptions io;

    @Mixin
    WorkOptions run;

    @Option(
            names = "--model",
            converter = PathArguments.InputPath.class,
            required = true,
            paramLabel = "M",
            description =
                    "a decoder .ripple file, a Hugging Face model directory or a .gguf file (the last two imported on the"
                            + " fly in their original order)")
    Path model;

    @Option(names = "--prompt", paramLabel = "TEXT", description = "the prompt, tokenized with the model's tokenizer")
    String prompt;

    @Option(names = "--prompt-ids", split = ",", paramLabel = "IDS", description = "the prompt as token ids (1,2,3)")
    int[] promptIds;

    @Option(names = "--chat", description = "wrap --prompt in the model's chat template (Llama 2, Llama 3 or ChatML)")
    boolean chat;

    @Option(
            names = "--chat-format",
            paramLabel = "F",
            description =
                    "with --chat: llama2, llama3 or chatml (default: the one the tokenizer_config.json's template names)")
    String chatFormat;

    @Option(names = "--system", paramLabel = "TEXT", description = "with --chat: a system message")
    String system;

    @Option(
            names = "--max-tokens",
            defaultValue = "64",
            description = "tokens to generate at most (default: ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0", description = "0 for greedy (default: ${DEFAULT-VALUE})")
    float temperature;

    @Option(
            names = "--top-k",
            defaultValue = "0",
            description = "sample among the k most likely tokens; 0: all (default: ${DEFAULT-VALUE})")
    int topK;

    @Option(
            names = "--top-p",
            defaultValue = "1",
            description = "nucleus sampling threshold (default: ${DEFAULT-VALUE})")
    float topP;

    @Option(names = "--repetition-penalty", defaultValue = "1", description = "1: off (default: ${DEFAULT-VALUE})")
    float repetitionPenalty;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the sampler (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--stop", paramLabel = "TEXT", description = "stop when the text contains this (repeatable)")
    List<String> stops = new ArrayList<>();

    @Option(names = "--ignore-eos", description = "do not stop at the end-of-sequence token")
    boolean ignoreEos;

    @Option(
            names = "--context",
            defaultValue = "0",
            description = "KV cache length in tokens (default: prompt + max tokens, within the model's limit)")
    int context;

    @Option(
            names = "--kv",
            defaultValue = "f16",
            description = "KV cache element type: f16 or f32 (default: ${DEFAULT-VALUE})")
    String kv;

    @Mixin
    DramOptions dram;

    @Mixin
    CachePolicyOptions cachePolicy;

    @Mixin
    CacheBudgetOptions cacheBudget;

    @Option(
            names = "--predictor",
            description = "lowrank, trained (when 'ripple place --predictor trained' stored one) or dense "
                    + "(default: lowrank when the file has one, else dense)")
    String predictor;

    @Option(
            names = "--device-profile",
            paramLabel = "PROFILE.json",
            converter = PathArguments.InputFile.class,
            description = "plan reads by this storage's measured cost model ('ripple calibrate --out PROFILE.json'"
                    + " on it), not emulated: near reads collapse where that is cheaper, at the storage's own"
                    + " speed; without it or --device, the profile 'ripple calibrate --dir' saved as "
                    + DeviceProfile.FILE_NAME + " beside the .ripple file read (a checkpoint's import: in --work), if"
                    + " any, else each run of needed bundles is one read")
    Path deviceProfile;

    @Option(
            names = "--exact-reads",
            description = "plan each run of needed bundles as one read, even where a device profile lies beside"
                    + " the .ripple file read")
    boolean exactReads;

    /**
     * Where a saved profile was looked for (the directory of the .ripple file read), and the one found
     * there and planned by, for the closing line; null when no profile was looked for, or none found.
     */
    private Path lookedIn, savedProfile;

    @Mixin
    JsonFileOptions json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PreparedGeneration prepared;
        GenerationRequest request;
        try (ProgressSteps steps = CliProgress.steps(run.quiet)) {
            request = request();
            prepared = Generation.prepare(request, steps);
        } catch (InvalidGenerationRequestException e) {
            throw new IllegalArgumentException(e.describe(GenerateCommand::option), e);
        }
        if (!run.quiet) {
            tellChoices(prepared, err);
        }
        boolean text = prepared.tokenizer().isPresent();
        GenerationResult g = Generation.run(prepared, token -> {
            if (text) {
                out.print(token.text());
            } else if (token.id() >= 0) {
                out.print(token.id() + " ");
            }
            out.flush();
        });
        out.println();
        out.println(g.summary());
        out.println("(one cold run: the first tokens include the JVM's warm-up, so a process that generates"
                + " again runs faster; ripple bench and decode-speed measure after a warm-up)");
        out.println("reads planned by " + g.readPlanning() + planningNote());
        DeviceProfile planning = request.runtime().device();
        int queueDepth = request.runtime().queueDepth();
        if (planning != null) {
            DepthNote.print(out, planning, queueDepth);
        }
        DeviceProfile emulated = g.emulatedDevice();
        if (emulated != null) {
            out.printf(
                    "I/O EMULATED: every read took the time of %s (%s); %s; reader: %s%n",
                    emulated.name(),
                    emulated.source(),
                    g.realReads(),
                    g.reader().describe());
        }
        json.write(() -> {
            ObjectNode doc = g.toJson();
            if (planning != null) {
                DepthNote.putJson(doc, planning, queueDepth);
            }
            return doc;
        });
        return 0;
    }

    /**
     * The options as the API's request, and its complaints told in the options' names. The request's
     * own values and the runtime options' (the cache share, the queue depth) are checked here, by
     * the records that hold the rules, before any import work; what depends on the model (a prompt longer
     * than --context, text for a model without a tokenizer, a --dram too small) only once
     * {@link Generation#prepare} has imported it.
     */
    private GenerationRequest request() throws IOException {
        json.requireUsable(InputFiles.none().withModel(model, "--model"));
        GenerationRequest.Prompt p = new GenerationRequest.Prompt(
                prompt, promptIds, chat, chatFormat == null ? null : ChatFormat.parse(chatFormat), system);
        Generator.Options generation = OptionValues.checked("--max-tokens", () -> Generator.Options.greedy(maxTokens))
                .withStopStrings(stops)
                .withSampling(sampling());
        RuntimeOptions runtime;
        try {
            runtime = RuntimeOptions.defaults()
                    .withQueueDepth(io.queueDepth())
                    .withReader(io.readerKind())
                    .withCache(cachePolicy.cache, cacheBudget.fraction);
        } catch (InvalidRuntimeOptionsException e) {
            throw new IllegalArgumentException(e.describe(GenerateCommand::option), e);
        }
        if (dram.text != null) { // the budget's memory plan gives the bundle cache its bytes
            OptionValues.requireNotGiven(
                    spec,
                    "not with --dram, whose budget leaves the bundle cache what the resident tensors and the KV"
                            + " cache do not take",
                    "--cache-fraction");
        }
        if (exactReads) {
            OptionValues.requireNotGiven(
                    spec,
                    "not with --exact-reads, which plans without a device profile",
                    "--device",
                    "--device-profile");
        }
        DeviceProfile emulated = io.deviceProfile();
        if (emulated != null) {
            OptionValues.requireNotGiven(
                    spec, "not with --device, whose profile plans the reads it emulates", "--device-profile");
            runtime = runtime.emulating(emulated);
        } else if (deviceProfile != null) {
            runtime = runtime.withDevice(DeviceProfile.read(deviceProfile));
        } else if (!exactReads) {
            // the storage the bundles are read from: the .ripple file's, or an import's in --work
            lookedIn = PreparedModel.isCheckpoint(model)
                    ? run.work
                    : model.toAbsolutePath().getParent();
            Optional<DeviceProfile> saved = DeviceProfile.savedIn(lookedIn);
            if (saved.isPresent()) {
                runtime = runtime.withDevice(saved.get());
                savedProfile = lookedIn.resolve(DeviceProfile.FILE_NAME);
            }
        }
        return new GenerationRequest(
                model,
                run.work,
                p,
                generation,
                ignoreEos,
                context,
                kvType(),
                dram.bytes(),
                runtime,
                predictor == null ? null : PredictorKind.parse(predictor));
    }

    /**
     * Where the closing line's planning came from when the options did not name it: a profile found
     * beside the .ripple file read, or, for exact runs chosen by default, how to get a cost model, in
     * the directory looked in (a checkpoint's is --work, where its import lies, not the checkpoint's).
     */
    private String planningNote() {
        if (savedProfile != null) {
            return " (" + savedProfile + ", found beside the .ripple file read; --exact-reads plans without it)";
        }
        if (lookedIn != null) {
            return " (a cost model collapses near reads where that is cheaper: 'ripple calibrate --dir " + lookedIn
                    + "' saves one where generate finds it, or give --device-profile)";
        }
        return "";
    }

    /**
     * The sampler's settings, each value checked here so that the error names its option: the
     * sampler's own rule names all four values at once.
     */
    private Sampler.Settings sampling() {
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("--temperature must be a number ≥ 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("--top-k must not be negative, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("--top-p must be in (0, 1], got " + topP);
        }
        if (!(repetitionPenalty > 0) || Float.isInfinite(repetitionPenalty)) {
            throw new IllegalArgumentException("--repetition-penalty must be a number > 0, got " + repetitionPenalty);
        }
        return new Sampler.Settings(temperature, topK, topP, repetitionPenalty, seed);
    }

    /** {@code --kv}: the two types a KV cache holds, in any case; the other dtypes are no choice here. */
    private DType kvType() {
        return switch (kv.toLowerCase(Locale.ROOT)) {
            case "f16" -> DType.F16;
            case "f32" -> DType.F32;
            default -> throw new IllegalArgumentException("--kv must be f16 or f32, got '" + kv + "'");
        };
    }

    /** The option that gives {@code input}, as a one-line error names it. */
    private static String option(InvalidGenerationRequestException.Input input) {
        return switch (input) {
            case PROMPT_TEXT -> "--prompt TEXT";
            case PROMPT_IDS -> "--prompt-ids 1,2,3";
            case CHAT -> "--chat";
            case CHAT_FORMAT -> "--chat-format";
            case SYSTEM -> "--system";
            case CONTEXT -> "--context";
            case DRAM_BYTES -> "--dram";
        };
    }

    /** The option that gives {@code input} of the runtime options, as a one-line error names it. */
    private static String option(InvalidRuntimeOptionsException.Input input) {
        return switch (input) {
            case QUEUE_DEPTH -> "--queue-depth";
            case CACHE_FRACTION -> "--cache-fraction";
            // set from no option here (--dram reaches the cache bytes through the request's memory plan)
            case CACHE_BYTES, MAX_GAP_BYTES, MARGIN -> input.component();
        };
    }

    /** An import in the original order and a run without a predictor are said, with what would do better. */
    private void tellChoices(PreparedGeneration p, PrintWriter err) {
        if (p.model().imported()) {
            err.printf(
                    "ripple: %s %s as %s in its original neuron order (no placement: run 'ripple profile' and "
                            + "'ripple place' for one)%n",
                    p.model().placedNow() ? "imported" : "reusing the import of",
                    model,
                    p.model().file());
        }
        if (p.denseForWantOfPredictor()) {
            err.println("ripple: the file has no activation predictor, so every neuron is read (dense); 'ripple place' "
                    + "with a profile adds one");
        }
    }
}
